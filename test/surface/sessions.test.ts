import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ToolError, ValidationError, syncPolicy, type ContextStatusData, type SessionCreateEvent } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let fake: FakeTransport

beforeEach(() => {
  fake = createFakeTransport()
})

const client = (extra: { regionId?: string; scheduler?: TestScheduler } = {}) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, random: () => 0.5, ...extra })

const created = (sessionId = 'session-1') => jsonResponse({ ...okBody({ SessionId: sessionId, ResourceUrl: 'http://resource.url' }), RequestId: 'create-1' })
const FAST_WAIT = { maxPolls: 5, schedule: () => 0, noTaskGraceMs: 0 }

describe('agentBay.create(): the CreateMcpSession request', () => {
  it('sends ImageId, Labels and SdkStats as JSON strings, and no PersistenceDataList without contexts', async () => {
    fake.respond('CreateMcpSession', created())
    const session = await firstValueFrom(client().create({ imageId: 'linux_latest', labels: { a: 'b c' } }))
    expect(session.sessionId).toBe('session-1')
    expect(session.resourceUrl).toBe('http://resource.url')
    const params = fake.requestsOf('CreateMcpSession')[0]?.params
    expect(params).toEqual({ ImageId: 'linux_latest', Labels: '{"a":"b c"}', SdkStats: expect.any(String) })
    expect(JSON.parse(params?.['SdkStats'] ?? '')).toMatchObject({ source: 'sdk', sdk_language: 'typescript' })
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(0) // nothing mounted → no download wait
  })

  it('double-encodes PersistenceDataList: Policy is a JSON string inside the JSON array string (protocol §1.6)', async () => {
    fake.respond('CreateMcpSession', created())
    fake.respond('GetContextInfo', jsonResponse(contextInfoBody([])))
    const policy = syncPolicy({ uploadPolicy: { autoUpload: true } })
    await firstValueFrom(
      client({ regionId: 'cn-shanghai' }).create({
        contextSync: [{ contextId: 'SdkCtx-1', path: '/home/wuying/data', policy }, { contextId: 'SdkCtx-2', path: '/home/wuying/b' }],
        downloadWait: FAST_WAIT,
      }),
    )
    const params = fake.requestsOf('CreateMcpSession')[0]?.params ?? {}
    expect(params['LoginRegionId']).toBe('cn-shanghai')
    expect(params['Labels']).toBeUndefined()
    const items = JSON.parse(params['PersistenceDataList'] ?? '') as { ContextId: string; Path: string; Policy?: string }[]
    expect(items).toEqual([
      { ContextId: 'SdkCtx-1', Path: '/home/wuying/data', Policy: JSON.stringify(policy) },
      { ContextId: 'SdkCtx-2', Path: '/home/wuying/b' },
    ])
    expect(typeof items[0]?.Policy).toBe('string')
  })

  it('rejects a wildcard policy or non-string labels before any request', async () => {
    const agentBay = client()
    await expect(
      agentBay.createAsync({ contextSync: [{ contextId: 'c', path: '/p', policy: { bwList: { whiteLists: [{ path: 'logs/*.txt' }] } } }] }),
    ).rejects.toBeInstanceOf(ValidationError)
    await expect(agentBay.createAsync({ labels: { a: 1 as unknown as string } })).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })

  it('treats Data.Success=false as a failure with Data.ErrMsg', async () => {
    fake.respond('CreateMcpSession', jsonResponse(okBody({ SessionId: '', Success: false, ErrMsg: 'no capacity' })))
    const result = await client().createAsync()
    expect(result).toMatchObject({ success: false, errorMessage: expect.stringContaining('no capacity') })
    expect(result.session).toBeUndefined()
  })
})

