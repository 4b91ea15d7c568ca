// The official SDKs' `fileSystem.uploadFile` / `downloadFile` (calls doc §4, protocol §3.17 and
// §5.5), driven call by call through the official OpenAPI core: GetAndLoadInternalContext (GET,
// every field in the query, as TS sends it), presigned URLs on the internal context, SyncContext
// with the file path, and the SDK's two waits on GetContextInfo.
import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from './helpers.js'
import { buildZip } from '../helpers/zip-writer.js'
import {
  body,
  CallMcpToolResponse,
  CreateMcpSessionResponse,
  Envelope,
  FileUrlResponse,
  GetContextInfoResponse,
  GetContextResponse,
  ListContextsResponse,
  model,
  officialClient,
  parseContextStatus,
  poll,
  refusal,
  response,
  terminal,
  type GeneratedLikeClient,
  type Task,
} from './official-client.js'

// ---- the SDK's models (`typescript/src/api/models/*`) ---------------------------------------------

const GetAndLoadInternalContextResponse = response(
  body({
    type: 'array',
    itemType: model({ contextId: ['ContextId', 'string'], contextPath: ['ContextPath', 'string'], contextType: ['ContextType', 'string'] }),
  }),
)

/** calls doc §4.2 #5: the success set of the SDK's file-transfer wait (case-insensitive). */
const TRANSFER_DONE = new Set(['success', 'successful', 'ok', 'finished', 'done', 'completed', 'complete'])

// ---- the official flows, step by step ------------------------------------------------------------

/** One session as the official SDK holds it: the core, the key, the session id. */
interface OfficialSession {
  readonly client: GeneratedLikeClient
  readonly auth: string
  readonly sessionId: string
}

async function createOfficialSession(emulator: Emulator, apiKey = emulator.apiKey): Promise<OfficialSession> {
  const client = officialClient(emulator)
  const auth = `Bearer ${apiKey}`
  const created = await client.invoke('CreateMcpSession', { body: { Authorization: auth, ImageId: 'linux_latest' } }, CreateMcpSessionResponse)
  return { client, auth, sessionId: created.body.data.sessionId as string }
}

/** calls doc §4.1: TS sends GET with `ContextTypes.1=file_transfer`; the first item with id and path wins. */
async function internalContext({ client, auth, sessionId }: OfficialSession): Promise<{ contextId: string; contextPath: string }> {
  const answer = await client.invoke(
    'GetAndLoadInternalContext',
    { method: 'GET', query: { Authorization: auth, ContextTypes: ['file_transfer'], SessionId: sessionId } },
    GetAndLoadInternalContextResponse,
  )
  expect(answer.body).toMatchObject({ success: true, code: 'ok' })
  const items = answer.body.data as { contextId?: string; contextPath?: string; contextType?: string }[]
  const item = items.find((candidate) => candidate.contextId && candidate.contextPath)
  if (item === undefined) throw new Error('Response contains no data')
  expect(item.contextType).toBe('file_transfer')
  return { contextId: item.contextId!, contextPath: item.contextPath! }
}

/** SyncContext (Authorization in the query), then the §5.2 wait, then the §5.5 wait; returns the §5.5 task. */
async function syncAndWait(session: OfficialSession, contextId: string, remotePath: string, mode: 'upload' | 'download'): Promise<Task> {
  const { client, auth, sessionId } = session
  await client.invoke('SyncContext', { query: { Authorization: auth }, body: { ContextId: contextId, Mode: mode, Path: remotePath, SessionId: sessionId } }, Envelope)
  await poll(async () => {
    const info = await client.invoke('GetContextInfo', { body: { Authorization: auth, ContextId: contextId, Path: remotePath, SessionId: sessionId } }, GetContextInfoResponse)
    const tasks = parseContextStatus(info.body.data?.contextStatus as string | undefined).filter((task) => task.taskType === 'upload' || task.taskType === 'download')
    return tasks.every(terminal) ? tasks : undefined
  })
  return poll(async () => {
    const info = await client.invoke(
      'GetContextInfo',
      { body: { Authorization: auth, ContextId: contextId, Path: remotePath, SessionId: sessionId, TaskType: mode } },
      GetContextInfoResponse,
    )
    const task = parseContextStatus(info.body.data?.contextStatus as string | undefined).find(
      (item) => item.contextId === contextId && item.path === remotePath && item.taskType === mode,
    )
    if (task === undefined) return undefined
    if (task.errorMessage !== '') return task
    return TRANSFER_DONE.has(task.status.toLowerCase()) ? task : undefined
  })
}

