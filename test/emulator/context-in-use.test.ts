// Issue 11 item 7: DeleteContext of a context that a live session mounts. The real service marks
// such a context `in-use` (protocol §3.7; the official concepts guide: a context is used by one
// session at a time and deleted "when no longer needed"), and the official tests delete sessions
// before contexts; so the emulator refuses with `Context.InUse` instead of pulling the storage from
// under the session (before: success, then GetSession listed the mount with an empty name).
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import { body, Envelope, GetContextResponse, model, officialCalls, refusal, response } from './official-client.js'

/** `GetSessionResponseBodyData`: `contexts[]` with lowercase `id`/`name` (protocol §2.1). */
const GetSessionResponse = response(
  body(
    model({
      sessionId: ['SessionId', 'string'],
      status: ['Status', 'string'],
      contexts: ['contexts', { type: 'array', itemType: model({ id: ['id', 'string'], name: ['name', 'string'] }) }],
    }),
  ),
)

describe('deleting a context a session mounts (issue 11 item 7)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('refuses while a running session mounts it, keeping the mount, its name and the files; succeeds once the session is gone', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('mounted')
    await sdk.seed(contextId, '/keep.txt', 'still here')
    const sessionId = await sdk.createSession([{ contextId, path: '/home/wuying/data' }])

    const failure = await refusal(sdk.deleteContext(contextId))
    expect(failure).toMatchObject({ code: 'Context.InUse', statusCode: 400 })
    expect(failure.data).toMatchObject({ Success: false, HttpStatusCode: 400 })
    expect(failure.data['Message']).toBe(`Context ${contextId} is in use by session ${sessionId}; delete the session first`)

    const session = await sdk.client.invoke('GetSession', { body: { Authorization: sdk.Authorization, SessionId: sessionId } }, GetSessionResponse)
    expect(session.body.data.contexts).toEqual([expect.objectContaining({ id: contextId, name: 'mounted' })])
    expect(await sdk.contextFiles(contextId, '/')).toEqual(['keep.txt'])

    await sdk.deleteSession(sessionId, true)
    expect((await sdk.deleteContext(contextId)).body).toMatchObject({ success: true, code: 'ok' })
    const gone = sdk.client.invoke('GetContext', { body: { AllowCreate: false, Authorization: sdk.Authorization, ContextId: contextId } }, GetContextResponse)
    expect(await refusal(gone)).toMatchObject({ code: 'Context.NotFound' })
  })

  it('refuses while the session is still deleting, since its final upload writes into the context', async () => {
    // Tasks stay Pending for a minute: the deletion cannot finish during the test (close() aborts it).
    const emulator = await env.start({ taskDelayMs: 60_000 })
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('uploading at deletion')
    const policy = { downloadPolicy: { autoDownload: false } }
    const sessionId = await sdk.createSession([{ contextId, path: '/data', policy }], 'linux_latest', { waitForDownloads: false })
    await sdk.client.invoke('DeleteSessionAsync', { body: { Authorization: sdk.Authorization, SessionId: sessionId } }, Envelope)
    const session = await sdk.client.invoke('GetSession', { body: { Authorization: sdk.Authorization, SessionId: sessionId } }, GetSessionResponse)
    expect(session.body.data.status).toBe('DELETING')

    expect(await refusal(sdk.deleteContext(contextId))).toMatchObject({ code: 'Context.InUse', statusCode: 400 })
  })

  it('leaves other contexts deletable, and an unknown one is still Context.NotFound', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const mounted = await sdk.context('mounted')
    const idle = await sdk.context('idle')
    await sdk.createSession([{ contextId: mounted, path: '/data' }])
    expect((await sdk.deleteContext(idle)).body.success).toBe(true)
    expect(await refusal(sdk.deleteContext(idle))).toMatchObject({ code: 'Context.NotFound', statusCode: 400 })
  })
})
