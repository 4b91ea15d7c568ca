import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { RESPONSE_CODECS } from '../../src/wire/codecs/actions.js'
import { Envelope } from '../../src/wire/codecs/envelope.js'
import { ACTIONS, API_VERSION, type Action } from '../../src/wire/protocol.js'
import { createContext, createSession, eventually, ok, rpc, send, tool, useEmulator, waitForTasks } from './helpers.js'

const CAPTURED_QUERY =
  '?Action=CreateMcpSession&Format=json&Version=2025-05-06&Timestamp=2026-11-24T09%3A37%3A29Z&SignatureNonce=13392f760debe649a73a59999f6bc988'
const CAPTURED_BODY =
  'Authorization=Bearer%20ak-123&EnableRecord=false&Labels=%7B%22a%22%3A%22b%20c%22%7D&PersistenceDataList=%5B%7B%22ContextId%22%3A%22SdkCtx-1%22%2C%22Path%22%3A%22%2Fhome%2Fwuying%2Fdata%22%2C%22Policy%22%3A%22%7B%5C%22uploadPolicy%5C%22%3A%7B%5C%22autoUpload%5C%22%3Atrue%7D%7D%22%7D%5D&SdkStats=%7B%22source%22%3A%22sdk%22%7D'

describe('wire format (protocol §1)', () => {
  const env = useEmulator({ apiKeys: ['ak-123'] })

  it('answers the captured CreateMcpSession request of §1.6', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'captured')
    // The capture names context SdkCtx-1; ids are minted by the emulator, so only that token changes.
    const answer = await send(`${emulator.url}${CAPTURED_QUERY}`, CAPTURED_BODY.replace('SdkCtx-1', contextId))
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ Success: true, Code: 'ok', HttpStatusCode: 200, Message: '' })
    const sessionId = answer.json['Data']['SessionId'] as string
    expect(sessionId).toMatch(/^session-/)
    expect(typeof answer.json['Data']['ResourceUrl']).toBe('string')
    expect(typeof answer.json['Data']['ToolList']).toBe('string')
    // The label value "b c" came as b%20c; the filter finds it.
    const listed = await ok(emulator, 'ListSession', { Labels: JSON.stringify({ a: 'b c' }) })
    expect(listed['Data']).toEqual([{ SessionId: sessionId, SessionStatus: 'RUNNING' }])
    const session = await ok(emulator, 'GetSession', { SessionId: sessionId })
    expect(session['Data']['contexts']).toEqual([{ id: contextId, name: 'captured' }])
    expect((await waitForTasks(emulator, { SessionId: sessionId }))[0]).toMatchObject({ path: '/home/wuying/data', taskType: 'download' })
  })

  it("decodes '+' as a space and Python's True/False booleans", async () => {
    const emulator = await env.start()
    const created = await send(`${emulator.url}?Action=GetContext&Format=json`, 'Authorization=Bearer+ak-123&Name=two+words&AllowCreate=True')
    expect(created.json['Data']['Name']).toBe('two words')
    const session = await send(
      `${emulator.url}?Action=CreateMcpSession`,
      'Authorization=Bearer+ak-123&EnableRecord=False&Labels=%7B%22a%22%3A%22b+c%22%7D',
    )
    expect(session.json['Success']).toBe(true)
    const listed = await ok(emulator, 'ListSession', { Labels: '{"a":"b c"}' })
    expect(listed['TotalCount']).toBe(1)
    const missing = await send(`${emulator.url}?Action=GetContext`, 'Authorization=Bearer%20ak-123&Name=nope&AllowCreate=FALSE')
    expect(missing.json['Code']).toBe('Context.NotFound')
  })

  it('reads SyncContext with the key in the query, as in §1.6, and a chunked body', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'chunked')
    const sessionId = await createSession(emulator, [{ contextId, path: '/home/wuying/data' }])
    const url = `${emulator.url}?Action=SyncContext&Format=json&Version=${API_VERSION}&Authorization=Bearer%20ak-123`
    const chunks = [`SessionId=${sessionId}`, '&Mode=', 'upload']
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
        controller.close()
      },
    })
    const answer = await send(url, '', { body, duplex: 'half' } as RequestInit)
    expect(answer.json).toMatchObject({ Success: true, Code: 'ok' })
    expect(emulator.tasks({ sessionId }).some((task) => task.taskType === 'upload' && task.trigger === 'sync')).toBe(true)
  })

  it('answers an unknown action with HTTP 404 InvalidAction.NotFound', async () => {
    const emulator = await env.start()
    const answer = await rpc(emulator, 'ak-123', 'LaunchRocket')
    expect(answer.status).toBe(404)
    expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidAction.NotFound', HttpStatusCode: 404 })
  })

  it('answers every action with bodies the shared codecs accept (exact JSON types, §2.3)', async () => {
    const emulator = await env.start()
    const seen = new Set<Action>()
    const topLevelKeys = new Map<Action, string[]>()
    const call = async (action: Action, params: Record<string, string> = {}) => {
      const answer = await rpc(emulator, 'ak-123', action, params)
      expect(answer.status, `${action}: ${answer.text}`).toBe(200)
      const codec = t.intersection([Envelope, RESPONSE_CODECS[action] as t.Mixed])
      expect(codec.decode(answer.json)._tag, `${action}: ${answer.text}`).toBe('Right')
      expect(answer.json).toMatchObject({ Success: true, Code: 'ok', HttpStatusCode: 200 })
      seen.add(action)
      topLevelKeys.set(action, Object.keys(answer.json))
      return answer.json
    }
    const contextId = (await call('GetContext', { Name: 'all', AllowCreate: 'true' }))['Data']['Id'] as string
    const data = JSON.stringify([{ ContextId: contextId, Path: '/d' }])
    const sessionId = (await call('CreateMcpSession', { PersistenceDataList: data }))['Data']['SessionId'] as string
    await call('GetSession', { SessionId: sessionId })
    await call('GetSessionDetail', { SessionId: sessionId })
    await call('ListSession', { Labels: '{}' })
    await call('ListContexts', { MaxResults: '5' })
    await call('ModifyContext', { Id: contextId, Name: 'renamed' })
    await call('CallMcpTool', { SessionId: sessionId, Name: 'write_file', Args: '{"path":"/d/f.txt","content":"x"}' })
    await call('SyncContext', { SessionId: sessionId, ContextId: contextId, Path: '/d', Mode: 'upload' })
    await call('GetContextInfo', { SessionId: sessionId })
    await waitForTasks(emulator, { SessionId: sessionId, TaskType: 'upload' })
    const files = await call('DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/', PageNumber: '1', PageSize: '10' })
    expect(files['Count']).toBe(1)
    expect(files['Data'][0]).toMatchObject({ FileName: 'f.txt', FilePath: '/f.txt', FileType: 'file', Size: 1, Status: 'available' })
    await call('GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/g.txt' })
    await call('GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/f.txt' })
    await call('DeleteContextFile', { ContextId: contextId, FilePath: '/f.txt' })
    await call('GetAndLoadInternalContext', { SessionId: sessionId, 'ContextTypes.1': 'file_transfer' })
    await call('ClearContext', { Id: contextId })
    await call('SetLabel', { SessionId: sessionId, Labels: '{"a":"b"}' })
    await call('GetLabel', { SessionId: sessionId })
    await call('DeleteSessionAsync', { SessionId: sessionId })
    const other = await createSession(emulator)
    await call('ReleaseMcpSession', { SessionId: other })
    // The deleted session may still be uploading into contextId (Context.InUse): delete an unmounted one.
    await call('DeleteContext', { Id: await createContext(emulator, 'unmounted', 'ak-123') })
    expect([...seen].sort()).toEqual([...ACTIONS].sort())
    // Envelope first, then Data, then list fields, in this order: the handlers' typed bodies
    // (issue 10 item 7) must not change a byte of what the official SDKs parse.
    const envelope = ['RequestId', 'Success', 'Code', 'Message', 'HttpStatusCode']
    const envelopeOnly = ['ModifyContext', 'DeleteContext', 'ClearContext', 'SyncContext', 'DeleteContextFile', 'DeleteSessionAsync', 'ReleaseMcpSession', 'SetLabel']
    for (const action of ACTIONS) {
      const expected = envelopeOnly.includes(action)
        ? envelope
        : action === 'ListContexts' || action === 'ListSession'
          ? [...envelope, 'Data', 'NextToken', 'MaxResults', 'TotalCount']
          : action === 'DescribeContextFiles'
            ? [...envelope, 'Data', 'Count']
            : [...envelope, 'Data']
      expect(topLevelKeys.get(action), action).toEqual(expected)
    }
  })
})