/** calls doc §4.2: upload URL, PUT, SyncContext(download) + waits, then DeleteContextFile (TS). */
async function uploadFile(session: OfficialSession, remotePath: string, bytes: Uint8Array): Promise<Task> {
  const { contextId } = await internalContext(session)
  const url = await session.client.invoke('GetContextFileUploadUrl', { body: { Authorization: session.auth, ContextId: contextId, FilePath: remotePath } }, FileUrlResponse)
  const put = await fetch(url.body.data.url as string, { method: 'PUT', body: new Uint8Array(bytes) })
  expect([200, 201, 204]).toContain(put.status)
  const task = await syncAndWait(session, contextId, remotePath, 'download')
  await session.client.invoke('DeleteContextFile', { body: { Authorization: session.auth, ContextId: contextId, FilePath: remotePath } }, Envelope)
  return task
}

/** calls doc §4.3: SyncContext(upload) + waits, download URL, GET (must be 200), then DeleteContextFile (TS). */
async function downloadFile(session: OfficialSession, remotePath: string): Promise<{ task: Task; bytes: Buffer }> {
  const { contextId } = await internalContext(session)
  const task = await syncAndWait(session, contextId, remotePath, 'upload')
  const url = await session.client.invoke('GetContextFileDownloadUrl', { body: { Authorization: session.auth, ContextId: contextId, FilePath: remotePath } }, FileUrlResponse)
  const got = await fetch(url.body.data.url as string)
  expect(got.status).toBe(200)
  const bytes = Buffer.from(await got.arrayBuffer())
  await session.client.invoke('DeleteContextFile', { body: { Authorization: session.auth, ContextId: contextId, FilePath: remotePath } }, Envelope)
  return { task, bytes }
}

