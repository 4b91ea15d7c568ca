import { existsSync } from 'node:fs'
import { join } from 'node:path'
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