describe('session lifecycle (protocol §3.1–3.6)', () => {
  const env = useEmulator()

  it('reports DELETING, then NotFound (HTTP 400) after deletion; FINISH when so configured', async () => {
    for (const mode of ['notFound', 'finish'] as const) {
      const emulator = await env.start({ deletedSessionDetail: mode, taskDelayMs: 60 })
      const sessionId = await createSession(emulator, [{ contextId: await createContext(emulator, 'c'), path: '/d' }])
      await waitForTasks(emulator, { SessionId: sessionId })
      await ok(emulator, 'DeleteSessionAsync', { SessionId: sessionId })
      expect((await ok(emulator, 'GetSessionDetail', { SessionId: sessionId }))['Data']['Status']).toBe('DELETING')
      await ok(emulator, 'DeleteSessionAsync', { SessionId: sessionId }) // idempotent while deleting
      await emulator.idle()
      await eventually(async () => (await rpc(emulator, emulator.apiKey, 'GetSession', { SessionId: sessionId })).status === 400)
      const detail = await rpc(emulator, emulator.apiKey, 'GetSessionDetail', { SessionId: sessionId })
      if (mode === 'notFound') expect(detail.json).toMatchObject({ Success: false, Code: 'InvalidMcpSession.NotFound', HttpStatusCode: 400 })
      else expect(detail.json['Data']).toMatchObject({ Status: 'FINISH', IsDeleted: 1 })
      expect((await rpc(emulator, emulator.apiKey, 'DeleteSessionAsync', { SessionId: sessionId })).status).toBe(400)
      await emulator.close()
    }
  })

  it('paginates ListSession with NextToken and filters by Status and Labels', async () => {
    const emulator = await env.start()
    const ids = []
    for (let i = 0; i < 5; i++) ids.push(await createSession(emulator, [], { Labels: JSON.stringify({ team: i < 4 ? 'x' : 'y' }) }))
    const pages: string[][] = []
    let token: string | undefined
    do {
      const body = await ok(emulator, 'ListSession', { Labels: '{"team":"x"}', MaxResults: '3', NextToken: token })
      expect(body).toMatchObject({ MaxResults: 3, TotalCount: 4 })
      pages.push(body['Data'].map((item: { SessionId: string }) => item.SessionId))
      token = body['NextToken'] || undefined
      if (token === undefined) expect(body['NextToken']).toBe('')
    } while (token !== undefined)
    expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 4)])

    await ok(emulator, 'DeleteSessionAsync', { SessionId: ids[0] })
    await eventually(async () => (await ok(emulator, 'ListSession', { Status: 'DELETED' }))['TotalCount'] === 1)
    expect((await ok(emulator, 'ListSession', {}))['TotalCount']).toBe(4)
  })
})