async function callTool({ client, auth, sessionId }: OfficialSession, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const answer = await client.invoke('CallMcpTool', { body: { Args: JSON.stringify(args), Authorization: auth, Name: name, SessionId: sessionId } }, CallMcpToolResponse)
  return { text: answer.body.data.content[0].text as string, isError: answer.body.data.isError as boolean }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

// ---- tests ---------------------------------------------------------------------------------------

describe('official file transfer: uploadFile / downloadFile (calls doc §4)', () => {
  const env = useEmulator({ taskDelayMs: 20, apiKeys: ['key-tenant-a', 'key-tenant-b'] })

  it('GetAndLoadInternalContext answers one file_transfer context at /tmp/file-transfer/, the same for the session each time, and loads it', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const first = await internalContext(session)
    expect(first.contextPath).toBe('/tmp/file-transfer/')
    expect(await internalContext(session)).toEqual(first)
    const listing = await callTool(session, 'list_directory', { path: '/tmp' })
    expect(listing.isError).toBe(false)
    expect(listing.text).toContain('file-transfer')
  })

  it('uploadFile: the PUT bytes land at the remote path in the session, the task reports that path byte for byte', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextPath } = await internalContext(session)
    const remotePath = `${contextPath}/upload.txt` // the SDK's own concatenation: a double slash
    expect(remotePath).toBe('/tmp/file-transfer//upload.txt')

    const task = await uploadFile(session, remotePath, Buffer.from('bytes from the local machine'))
    expect(task).toMatchObject({ path: remotePath, taskType: 'download', status: 'Success', errorMessage: '' })
    expect(await callTool(session, 'read_file', { path: '/tmp/file-transfer/upload.txt' })).toEqual({ text: 'bytes from the local machine', isError: false })
  })

  it('downloadFile: a file written in the session comes back through the download URL unchanged, and stays in the session', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextPath } = await internalContext(session)
    const remotePath = `${contextPath}report.txt`
    expect((await callTool(session, 'write_file', { path: remotePath, content: 'written inside the session' })).isError).toBe(false)

    const { task, bytes } = await downloadFile(session, remotePath)
    expect(task).toMatchObject({ path: remotePath, taskType: 'upload', status: 'Success', errorMessage: '' })
    expect(bytes.toString('utf8')).toBe('written inside the session')
    // calls doc §4.3 #6: DeleteContextFile removes the staging object, never the session's copy.
    expect(await callTool(session, 'read_file', { path: remotePath })).toEqual({ text: 'written inside the session', isError: false })
  })

  it('a multi-megabyte binary file survives upload into the session and download back, byte for byte', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const original = randomBytes(5 * 1024 * 1024 + 123)
    const remotePath = '/tmp/file-transfer/big/blob.bin'

    const up = await uploadFile(session, remotePath, original)
    expect(up).toMatchObject({ status: 'Success', errorMessage: '' })
    // The staging object is gone (uploadFile deleted it), so these bytes can only come from the session.
    const { task, bytes } = await downloadFile(session, remotePath)
    expect(task).toMatchObject({ status: 'Success', errorMessage: '' })
    expect(bytes.length).toBe(original.length)
    expect(sha256(bytes)).toBe(sha256(original))
  })

  // README "extractPolicy": file transfer never unpacks — the SDK's uploadFile puts the zip itself
  // in the session, though the internal context's policy is the default one (extract on).
  it('uploadFile of a .zip lands the zip itself, byte for byte, and unpacks nothing', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const zip = buildZip([{ name: 'inside.txt', content: 'packed', method: 'deflate' }])
    const task = await uploadFile(session, '/tmp/file-transfer/bundle.zip', zip)
    expect(task).toMatchObject({ status: 'Success', errorMessage: '' })
    expect(await callTool(session, 'list_directory', { path: '/tmp/file-transfer' })).toEqual({ text: '[FILE] bundle.zip', isError: false })
    const { bytes } = await downloadFile(session, '/tmp/file-transfer/bundle.zip')
    expect(bytes.equals(zip)).toBe(true)
  })

  it('a transfer of a file that is not there fails its task with an error message (the SDK reports "Task error")', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    const task = await syncAndWait(session, contextId, '/tmp/file-transfer/missing.txt', 'upload')
    expect(task.status).toBe('Failed')
    expect(task.errorMessage).toContain('/tmp/file-transfer/missing.txt')
  })

  it('syncs only below /tmp/file-transfer/ and only with a Path (InvalidParameter otherwise)', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    for (const Path of ['/home/wuying/secret.txt', '/tmp/file-transfer/', '/', undefined]) {
      const failure = await refusal(
        session.client.invoke(
          'SyncContext',
          { query: { Authorization: session.auth }, body: { ContextId: contextId, Mode: 'upload', SessionId: session.sessionId, ...(Path === undefined ? {} : { Path }) } },
          Envelope,
        ),
      )
      expect(failure).toMatchObject({ statusCode: 400 })
      expect(failure.code).toMatch(/^(InvalidParameter|MissingParameter)/)
    }
  })

  it('is not a user context: never listed, never found by name, a user context may share its name', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    const all = await session.client.invoke('ListContexts', { body: { Authorization: session.auth, MaxResults: 100 } }, ListContextsResponse)
    expect(all.body.data).toEqual([])
    expect(all.body.totalCount).toBe(0)
    const mounted = await session.client.invoke('ListContexts', { body: { Authorization: session.auth, MaxResults: 100, SessionId: session.sessionId } }, ListContextsResponse)
    expect(mounted.body.data).toEqual([])
    const sameName = await session.client.invoke(
      'GetContext',
      { body: { AllowCreate: true, Authorization: session.auth, Name: `file_transfer-${session.sessionId}` } },
      GetContextResponse,
    )
    expect(sameName.body.data.id).not.toBe(contextId)
  })

  it('belongs to its session: another session gets its own, and cannot sync the first one', async () => {
    const emulator = await env.start()
    const owner = await createOfficialSession(emulator)
    const other = await createOfficialSession(emulator)
    const owned = await internalContext(owner)
    const others = await internalContext(other)
    expect(others.contextId).not.toBe(owned.contextId)

    await uploadFile(owner, '/tmp/file-transfer/private.txt', Buffer.from('owner only'))
    const failure = await refusal(
      other.client.invoke(
        'SyncContext',
        { query: { Authorization: other.auth }, body: { ContextId: owned.contextId, Mode: 'upload', Path: '/tmp/file-transfer/private.txt', SessionId: other.sessionId } },
        Envelope,
      ),
    )
    expect(failure.code).toBe('Context.NotFound')
    expect((await callTool(other, 'read_file', { path: '/tmp/file-transfer/private.txt' })).isError).toBe(true)
  })

  it('another tenant can neither load it through the session nor reach it by id', async () => {
    const emulator = await env.start()
    const owner = await createOfficialSession(emulator, 'key-tenant-a')
    const { contextId } = await internalContext(owner)
    const stranger: OfficialSession = { ...owner, auth: 'Bearer key-tenant-b' }

    const load = await refusal(internalContext(stranger))
    expect(load.code).toBe('InvalidMcpSession.NotFound')
    const url = await refusal(
      stranger.client.invoke('GetContextFileUploadUrl', { body: { Authorization: stranger.auth, ContextId: contextId, FilePath: '/tmp/file-transfer/x' } }, FileUrlResponse),
    )
    expect(url.code).toBe('Context.NotFound')
  })

  it('takes only the file_transfer type: POST without ContextTypes gets it, another type is InvalidParameter naming the field', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    const posted = await session.client.invoke('GetAndLoadInternalContext', { body: { Authorization: session.auth, SessionId: session.sessionId } }, GetAndLoadInternalContextResponse)
    expect(posted.body.data).toEqual([expect.objectContaining({ contextId, contextPath: '/tmp/file-transfer/', contextType: 'file_transfer' })])
    const unknown = await refusal(
      session.client.invoke('GetAndLoadInternalContext', { method: 'GET', query: { Authorization: session.auth, ContextTypes: ['browser'], SessionId: session.sessionId } }, GetAndLoadInternalContextResponse),
    )
    expect(unknown).toMatchObject({ statusCode: 400 })
    expect(unknown.message).toContain('ContextTypes.1')
  })

  it('a full SyncContext(SessionId), as delete(syncContext=true) sends, starts no task on it', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    await callTool(session, 'write_file', { path: '/tmp/file-transfer/draft.txt', content: 'not for storage' })
    await session.client.invoke('SyncContext', { query: { Authorization: session.auth }, body: { SessionId: session.sessionId } }, Envelope)
    const info = await session.client.invoke('GetContextInfo', { body: { Authorization: session.auth, SessionId: session.sessionId } }, GetContextInfoResponse)
    expect(parseContextStatus(info.body.data?.contextStatus as string | undefined).filter((task) => task.contextId === contextId)).toEqual([])
  })

  it('is removed with its session', async () => {
    const emulator = await env.start()
    const session = await createOfficialSession(emulator)
    const { contextId } = await internalContext(session)
    const url = await session.client.invoke('GetContextFileUploadUrl', { body: { Authorization: session.auth, ContextId: contextId, FilePath: '/tmp/file-transfer/left.txt' } }, FileUrlResponse)
    expect((await fetch(url.body.data.url as string, { method: 'PUT', body: 'staged, never synced' })).status).toBe(200)
    const readBack = await session.client.invoke('GetContextFileDownloadUrl', { body: { Authorization: session.auth, ContextId: contextId, FilePath: '/tmp/file-transfer/left.txt' } }, FileUrlResponse)
    expect(await (await fetch(readBack.body.data.url as string)).text()).toBe('staged, never synced')

    await session.client.invoke('DeleteSessionAsync', { body: { Authorization: session.auth, SessionId: session.sessionId } }, Envelope)
    await poll(async () => {
      try {
        await session.client.invoke('GetContextFileUploadUrl', { body: { Authorization: session.auth, ContextId: contextId, FilePath: '/tmp/file-transfer/x' } }, FileUrlResponse)
        return undefined
      } catch (error) {
        expect(error).toMatchObject({ code: 'Context.NotFound' })
        return true
      }
    })
    // A URL issued before is dead too: its context and stored bytes are gone.
    expect((await fetch(readBack.body.data.url as string)).status).toBe(404)
  })
})
