import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseJson, runEmulatorCli, runInProcess } from './helpers.js'

const dirs: string[] = []
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'agentbay-cli-flags-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('agentbay-rx emulator --host 0.0.0.0 (issue 9 item 14)', () => {
  it('prints a loopback endpoint the CLI itself accepts', async () => {
    const emulator = await runEmulatorCli(['--host', '0.0.0.0', '--port', '0', '--data-dir', await tempDir()])
    try {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(emulator.stderr()).toContain(`listening on ${emulator.endpoint} (bound to 0.0.0.0`)
      const listed = await runInProcess(['context', 'create', 'reachable', '--json'], { AGENTBAY_ENDPOINT: emulator.endpoint, AGENTBAY_API_KEY: emulator.apiKey })
      expect(listed.code, listed.stderr).toBe(0)
      expect(parseJson(listed.stdout)).toMatchObject({ ok: true })
    } finally {
      expect(await emulator.stop()).toBe(0)
    }
  })
})

describe('--allow-insecure-http (issue 9 item 14)', () => {
  it('is required for plain http to a non-loopback host, and then lets the call through', async () => {
    const emulator = await runEmulatorCli(['--host', '0.0.0.0', '--port', '0', '--data-dir', await tempDir()])
    try {
      // What the emulator printed before the fix: not loopback, so the key would travel in clear.
      const wildcard = emulator.endpoint.replace('127.0.0.1', '0.0.0.0')
      const env = { AGENTBAY_API_KEY: emulator.apiKey }
      const refused = await runInProcess(['context', 'create', 'insecure', '--endpoint', wildcard, '--json'], env)
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/--allow-insecure-http/)
      expect(refused.stderr).not.toContain(emulator.apiKey!)
      for (const argv of [
        ['context', 'create', 'insecure', '--endpoint', wildcard, '--allow-insecure-http', '--json'],
        ['--allow-insecure-http', 'context', 'list', '--json'], // global option before the command, endpoint from the environment
      ]) {
        const allowed = await runInProcess(argv, { ...env, AGENTBAY_ENDPOINT: wildcard })
        expect(allowed.code, allowed.stderr).toBe(0)
        expect(parseJson(allowed.stdout)).toMatchObject({ ok: true })
      }
    } finally {
      expect(await emulator.stop()).toBe(0)
    }
  })
})
