// Issue 11: `PauseSessionAsync` / `ResumeSessionAsync` as the official SDKs call them (B:
// `SessionId`; wire protocol §3.5/§3.6 for the statuses). The SDK's `pauseAsync` polls GetSession
// and succeeds on `PAUSED`, keeps polling on `PAUSING`, and fails on any other status; `resumeAsync`
// likewise with `RUNNING` / `RESUMING`. A paused session refuses tools, syncs and deletion with a
// clear `InvalidSession` envelope. Everything goes through the official OpenAPI core.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from './helpers.js'
import { body, Envelope, model, officialCalls, poll, refusal, response } from './official-client.js'

/** `GetSessionResponseBody.Data`, the fields the SDK's status poll reads. */
const GetSessionResponse = response(body(model({ sessionId: ['SessionId', 'string'], status: ['Status', 'string'] })))
const ListSessionResponse = response(
  body({ type: 'array', itemType: model({ sessionId: ['SessionId', 'string'], sessionStatus: ['SessionStatus', 'string'] }) }, { totalCount: ['TotalCount', 'number'] }),
)

function pauseSdk(emulator: Emulator) {
  const sdk = officialCalls(emulator)
  const { client, Authorization } = sdk
  const status = async (sessionId: string): Promise<string> =>
    (await client.invoke('GetSession', { body: { Authorization, SessionId: sessionId } }, GetSessionResponse)).body.data.status as string

  /**
   * `session.pauseAsync()` / `resumeAsync()`: the action, then GetSession until `settled`; like the
   * SDK, any status but `transitional` or `settled` fails. Answers every status seen.
   */
  const transition = async (action: 'PauseSessionAsync' | 'ResumeSessionAsync', sessionId: string, transitional: string, settled: string) => {
    const answer = await client.invoke(action, { body: { Authorization, SessionId: sessionId } }, Envelope)
    expect(answer.body.success).toBe(true)
    const seen: string[] = []
    await poll(async () => {
      const now = await status(sessionId)
      seen.push(now)
      expect([transitional, settled]).toContain(now)
      return now === settled ? true : undefined
    })
    return seen
  }
  return {
    ...sdk,
    status,
    pause: (sessionId: string) => transition('PauseSessionAsync', sessionId, 'PAUSING', 'PAUSED'),
    resume: (sessionId: string) => transition('ResumeSessionAsync', sessionId, 'RESUMING', 'RUNNING'),
  }
}

