import { firstValueFrom } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { CODE_SESSION_NOT_FOUND } from '../../src/wire/protocol.js'
import { TEST_KEY, parseJson, runInProcess, testEmulator } from './helpers.js'

type TestEmulator = Awaited<ReturnType<typeof testEmulator>>

// Issue 9 item 12: `session delete ID --sync --force` must decide like the SDK's
// `session.delete({ syncContext: true, force: true })` when the upload fails with an error.
describe('agentbay-rx session delete --sync when the upload fails with an error', () => {
  let env: TestEmulator
  let agentBay: AgentBay
  let sessionId: string

  beforeEach(async () => {
    env = await testEmulator()
    agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('delete-sync'))
    const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))
    sessionId = session.sessionId
    // SyncContext changes state, so it is never retried: one 500 fails the upload with an error.
    env.emulator.setFaults([{ action: 'SyncContext', kind: '500', times: 1, message: 'storage unavailable' }])
  })
  afterEach(async () => {
    await env.close()
  })

  /** Whether GetSession still finds the session; any failure but NotFound fails the test. */
  const sessionExists = async (): Promise<boolean> => {
    const fetched = await agentBay.getAsync(sessionId)
    if (fetched.success) return true
    expect(fetched.error.code).toBe(CODE_SESSION_NOT_FOUND)
    return false
  }

  it('without --force keeps the session and exits 1', async () => {
    const result = await runInProcess(['--json', 'session', 'delete', sessionId, '--sync'], env.env)
    expect(result.code).toBe(1)
    expect(parseJson(result.stdout)).toMatchObject({ ok: false, sessionId, deleted: false, upload: { success: false } })
    expect(await sessionExists()).toBe(true)
  })

  it('with --force deletes the session, as the SDK does, and still exits 1 because the upload failed', async () => {
    const result = await runInProcess(['--json', 'session', 'delete', sessionId, '--sync', '--force'], env.env)
    expect(result.code).toBe(1)
    const document = parseJson(result.stdout)
    expect(document).toMatchObject({ ok: false, sessionId, deleted: true, upload: { success: false, errorMessage: expect.stringContaining('storage unavailable') } })
    expect(result.stderr).toMatch(/deleted \(--force\) although the upload before it failed/)
    expect(await sessionExists()).toBe(false)
  })

  it('agrees with the SDK: the same fault with force deletes the session there too', async () => {
    const sdk = await agentBay.session(sessionId).deleteAsync({ syncContext: true, force: true, pollIntervalMs: 50 })
    expect(sdk).toMatchObject({ success: false, deleted: true, upload: { success: false } })
    expect(await sessionExists()).toBe(false)
  })

  // Stop 18 item 3: --force only changes what happens when the upload of --sync fails; alone it
  // was silently accepted and the session deleted.
  it('--force without --sync is a usage error naming both flags, and nothing is deleted', async () => {
    const result = await runInProcess(['session', 'delete', sessionId, '--force'], env.env)
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/--force.*--sync/)
    expect(result.stdout).toBe('')
    expect(await sessionExists()).toBe(true)
  })
})