describe('agentBay.create(): the download wait', () => {
  const download = (fields: Partial<ContextStatusData>) => task({ taskType: 'download', contextId: 'SdkCtx-1', path: '/home/wuying/data', ...fields })
  const pollsAnswer = (...lists: ContextStatusData[][]) =>
    fake.respond('GetContextInfo', (_request, index) => jsonResponse(contextInfoBody(lists[Math.min(index, lists.length - 1)] ?? [])))
  const mount = { contextSync: [{ contextId: 'SdkCtx-1', path: '/home/wuying/data' }], downloadWait: FAST_WAIT }

  it("create({ observe: 'events' }) emits created, each download task change, then the session with a successful result", async () => {
    fake.respond('CreateMcpSession', created())
    const pending = download({ status: 'Pending' })
    const done = download({ status: 'Success', finishTime: 1_700_000_010 })
    pollsAnswer([pending], [pending], [done])
    const events = await lastValueFrom(client().create({ ...mount, observe: 'events' }).pipe(toArray()))
    expect(events.map((e) => e.kind)).toEqual(['created', 'task', 'task', 'session'])
    const last = events.at(-1) as Extract<SessionCreateEvent, { kind: 'session' }>
    expect(last.downloads).toMatchObject({ success: true, timedOut: false, tasks: [done] })
    expect(last.session.downloads?.success).toBe(true)
    expect(fake.requestsOf('GetContextInfo')[0]?.params).toEqual({ SessionId: 'session-1' })
  })

  it('reports a Failed download to the caller and still returns the session (unlike the official SDKs, protocol §7.4)', async () => {
    fake.respond('CreateMcpSession', created())
    pollsAnswer([download({ status: 'Failed', errorMessage: 'storage unreadable', finishTime: 1_700_000_010 })])
    const result = await client().createAsync(mount)
    expect(result.success).toBe(false)
    expect(result.session?.sessionId).toBe('session-1')
    expect(result.downloads).toMatchObject({ success: false, timedOut: false })
    expect(result.errorMessage).toContain('storage unreadable')
  })

  it('reports a download still running after the poll budget as timed out', async () => {
    fake.respond('CreateMcpSession', created())
    pollsAnswer([download({ status: 'Running' })])
    const result = await client().createAsync({ ...mount, downloadWait: { ...FAST_WAIT, maxPolls: 3 } })
    expect(result).toMatchObject({ success: false, downloads: { timedOut: true } })
    expect(result.session).toBeDefined()
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(3)
  })

  it('turns a poll that fails for good into a failed download result, never losing the session', async () => {
    fake.respond('CreateMcpSession', created())
    fake.respond('GetContextInfo', jsonResponse({ Success: false, Code: 'InvalidSession', Message: 'gone', RequestId: 'r-9' }))
    const result = await client().createAsync(mount)
    expect(result).toMatchObject({ success: false, requestId: 'create-1', session: { sessionId: 'session-1' } })
    expect(result.error?.code).toBe('InvalidSession')
  })

  it('does not wait when every mount turns autoDownload off', async () => {
    fake.respond('CreateMcpSession', created())
    const result = await client().createAsync({
      contextSync: [{ contextId: 'SdkCtx-1', path: '/p', policy: { downloadPolicy: { autoDownload: false } } }],
    })
    expect(result).toMatchObject({ success: true, session: { sessionId: 'session-1' } })
    expect(result.downloads).toBeUndefined()
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(0)
  })

  it('ignores upload tasks while waiting for downloads', async () => {
    fake.respond('CreateMcpSession', created())
    const other = task({ taskType: 'upload', status: 'Running' })
    pollsAnswer([other, download({ status: 'Success', finishTime: 1 })])
    const result = await client().createAsync(mount)
    expect(result.success).toBe(true)
    expect(result.downloads?.tasks).toHaveLength(1)
  })

  it('reports a task type the protocol does not define as a failed download (a DecodeError), not as "no tasks" (issue 9)', async () => {
    fake.respond('CreateMcpSession', created())
    pollsAnswer([task({ taskType: 'custom', status: 'Running' }), download({ status: 'Success', finishTime: 1 })])
    const result = await client().createAsync(mount)
    expect(result).toMatchObject({ success: false, session: { sessionId: 'session-1' }, downloads: { success: false, error: { name: 'DecodeError' } } })
  })

  it('reports a wait that never saw a download task of a mounted context as unconfirmed, never as success (issue 9)', async () => {
    fake.respond('CreateMcpSession', created())
    pollsAnswer([])
    const result = await client().createAsync(mount)
    expect(result).toMatchObject({ success: false, session: { sessionId: 'session-1' }, downloads: { success: false, unconfirmed: true, timedOut: false, tasks: [] } })
    expect(result.errorMessage).toMatch(/no download task appeared/)
    // With no grace period, the first poll that shows no task decides: nothing more is polled.
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1)
  })
})

