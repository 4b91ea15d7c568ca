// The emulator driven through the exact OpenAPI core the official TS SDK pins
// (`@alicloud/openapi-core` 1.0.4 + `@darabonba/typescript` 1.0.5), the way its generated
// `wuyingai` client does: `callApi` with RPC params, Anonymous auth, form body, and every answer
// mapped to a response model with `$dara.cast` (protocol §2.3: a JSON type the model does not
// expect throws "type of X is mismatch"). Only the transport is switched to plain HTTP (§1.1).
//
// Nothing here uses agentbay-rx's own client or codecs: the core and these models are the oracle.
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import {
  CallMcpToolResponse,
  ClientError,
  CreateMcpSessionResponse,
  DescribeContextFilesResponse,
  Envelope,
  FileUrlResponse,
  GetContextInfoResponse,
  GetContextResponse,
  GetSessionDetailResponse,
  ListContextsResponse,
  model,
  OpenApiUtil,
  PersistenceData,
  ThrottlingError,
  officialClient,
  parseContextStatus,
  poll,
  response,
  terminal,
} from './official-client.js'

const DATA_PATH = '/home/wuying/data'
const POLICY = JSON.stringify({
  uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: true },
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
})

// ---- tests --------------------------------------------------------------------------------------

describe('the official OpenAPI core against the emulator (protocol §1–§4)', () => {
  const env = useEmulator({ taskDelayMs: 20 })

  it('runs the context and session flow end to end, every answer passing the strict model cast', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    // Every call goes through `invoke`, so every answer below has passed `$dara.cast`.

    // GetContext (§3.7): AllowCreate as a real boolean, sent by the core as `true`/`false`.
    const created = await client.invoke('GetContext', { body: { AllowCreate: true, Authorization: auth, Name: 'official core' } }, GetContextResponse)
    expect(created.statusCode).toBe(200)
    expect(created.body).toMatchObject({ success: true, code: 'ok', httpStatusCode: 200 })
    expect(created.body.requestId).toMatch(/^[0-9A-F-]{36}$/)
    const contextId = created.body.data.id as string
    expect(contextId).toMatch(/^SdkCtx-/)
    expect(created.body.data).toMatchObject({ name: 'official core', state: 'available' })
    const again = await client.invoke('GetContext', { body: { AllowCreate: false, Authorization: auth, Name: 'official core' } }, GetContextResponse)
    expect(again.body.data.id).toBe(contextId)

    // ListContexts (§3.8).
    const listed = await client.invoke('ListContexts', { body: { Authorization: auth, MaxResults: 10 } }, ListContextsResponse)
    expect(listed.body.data.map((context: { id: string }) => context.id)).toEqual([contextId])
    expect(listed.body).toMatchObject({ maxResults: 10, nextToken: '', totalCount: 1 })

    // GetContextFileUploadUrl (§3.15), then the presigned PUT the SDK's file transfer does.
    const upload = await client.invoke('GetContextFileUploadUrl', { body: { Authorization: auth, ContextId: contextId, FilePath: '/seed.txt' } }, FileUrlResponse)
    expect(upload.body.data.expireTime).toBeGreaterThan(Date.now() / 1000)
    const put = await fetch(upload.body.data.url as string, { method: 'PUT', body: 'seeded before the session' })
    expect(put.status).toBe(200)

    // CreateMcpSession (§3.1) with PersistenceDataList as a JSON string, Policy a JSON string inside.
    const persistenceDataList = OpenApiUtil.arrayToStringWithSpecifiedStyle(
      [new PersistenceData({ contextId, path: DATA_PATH, policy: POLICY })],
      'PersistenceDataList',
      'json',
    )
    expect(JSON.parse(persistenceDataList)).toEqual([{ ContextId: contextId, Path: DATA_PATH, Policy: POLICY }])
    const session = await client.invoke(
      'CreateMcpSession',
      {
        body: {
          Authorization: auth,
          ImageId: 'linux_latest',
          EnableRecord: false,
          Labels: JSON.stringify({ suite: 'official core' }),
          PersistenceDataList: persistenceDataList,
          SdkStats: JSON.stringify({ source: 'sdk', sdk_language: 'typescript', sdk_version: '0.15.1', is_release: true, framework: '' }),
        },
      },
      CreateMcpSessionResponse,
    )
    expect(session.body).toMatchObject({ success: true, code: 'ok' })
    expect(session.body.data.success).toBe(true) // the SDK's `Data.Success === false` check
    const sessionId = session.body.data.sessionId as string
    expect(sessionId).not.toBe('')
    expect(Array.isArray(JSON.parse(session.body.data.toolList as string))).toBe(true)

    // GetContextInfo (§3.12, §4) until the create-time download is terminal (the §5.3 wait).
    const downloads = await poll(async () => {
      const info = await client.invoke('GetContextInfo', { body: { Authorization: auth, SessionId: sessionId } }, GetContextInfoResponse)
      expect(info.body.success).toBe(true)
      const tasks = parseContextStatus(info.body.data?.contextStatus as string | undefined)
      return tasks.length > 0 && tasks.every(terminal) ? tasks : undefined
    })
    expect(downloads).toEqual([
      expect.objectContaining({ contextId, path: DATA_PATH, taskType: 'download', status: 'Success', errorMessage: '' }),
    ])
    expect(Number.isInteger(downloads[0]!.startTime) && Number.isInteger(downloads[0]!.finishTime)).toBe(true)

    // CallMcpTool (Args a JSON string): the download is in the sandbox; write a new file.
    const read = await client.invoke(
      'CallMcpTool',
      { body: { Args: JSON.stringify({ path: `${DATA_PATH}/seed.txt` }), Authorization: auth, Name: 'read_file', SessionId: sessionId } },
      CallMcpToolResponse,
    )
    expect(read.body.data).toEqual({ content: [{ type: 'text', text: 'seeded before the session' }], isError: false })
    const written = await client.invoke(
      'CallMcpTool',
      { body: { Args: JSON.stringify({ path: `${DATA_PATH}/notes/hello.txt`, content: 'hello from the session' }), Authorization: auth, Name: 'write_file', SessionId: sessionId } },
      CallMcpToolResponse,
    )
    expect(written.body.data.isError).toBe(false)

    // SyncContext (§3.13): Authorization in the query, the rest in the body; then the §5.2 wait.
    const sync = await client.invoke(
      'SyncContext',
      { query: { Authorization: auth }, body: { ContextId: contextId, Mode: 'upload', Path: DATA_PATH, SessionId: sessionId } },
      Envelope,
    )
    expect(sync.body).toMatchObject({ success: true, code: 'ok' })
    const uploaded = await poll(async () => {
      const info = await client.invoke(
        'GetContextInfo',
        { body: { Authorization: auth, ContextId: contextId, Path: DATA_PATH, SessionId: sessionId } },
        GetContextInfoResponse,
      )
      const tasks = parseContextStatus(info.body.data?.contextStatus as string | undefined).filter((task) => task.taskType === 'upload')
      return tasks.length > 0 && tasks.every(terminal) ? tasks : undefined
    })
    expect(uploaded).toEqual([expect.objectContaining({ contextId, path: DATA_PATH, status: 'Success' })])

    // DescribeContextFiles (§3.14): the uploaded folder is in the context.
    const root = await client.invoke(
      'DescribeContextFiles',
      { body: { Authorization: auth, ContextId: contextId, PageNumber: 1, PageSize: 50, ParentFolderPath: '/' } },
      DescribeContextFilesResponse,
    )
    expect(root.body.count).toBe(2)
    expect(root.body.data.map((file: { fileName: string }) => file.fileName)).toEqual(['notes', 'seed.txt'])
    const notes = await client.invoke(
      'DescribeContextFiles',
      { body: { Authorization: auth, ContextId: contextId, PageNumber: 1, PageSize: 50, ParentFolderPath: '/notes' } },
      DescribeContextFilesResponse,
    )
    expect(notes.body.data).toEqual([expect.objectContaining({ fileName: 'hello.txt', filePath: '/notes/hello.txt', size: 22 })])
    const download = await client.invoke(
      'GetContextFileDownloadUrl',
      { body: { Authorization: auth, ContextId: contextId, FilePath: '/notes/hello.txt' } },
      FileUrlResponse,
    )
    expect(await (await fetch(download.body.data.url as string)).text()).toBe('hello from the session')

    // DeleteSessionAsync (§3.2), then GetSessionDetail (SessionId in the query) until it is gone (§5.4).
    const deleted = await client.invoke('DeleteSessionAsync', { body: { Authorization: auth, SessionId: sessionId } }, Envelope)
    expect(deleted.body.success).toBe(true)
    const ending = await poll(async () => {
      try {
        const detail = await client.invoke('GetSessionDetail', { query: { SessionId: sessionId }, body: { Authorization: auth } }, GetSessionDetailResponse)
        expect(detail.body.success).toBe(true)
        return detail.body.data.status === 'FINISH' ? 'FINISH' : undefined
      } catch (error) {
        expect(error).toBeInstanceOf(ClientError)
        expect(error).toMatchObject({ code: 'InvalidMcpSession.NotFound', statusCode: 400 })
        return 'NotFound'
      }
    })
    expect(ending).toBe('NotFound') // the emulator's default `deletedSessionDetail`
  })

  it('rejects an unknown session the way the core reports HTTP errors (§2.2)', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const failure = await client
      .invoke('GetContextInfo', { body: { Authorization: auth, SessionId: 'session-nope' } }, GetContextInfoResponse)
      .then(() => undefined, (error: unknown) => error)
    expect(failure).toBeInstanceOf(ClientError)
    const error = failure as InstanceType<typeof ClientError>
    expect(error).toMatchObject({ code: 'InvalidMcpSession.NotFound', statusCode: 400 })
    expect(error.requestId).toMatch(/^[0-9A-F-]{36}$/)
    expect(error.message).toContain(`code: 400, `)
    expect(error.message).toContain(`request id: ${error.requestId}`)
    expect(error.data).toMatchObject({ Success: false, Code: 'InvalidMcpSession.NotFound', HttpStatusCode: 400 })
    await expect(
      client.invoke('GetSessionDetail', { query: { SessionId: 'session-nope' }, body: { Authorization: auth } }, GetSessionDetailResponse),
    ).rejects.toMatchObject({ code: 'InvalidMcpSession.NotFound', statusCode: 400 })
    // GetContext with AllowCreate=false and an unknown name is refused, not created.
    await expect(
      client.invoke('GetContext', { body: { AllowCreate: false, Authorization: auth, Name: 'missing' } }, GetContextResponse),
    ).rejects.toMatchObject({ code: 'Context.NotFound', statusCode: 400 })
    // A wrong key never reaches an action.
    await expect(
      client.invoke('ListContexts', { body: { Authorization: 'Bearer not-a-key', MaxResults: 10 } }, ListContextsResponse),
    ).rejects.toBeInstanceOf(ClientError)
  })

  it('reports GetSessionDetail Status FINISH after deletion when configured so (§3.4)', async () => {
    const emulator = await env.start({ deletedSessionDetail: 'finish' })
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const session = await client.invoke('CreateMcpSession', { body: { Authorization: auth, ImageId: 'linux_latest' } }, CreateMcpSessionResponse)
    const sessionId = session.body.data.sessionId as string
    await client.invoke('DeleteSessionAsync', { body: { Authorization: auth, SessionId: sessionId } }, Envelope)
    const detail = await poll(async () => {
      const answer = await client.invoke('GetSessionDetail', { query: { SessionId: sessionId }, body: { Authorization: auth } }, GetSessionDetailResponse)
      return answer.body.data.status === 'FINISH' ? answer : undefined
    })
    expect(detail.body.data).toMatchObject({ status: 'FINISH', isDeleted: 1, imageId: 'linux_latest' })
  })

  it('surfaces a throttled call as the core ThrottlingError with retryAfter (§2.2)', async () => {
    const emulator = await env.start({ faults: [{ action: 'ListContexts', kind: 'throttle', times: 1, retryAfterSeconds: 2 }] })
    const client = officialClient(emulator)
    const call = () => client.invoke('ListContexts', { body: { Authorization: `Bearer ${emulator.apiKey}` } }, ListContextsResponse)
    const failure = await call().then(() => undefined, (error: unknown) => error)
    expect(failure).toBeInstanceOf(ThrottlingError)
    // retryAfter (ms) is read from `x-ratelimit-user-api: …TimeLeft:<ms>`; the core ignores Retry-After.
    expect(failure).toMatchObject({ code: 'Throttling', statusCode: 429, retryAfter: 2000 })
    expect((await call()).body.success).toBe(true) // no retries in the core: the next call is new
  })

  it('is strict: a cast model that disagrees with a JSON type throws, so the passing casts mean something', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const WrongSuccess = response(model({ success: ['Success', 'number'] }))
    await expect(client.invoke('ListContexts', { body: { Authorization: `Bearer ${emulator.apiKey}` } }, WrongSuccess)).rejects.toThrow(
      'type of success is mismatch, expect number, but boolean',
    )
    // The limits of that strictness (§2.3): the emulator's `wrongTypes` fault (`"true"`, `"200"`) is
    // coerced by the TS core, so only a stricter client (Go) would notice it.
    emulator.setFaults([{ action: 'ListContexts', kind: 'wrongTypes', times: 1 }])
    const coerced = await client.invoke('ListContexts', { body: { Authorization: `Bearer ${emulator.apiKey}` } }, ListContextsResponse)
    expect(coerced.body).toMatchObject({ success: true, httpStatusCode: 200 })
  })

  it("honours the config's protocol as well as the `_protocol` patch, and needs one of them (§1.1)", async () => {
    const emulator = await env.start()
    const body = { Authorization: `Bearer ${emulator.apiKey}`, MaxResults: 1 }
    for (const how of ['patch', 'config'] as const) {
      const client = officialClient(emulator, how)
      expect(client._protocol).toBe('HTTP')
      expect((await client.invoke('ListContexts', { body }, ListContextsResponse)).body.success).toBe(true)
    }
    // Unpatched, the core speaks TLS to the plain-HTTP emulator and fails at the transport.
    const https = officialClient(emulator, 'https')
    await expect(https.invoke('ListContexts', { body }, ListContextsResponse)).rejects.not.toBeInstanceOf(ClientError)
  })
})