describe('PauseSessionAsync / ResumeSessionAsync (official pauseAsync / resumeAsync)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('pauses through PAUSING to PAUSED and resumes through RESUMING to RUNNING, files kept', async () => {
    const emulator = await env.start()
    const sdk = pauseSdk(emulator)
    const session = await sdk.createSession([])
    expect((await sdk.tool(session, 'write_file', { path: '/home/wuying/notes.txt', content: 'before the pause', mode: 'overwrite' })).isError).toBe(false)

    expect((await sdk.pause(session)).at(-1)).toBe('PAUSED')
    // Paused is a status the SDK can list and probe (protocol §3.4, §3.6).
    const listed = await sdk.client.invoke('ListSession', { body: { Authorization: sdk.Authorization, Labels: '{}', MaxResults: 10, Status: 'PAUSED' } }, ListSessionResponse)
    expect(listed.body.data).toMatchObject([{ sessionId: session, sessionStatus: 'PAUSED' }])
    // Pausing again is accepted and changes nothing.
    expect(await sdk.pause(session)).toEqual(['PAUSED'])

    expect((await sdk.resume(session)).at(-1)).toBe('RUNNING')
    expect(await sdk.tool(session, 'read_file', { path: '/home/wuying/notes.txt' })).toEqual({ text: 'before the pause', isError: false })
    // Resuming a running session is accepted too (the SDK's poll then sees RUNNING at once).
    expect(await sdk.resume(session)).toEqual(['RUNNING'])
  })

  it('a paused session refuses tools, syncs, file transfer and deletion with InvalidSession, and keeps its state', async () => {
    const emulator = await env.start()
    const sdk = pauseSdk(emulator)
    const contextId = await sdk.context('paused-data')
    const session = await sdk.createSession([{ contextId, path: '/home/wuying/data' }])
    await sdk.pause(session)

    const refusals = await Promise.all([
      refusal(sdk.tool(session, 'list_directory', { path: '/home/wuying' })),
      refusal(sdk.client.invoke('SyncContext', { query: { Authorization: sdk.Authorization }, body: { SessionId: session } }, Envelope)),
      refusal(sdk.client.invoke('GetAndLoadInternalContext', { query: { Authorization: sdk.Authorization, 'ContextTypes.1': 'file_transfer', SessionId: session }, method: 'GET' }, Envelope)),
      refusal(sdk.client.invoke('DeleteSessionAsync', { body: { Authorization: sdk.Authorization, SessionId: session } }, Envelope)),
    ])
    for (const failure of refusals) {
      expect(failure).toMatchObject({ code: 'InvalidSession', statusCode: 400 })
      expect(failure.message).toContain(`Session ${session} is PAUSED: resume it (ResumeSessionAsync) and wait for RUNNING first`)
      expect(failure.message).not.toMatch(/not ?found/i) // the SDKs read "NotFound" as a missing session
    }
    // Reading its status still works, and nothing ran: no upload task was started.
    expect(await sdk.status(session)).toBe('PAUSED')
    expect((await sdk.contextInfo(session)).filter((task) => task.taskType === 'upload')).toEqual([])
    // The mounted context stays in use: a paused session still holds it.
    expect(await refusal(sdk.deleteContext(contextId))).toMatchObject({ code: 'Context.InUse' })

    await sdk.resume(session)
    expect((await sdk.tool(session, 'list_directory', { path: '/home/wuying' })).isError).toBe(false)
    await sdk.deleteSession(session, true)
  })

  it('refuses a transition from the wrong status, and an unknown session is NotFound', async () => {
    const emulator = await env.start()
    const sdk = pauseSdk(emulator)
    const session = await sdk.createSession([])
    const resumeRunning = await sdk.client.invoke('ResumeSessionAsync', { body: { Authorization: sdk.Authorization, SessionId: session } }, Envelope)
    expect(resumeRunning.body.success).toBe(true) // already RUNNING: nothing to do

    // A deletion that cannot finish while the test runs, so the session is DELETING when paused.
    const slow = pauseSdk(await env.start({ taskDelayMs: 600_000 }))
    const deleting = await slow.createSession([])
    await slow.client.invoke('DeleteSessionAsync', { body: { Authorization: slow.Authorization, SessionId: deleting } }, Envelope)
    expect(await slow.status(deleting)).toBe('DELETING')
    expect(await refusal(slow.client.invoke('PauseSessionAsync', { body: { Authorization: slow.Authorization, SessionId: deleting } }, Envelope))).toMatchObject({
      code: 'InvalidSession',
    })

    for (const action of ['PauseSessionAsync', 'ResumeSessionAsync'])
      expect(await refusal(sdk.client.invoke(action, { body: { Authorization: sdk.Authorization, SessionId: 'session-nope' } }, Envelope))).toMatchObject({
        code: 'InvalidMcpSession.NotFound',
      })
  })

  it('shows PAUSING until the transition settles, and settles it at the next start when the emulator stopped first', async () => {
    const dataDir = await env.tempDir()
    // A transition that cannot settle while the test runs: PAUSING is observable, deterministically.
    const slow = await env.start({ dataDir, taskDelayMs: 600_000 })
    const sdk = pauseSdk(slow)
    const session = await sdk.createSession([])
    await sdk.client.invoke('PauseSessionAsync', { body: { Authorization: sdk.Authorization, SessionId: session } }, Envelope)
    expect(await sdk.status(session)).toBe('PAUSING')
    expect(await refusal(sdk.tool(session, 'list_directory', { path: '/' }))).toMatchObject({ code: 'InvalidSession' })
    // Resuming while still pausing is refused: the SDK's pause wait would otherwise see RESUMING.
    expect((await refusal(sdk.client.invoke('ResumeSessionAsync', { body: { Authorization: sdk.Authorization, SessionId: session } }, Envelope))).message).toContain(
      `Session ${session} is PAUSING: ResumeSessionAsync needs a PAUSED session`,
    )
    await slow.close()

    const restarted = await env.start({ dataDir, taskDelayMs: 600_000 })
    const again = pauseSdk(restarted)
    expect(await again.status(session)).toBe('PAUSED')
    await again.client.invoke('ResumeSessionAsync', { body: { Authorization: again.Authorization, SessionId: session } }, Envelope)
    expect(await again.status(session)).toBe('RESUMING')
    await restarted.close()
    expect(await pauseSdk(await env.start({ dataDir })).status(session)).toBe('RUNNING')
  })
})