describe('contexts (protocol §3.7–3.11)', () => {
  const env = useEmulator()

  it('gets, lists, renames and deletes contexts', async () => {
    const emulator = await env.start()
    const missing = await rpc(emulator, emulator.apiKey, 'GetContext', { Name: 'ghost', AllowCreate: 'false' })
    expect(missing).toMatchObject({ status: 400, json: { Success: false, Code: 'Context.NotFound', HttpStatusCode: 400 } })
    const first = await createContext(emulator, 'first')
    expect(await createContext(emulator, 'first')).toBe(first) // by name: the same context
    const ids = [first]
    for (const name of ['second', 'third']) ids.push(await createContext(emulator, name))
    const byId = await ok(emulator, 'GetContext', { ContextId: first, AllowCreate: 'false' })
    expect(byId['Data']).toMatchObject({ Id: first, Name: 'first', State: 'available', OsType: 'linux' })
    expect(byId['Data']['CreateTime']).toMatch(/^\d{4}-\d\d-\d\dT/)

    const page1 = await ok(emulator, 'ListContexts', { MaxResults: '2' })
    const page2 = await ok(emulator, 'ListContexts', { MaxResults: '2', NextToken: page1['NextToken'] })
    expect([...page1['Data'], ...page2['Data']].map((c: { Id: string }) => c.Id)).toEqual(ids)
    expect(page2).toMatchObject({ NextToken: '', TotalCount: 3 })

    const session = await createSession(emulator, [{ contextId: ids[1]!, path: '/m' }])
    const mounted = await ok(emulator, 'ListContexts', { SessionId: session })
    expect(mounted['Data'].map((c: { Id: string }) => c.Id)).toEqual([ids[1]])

    await ok(emulator, 'ModifyContext', { Id: first, Name: 'renamed' })
    expect((await ok(emulator, 'GetContext', { ContextId: first }))['Data']['Name']).toBe('renamed')
    const clash = await rpc(emulator, emulator.apiKey, 'ModifyContext', { Id: first, Name: 'second' })
    expect(clash.json['Code']).toBe('InvalidContext')
    await ok(emulator, 'DeleteContext', { Id: first })
    expect((await rpc(emulator, emulator.apiKey, 'GetContext', { ContextId: first })).json['Code']).toBe('Context.NotFound')
  })

  it('clears a context asynchronously: clearing, then available with no files', async () => {
    const emulator = await env.start({ clearDelayMs: 80 })
    const contextId = await createContext(emulator, 'to-clear')
    const session = await createSession(emulator, [{ contextId, path: '/d' }])
    await tool(emulator, session, 'write_file', { path: '/d/a.txt', content: 'a' })
    await ok(emulator, 'SyncContext', { SessionId: session })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })

    await ok(emulator, 'ClearContext', { Id: contextId })
    expect((await ok(emulator, 'GetContext', { ContextId: contextId }))['Data']['State']).toBe('clearing')
    await eventually(async () => (await ok(emulator, 'GetContext', { ContextId: contextId }))['Data']['State'] === 'available')
    expect((await ok(emulator, 'DescribeContextFiles', { ContextId: contextId }))['Count']).toBe(0)
  })

  it('fails a sync task of a context deleted meanwhile, with an errorMessage', async () => {
    // A mounted context cannot be deleted (Context.InUse); an unmounted ContextId + Path pair can.
    const emulator = await env.start({ taskDelayMs: 300 })
    const contextId = await createContext(emulator, 'doomed')
    const session = await createSession(emulator)
    await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/d', Mode: 'upload' })
    await ok(emulator, 'DeleteContext', { Id: contextId })
    const [task] = await waitForTasks(emulator, { SessionId: session })
    expect(task).toMatchObject({ status: 'Failed', errorMessage: `context ${contextId} no longer exists` })
  })

  it('lists tasks filtered by ContextId, Path and TaskType, latest per key', async () => {
    const emulator = await env.start()
    const [a, b] = [await createContext(emulator, 'a'), await createContext(emulator, 'b')]
    const session = await createSession(emulator, [
      { contextId: a, path: '/a' },
      { contextId: b, path: '/b' },
    ])
    await waitForTasks(emulator, { SessionId: session }, { atLeast: 2 })
    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'upload' })
    await ok(emulator, 'SyncContext', { SessionId: session, ContextId: a, Path: '/a', Mode: 'upload' })
    const all = await waitForTasks(emulator, { SessionId: session }, { atLeast: 4 })
    expect(all.map((task) => `${task.contextId === a ? 'a' : 'b'}:${task.taskType}`).sort()).toEqual(['a:download', 'a:upload', 'b:download', 'b:upload'])
    expect(await waitForTasks(emulator, { SessionId: session, ContextId: a, Path: '/a', TaskType: 'upload' })).toHaveLength(1)
    expect(await waitForTasks(emulator, { SessionId: session, Path: '/b/' }, { atLeast: 2 })).toHaveLength(2)
    expect(emulator.tasks({ sessionId: session, contextId: a })).toHaveLength(3)
  })

  it('needs ContextId and Path together unless they match a mount', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'pair')
    const session = await createSession(emulator, [{ contextId, path: '/p' }])
    expect((await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId }))['Success']).toBe(true)
    const lonePath = await rpc(emulator, emulator.apiKey, 'SyncContext', { SessionId: session, Path: '/elsewhere' })
    expect(lonePath.json['Code']).toBe('InvalidParameter')
    // An unmounted ContextId + Path pair is synced with the default policy (file-transfer style).
    expect((await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/xfer', Mode: 'download' }))['Success']).toBe(true)
    await emulator.idle()
    expect(emulator.tasks({ sessionId: session }).map((task) => task.path)).toContain('/xfer')
    expect(await tool(emulator, session, 'list_directory', { path: '/' })).toEqual({ text: '[DIR] p\n[DIR] xfer', isError: false })
  })
})
