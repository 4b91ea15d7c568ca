import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, parseJson, runProcess, testEmulator } from './helpers.js'

// CI builds before testing; locally this runs only after `npm run build`.
const DIST_CLI = join(REPO_ROOT, 'dist/cli.js')

describe.skipIf(!existsSync(DIST_CLI))('the bundled dist/cli.js (the `agentbay-rx` bin)', () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  beforeAll(async () => {
    env = await testEmulator()
  })
  afterAll(async () => {
    await env.close()
  })

  it('starts with a shebang, resolves its dependencies and talks to the emulator', async () => {
    const help = await runProcess(process.execPath, [DIST_CLI, '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: agentbay-rx/)
    const created = await runProcess(process.execPath, [DIST_CLI, 'context', 'create', 'from-dist', '--json'], env.env)
    expect(created.code).toBe(0)
    expect(parseJson(created.stdout)).toMatchObject({ ok: true, context: { name: 'from-dist' } })
    const usage = await runProcess(process.execPath, [DIST_CLI, 'nope'])
    expect(usage.code).toBe(2)
  })
})

// issue 10 item 8: one Rollup graph per format, so the bin shares the SDK's chunks instead of carrying
// a second copy, and the emulator is imported only by the commands that run it.
const DIST = join(REPO_ROOT, 'dist')

/** Files reachable from `entry` through static `import … from './…'` (dynamic `import()` excluded). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^'"()]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      visit(resolve(dirname(file), specifier as string))
    }
  }
  visit(entry)
  return seen
}

const esmFiles = (): string[] =>
  readdirSync(DIST, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(DIST, name))

describe.skipIf(!existsSync(DIST_CLI))('the ESM build in dist/ (issue 10 item 8)', () => {
  it('the bin loads no emulator code up front: dist/emulator.js and the chunks only it uses are imported dynamically', () => {
    const cli = staticGraph(DIST_CLI)
    expect([...cli].map((file) => relative(DIST, file))).not.toContain('emulator.js')
    // The emulator's server and store are not in anything the bin loads statically.
    const cliCode = [...cli].map((file) => readFileSync(file, 'utf8')).join('\n')
    expect(cliCode).not.toMatch(/class DataDirLockedError\b/)
    expect(cliCode).not.toMatch(/function startEmulator\b/)
    // …but the demo and emulator commands do reach it, through import().
    expect(readFileSync(DIST_CLI, 'utf8')).toMatch(/import\(['"]\.\/emulator\.js['"]\)/)
  })

  it('defines each class and top-level function once across every ESM file (no second copy of the SDK)', () => {
    const definitions = new Map<string, string[]>()
    for (const file of esmFiles()) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/^(?:export )?(?:async )?(?:class|function\*?) (\w+)/gm)) {
        definitions.set(name as string, [...(definitions.get(name as string) ?? []), relative(DIST, file)])
      }
    }
    expect(definitions.get('ContextManager')).toHaveLength(1)
    expect(definitions.get('AgentBay')).toHaveLength(1)
    const duplicated = [...definitions].filter(([, files]) => files.length > 1)
    expect(duplicated).toEqual([])
  })
})