describe('agentBay.get() and agentBay.list()', () => {
  it('get(id) sends GetSession SessionId and carries status and contexts', async () => {
    fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', Status: 'RUNNING', contexts: [{ id: 'SdkCtx-1', name: 'n' }] })))
    const session = await firstValueFrom(client().get('s-1'))
    expect(fake.requestsOf('GetSession')[0]?.params).toEqual({ SessionId: 's-1' })
    expect(session).toMatchObject({ sessionId: 's-1', status: 'RUNNING', contexts: [{ id: 'SdkCtx-1', name: 'n' }] })
  })

  it('getAsync of an unknown session resolves to success false with the NotFound code', async () => {
    fake.respond('GetSession', jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound', Message: 'Session not found', HttpStatusCode: 400 }, 400))
    const result = await client().getAsync('s-x')
    expect(result).toMatchObject({ success: false, error: { code: 'InvalidMcpSession.NotFound', httpStatus: 400 } })
  })

  it('list() always sends Labels ({} without a filter) and walks pages lazily', async () => {
    fake.respond('ListSession', (request) => {
      const offset = Number(request.params['NextToken'] ?? '0')
      const data = Array.from({ length: 5 }, (_, k) => ({ SessionId: `s-${offset + k}`, SessionStatus: 'RUNNING' }))
      return jsonResponse(okBody(data, { NextToken: offset + 5 < 15 ? String(offset + 5) : '', MaxResults: 5, TotalCount: 15 }))
    })
    const agentBay = client()
    const firstFive = await lastValueFrom(agentBay.list({ maxResults: 5 }).pipe(take(5), toArray()))
    expect(firstFive.map((s) => s.sessionId)).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4'])
    expect(fake.requestsOf('ListSession')).toHaveLength(1)
    expect(fake.requestsOf('ListSession')[0]?.params).toEqual({ Labels: '{}', MaxResults: '5' })
    const all = await lastValueFrom(agentBay.list({ maxResults: 5, labels: { team: 'a' }, status: 'RUNNING' }).pipe(toArray()))
    expect(all).toHaveLength(15)
    expect(fake.requestsOf('ListSession')[1]?.params).toEqual({ Labels: '{"team":"a"}', MaxResults: '5', Status: 'RUNNING' })
    expect(all[14]?.status).toBe('RUNNING')
  })

  it('rejects an unknown status filter before any request', async () => {
    await expect(client().listPageAsync({ status: 'running' as never })).rejects.toThrow(/status must be one of/)
    expect(fake.requests).toHaveLength(0)
  })
})

describe('session.delete()', () => {
  let scheduler: TestScheduler
  beforeEach(() => {
    scheduler = createTestScheduler()
  })
  const answer = <T>(value: T) => scheduler.createColdObservable('-(a|)', { a: value })

  it('sends DeleteSessionAsync, then probes GetSessionDetail until InvalidMcpSession.NotFound (by code)', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('DeleteSessionAsync', () => answer(jsonResponse({ ...okBody(), RequestId: 'del-1' })))
      fake.respond('GetSessionDetail', (_request, index) =>
        answer(
          index < 2
            ? jsonResponse(okBody({ Status: 'DELETING' }))
            : jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound', Message: 'gone' }, 400),
        ),
      )
      const delete$ = client({ scheduler }).session('s-1').delete({ pollIntervalMs: 10, timeoutMs: 100 })
      // delete answers at 1; probes leave at 1, then 10 ms after each answer (12, 23), and answer a frame later.
      expectObservable(delete$).toBe('------------------------(a|)', { a: { requestId: 'del-1', success: true, deleted: true } })
    })
    expect(fake.requestsOf('DeleteSessionAsync')[0]?.params).toEqual({ SessionId: 's-1' })
    expect(fake.requestsOf('GetSessionDetail')[0]?.params).toEqual({ SessionId: 's-1' })
  })

  it('also ends on Status FINISH, and times out with a RequestTimeoutError when the session stays', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('DeleteSessionAsync', () => answer(jsonResponse({ ...okBody(), RequestId: 'del-1' })))
      fake.respond('GetSessionDetail', () => answer(jsonResponse(okBody({ Status: 'FINISH' }))))
      expectObservable(client({ scheduler }).session('s-1').delete({ pollIntervalMs: 10 })).toBe('--(a|)', {
        a: { requestId: 'del-1', success: true, deleted: true },
      })
    })
    fake = createFakeTransport()
    scheduler = createTestScheduler()
    scheduler.run(({ expectObservable }) => {
      fake.respond('DeleteSessionAsync', () => answer(jsonResponse({ ...okBody(), RequestId: 'del-1' })))
      fake.respond('GetSessionDetail', () => answer(jsonResponse(okBody({ Status: 'RUNNING' }))))
      expectObservable(client({ scheduler }).session('s-1').delete({ pollIntervalMs: 10, timeoutMs: 30 })).toBe('-------------------------------#', undefined, {
        name: 'RequestTimeoutError',
        kind: 'timeout',
        message: 'DeleteSessionAsync failed: session s-1 still exists 30 ms after DeleteSessionAsync (requestId del-1)',
      })
    })
  })

  it('does not treat a "not found" message with another code as deleted', async () => {
    fake.respond('DeleteSessionAsync', jsonResponse(okBody()))
    fake.respond('GetSessionDetail', jsonResponse({ Success: false, Code: 'Forbidden', Message: 'resource not found' }, 403))
    const result = await client().session('s-1').deleteAsync({ pollIntervalMs: 1, timeoutMs: 1000 })
    expect(result).toMatchObject({ success: false, deleted: false, error: { code: 'Forbidden' } })
  })

  const uploadFails = () => {
    const failedUpload = task({ taskType: 'upload', status: 'Failed', errorMessage: 'quota exceeded', finishTime: 1_700_000_005 })
    fake.respond('GetContextInfo', (_request, index) => jsonResponse(contextInfoBody(index === 0 ? [] : [failedUpload])))
    fake.respond('SyncContext', jsonResponse({ ...okBody(), RequestId: 'sync-1' }))
    fake.respond('DeleteSessionAsync', jsonResponse(okBody()))
    fake.respond('GetSessionDetail', jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound' }, 400))
    mounted()
  }
  /** The upload before delete is unscoped: it asks GetSession what is mounted (issue 9). */
  const mounted = () => fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', contexts: [{ id: 'ctx-1', name: 'data' }] })))
  const FAST_SYNC = { retryInterval: 0, maxRetries: 3, noTaskGraceMs: 0 }

  it('with syncContext, uploads first; a failed upload keeps the session and is reported', async () => {
    uploadFails()
    const result = await client().session('s-1').deleteAsync({ syncContext: true, sync: FAST_SYNC, pollIntervalMs: 1 })
    expect(result).toMatchObject({ success: false, deleted: false, requestId: 'sync-1', upload: { success: false } })
    expect(result.errorMessage).toContain('quota exceeded')
    expect(fake.requestsOf('SyncContext')[0]?.params).toEqual({ SessionId: 's-1', Mode: 'upload' })
    expect(fake.requestsOf('DeleteSessionAsync')).toHaveLength(0)
  })

  it('with force, deletes after a failed upload but still reports success false', async () => {
    uploadFails()
    const result = await client().session('s-1').deleteAsync({ syncContext: true, force: true, sync: FAST_SYNC, pollIntervalMs: 1 })
    expect(result).toMatchObject({ success: false, deleted: true, upload: { success: false } })
    expect(fake.requestsOf('DeleteSessionAsync')).toHaveLength(1)
  })

  it('with syncContext and a successful upload, deletes and returns the upload result', async () => {
    const uploaded = task({ taskType: 'upload', status: 'Success', finishTime: 1_700_000_005 })
    fake.respond('GetContextInfo', (_request, index) => jsonResponse(contextInfoBody(index === 0 ? [] : [uploaded])))
    fake.respond('SyncContext', jsonResponse(okBody()))
    fake.respond('DeleteSessionAsync', jsonResponse({ ...okBody(), RequestId: 'del-2' }))
    fake.respond('GetSessionDetail', jsonResponse(okBody({ Status: 'FINISH' })))
    mounted()
    const result = await client().session('s-1').deleteAsync({ syncContext: true, sync: FAST_SYNC, pollIntervalMs: 1 })
    expect(result).toMatchObject({ success: true, deleted: true, requestId: 'del-2', upload: { success: true, tasks: [uploaded] } })
  })
})

