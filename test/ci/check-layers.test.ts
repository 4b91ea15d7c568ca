import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CHECKER = join(REPO_ROOT, '.ci/check-layers.mjs')

const check = (srcDir?: string) => {
  const result = spawnSync(process.execPath, [CHECKER, ...(srcDir === undefined ? [] : [srcDir])], { encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** A copy of src/ with `files` (path under src → source) planted in it. */
let scratch: string | undefined
const plant = (files: Record<string, string>): string => {
  scratch = mkdtempSync(join(tmpdir(), 'agentbay-rx-layers-'))
  const src = join(scratch, 'src')
  cpSync(join(REPO_ROOT, 'src'), src, { recursive: true })
  for (const [path, source] of Object.entries(files)) writeFileSync(join(src, path), source)
  return src
}
afterEach(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
})

describe('.ci/check-layers.mjs (issue 10 item 1: folders are layers, imports only go down)', () => {
  it('passes on the repository as it is', () => {
    const { status, output } = check()
    expect(output).toContain('layers respected')
    expect(status).toBe(0)
  })

  it('fails on an upward import, type-only included, and names it', () => {
    const src = plant({ 'rpc/planted.ts': "import type { Session } from '../sessions/session.js'\nexport type Planted = Session\n" })
    const { status, output } = check(src)
    expect(status).toBe(1)
    expect(output).toContain('upward import: rpc/planted.ts → sessions/session.ts')
  })

  it('fails on an import between peer folders', () => {
    const src = plant({ 'sync/planted.ts': "export { ContextService } from '../contexts/context-service.js'\n" })
    const { status, output } = check(src)
    expect(status).toBe(1)
    expect(output).toContain('import across peers: sync/planted.ts → contexts/context-service.ts')
  })

  it('fails when the emulator imports SDK code beyond the protocol, a lazy import() included', () => {
    const src = plant({ 'emulator/planted.ts': "export const load = () => import('../rpc/retry.js')\n" })
    const { status, output } = check(src)
    expect(status).toBe(1)
    expect(output).toContain('forbidden import: emulator/planted.ts → rpc/retry.ts')
  })

  it('fails on a type-only cycle inside one folder, multi-line import included', () => {
    const src = plant({
      'shared/planted-a.ts': "import type { B } from './planted-b.js'\nexport type A = B | 1\n",
      'shared/planted-b.ts': "import type {\n  A,\n} from './planted-a.js'\nexport type B = A | 2\n",
    })
    const { status, output } = check(src)
    expect(status).toBe(1)
    expect(output).toMatch(/import cycle: shared\/planted-(a|b)\.ts → shared\/planted-(a|b)\.ts → shared\/planted-(a|b)\.ts/)
  })

  it('fails on a module outside every layer folder', () => {
    const src = plant({ 'loose.ts': 'export const loose = 1\n' })
    const { status, output } = check(src)
    expect(status).toBe(1)
    expect(output).toContain('outside every layer folder: loose.ts')
  })
})