describe('session.fs over CallMcpTool', () => {
  const toolAnswer = (text: string, isError = false) => jsonResponse(okBody({ content: [{ type: 'text', text }], isError }))
  const argsOf = (index: number) => JSON.parse(fake.requestsOf('CallMcpTool')[index]?.params['Args'] ?? '{}') as unknown

  it('writeFile sends text as is, and UTF-8 bytes as the text they encode (write_file takes text only, issue 12)', async () => {
    fake.respond('CallMcpTool', toolAnswer('ok'))
    const fs = client().session('s-1').fs
    await fs.writeFileAsync('/d/a.txt', 'héllo', { mode: 'append' })
    await fs.writeFileAsync('/d/b.txt', new TextEncoder().encode('héllo'))
    expect(fake.requestsOf('CallMcpTool')[0]?.params).toMatchObject({ SessionId: 's-1', Name: 'write_file' })
    expect(argsOf(0)).toEqual({ path: '/d/a.txt', content: 'héllo', mode: 'append' })
    expect(argsOf(1)).toEqual({ path: '/d/b.txt', content: 'héllo', mode: 'overwrite' })
  })

  it('readFile returns the text; readBytes decodes base64; listDirectory parses [DIR]/[FILE] lines', async () => {
    fake.respond('CallMcpTool', (request) => toolAnswer(request.params['Name'] === 'get_file_info' ? 'size: 5\nisDirectory: false' : 'hello'))
    const fs = client().session('s-1').fs
    expect(await fs.readFileAsync('/d/a.txt')).toMatchObject({ success: true, content: 'hello' })
    fake.respond('CallMcpTool', (request) => {
      if (request.params['Name'] === 'get_file_info') return toolAnswer('size: 3\nisDirectory: false')
      return toolAnswer('AP8B')
    })
    const bytes = await fs.readBytesAsync('/d/b.bin')
    expect(bytes.success && [...bytes.data]).toEqual([0, 255, 1])
    // issue 12 item 6: the official read — get_file_info for the size, then offset/length chunks, binary as format: "binary".
    expect(argsOf(2)).toEqual({ path: '/d/b.bin' })
    expect(argsOf(3)).toEqual({ path: '/d/b.bin', offset: 0, length: 3, format: 'binary' })
    fake.respond('CallMcpTool', toolAnswer('[DIR] sub\n[FILE] a b.txt'))
    expect(await firstValueFrom(fs.listDirectory('/d'))).toEqual([
      { name: 'sub', isDirectory: true },
      { name: 'a b.txt', isDirectory: false },
    ])
  })

  it('isError: true becomes a ToolError (error in the $ form, success false in the Promise form)', async () => {
    fake.respond('CallMcpTool', toolAnswer('/d/missing: no such file or directory', true))
    const fs = client().session('s-1').fs
    await expect(firstValueFrom(fs.readFile('/d/missing'))).rejects.toBeInstanceOf(ToolError)
    const result = await fs.deleteFileAsync('/d/missing')
    expect(result).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'delete_file' } })
    expect(result.errorMessage).toContain('no such file or directory')
  })

  it('rejects an empty path or a bad mode before any request', async () => {
    const fs = client().session('s-1').fs
    await expect(fs.createDirectoryAsync('')).rejects.toBeInstanceOf(ValidationError)
    await expect(fs.writeFileAsync('/a', 'x', { mode: 'truncate' as never })).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })
})
