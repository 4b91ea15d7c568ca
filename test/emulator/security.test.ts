import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { API_VERSION } from '../../src/wire/protocol.js'
import { createContext, createSession, encodeForm, ok, rpc, send, tool, useEmulator, waitForTasks } from './helpers.js'

const KEY_A = 'ak-tenant-a'
const KEY_B = 'ak-tenant-b'

describe('authentication', () => {
  const env = useEmulator({ apiKeys: [KEY_A, KEY_B] })

  it.each([
    ['no Authorization', undefined],
    ['an unknown key', 'Bearer ak-nope'],
    ['no Bearer scheme', KEY_A],
    ['an empty bearer', 'Bearer '],
  ])('answers %s with HTTP 401 InvalidApiKey', async (_name, authorization) => {
    const emulator = await env.start()
    const answer = await rpc(emulator, undefined, 'ListContexts', authorization === undefined ? {} : { Authorization: authorization })
    expect(answer.status).toBe(401)
    expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidApiKey', HttpStatusCode: 401 })
    expect(typeof answer.json['RequestId']).toBe('string')
    expect(answer.text).not.toContain('ak-tenant')
  })

  it('accepts the key in the query string (SyncContext style) and in the body', async () => {
    const emulator = await env.start()
    const query = `?Action=ListContexts&Authorization=${encodeURIComponent(`Bearer ${KEY_B}`)}`
    expect((await send(`${emulator.url}${query}`, '')).json['Success']).toBe(true)
    expect((await rpc(emulator, KEY_A, 'ListContexts')).json['Success']).toBe(true)
  })

  it('never writes a key to the request log', async () => {
    const lines: string[] = []
    const emulator = await env.start({ log: (line) => lines.push(line) })
    await rpc(emulator, KEY_A, 'SyncContext', { SessionId: 'nope' })
    await rpc(emulator, 'wrong-key', 'ListContexts')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).not.toMatch(/ak-tenant|wrong-key|Bearer/)
  })
})

describe('tenant isolation', () => {
  const env = useEmulator({ apiKeys: [KEY_A, KEY_B] })

  it('keeps sessions, contexts, tasks and files of one key invisible to another', async () => {
    const emulator = await env.start()
    const contextA = await createContext(emulator, 'shared-name', KEY_A)
    const sessionA = await createSession(emulator, [{ contextId: contextA, path: '/d' }], {}, KEY_A)
    await tool(emulator, sessionA, 'write_file', { path: '/d/secret.txt', content: 'A' }, KEY_A)

    // Same name, different tenant: a different context.
    const contextB = await createContext(emulator, 'shared-name', KEY_B)
    expect(contextB).not.toBe(contextA)
    const asB = (action: string, params: Record<string, string>) => rpc(emulator, KEY_B, action, params)
    expect((await asB('GetContext', { ContextId: contextA })).json['Code']).toBe('Context.NotFound')
    expect((await asB('GetSession', { SessionId: sessionA })).json['Code']).toBe('InvalidMcpSession.NotFound')
    expect((await asB('GetContextInfo', { SessionId: sessionA })).status).toBe(400)
    expect((await asB('CallMcpTool', { SessionId: sessionA, Name: 'read_file', Args: '{"path":"/d/secret.txt"}' })).status).toBe(400)
    expect((await asB('SyncContext', { SessionId: sessionA })).status).toBe(400)
    expect((await asB('DeleteSessionAsync', { SessionId: sessionA })).status).toBe(400)
    expect((await asB('DeleteContext', { Id: contextA })).status).toBe(400)
    expect((await asB('DescribeContextFiles', { ContextId: contextA })).status).toBe(400)
    expect((await asB('GetContextFileDownloadUrl', { ContextId: contextA, FilePath: '/secret.txt' })).status).toBe(400)
    // Mounting another tenant's context is refused too.
    const mount = JSON.stringify([{ ContextId: contextA, Path: '/steal' }])
    expect((await asB('CreateMcpSession', { PersistenceDataList: mount })).json['Code']).toBe('Context.NotFound')

    const listB = await ok(emulator, 'ListContexts', {}, KEY_B)
    expect(listB['Data'].map((c: { Id: string }) => c.Id)).toEqual([contextB])
    expect((await ok(emulator, 'ListSession', {}, KEY_B))['TotalCount']).toBe(0)
    // And A still has everything.
    expect(await tool(emulator, sessionA, 'read_file', { path: '/d/secret.txt' }, KEY_A)).toEqual({ text: 'A', isError: false })
  })
})

describe('path safety', () => {
  const env = useEmulator()

  it.each([
    ['a .. segment', '/home/../../../etc/passwd'],
    ['a trailing ..', '/home/wuying/..'],
    ['a NUL byte', '/home/wuying/a\u0000b'],
    ['a relative path', 'home/wuying/a'],
    ['a backslash', '/home\\..\\..\\etc'],
  ])('refuses a tool path with %s as HTTP 400 InvalidParameter.Path', async (_name, path) => {
    const emulator = await env.start()
    const session = await createSession(emulator)
    for (const name of ['read_file', 'write_file', 'list_directory', 'delete_file', 'create_directory']) {
      const answer = await rpc(emulator, emulator.apiKey, 'CallMcpTool', {
        SessionId: session,
        Name: name,
        Args: JSON.stringify({ path, content: 'x' }),
      })
      expect(answer.status, name).toBe(400)
      expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidParameter.Path' })
    }
  })

  it('refuses to follow a symlink planted in the sandbox, for tools and for sync', async () => {
    const emulator = await env.start()
    const outside = await env.tempDir()
    await writeFile(join(outside, 'host-secret.txt'), 'host')
    const contextId = await createContext(emulator, 'links')
    const session = await createSession(emulator, [{ contextId, path: '/data' }])
    await waitForTasks(emulator, { SessionId: session })
    await tool(emulator, session, 'write_file', { path: '/data/real.txt', content: 'real' })
    const root = emulator.sessionRoot(session)
    await symlink(outside, join(root, 'data', 'escape'))
    await symlink(join(outside, 'host-secret.txt'), join(root, 'data', 'file-link'))

    for (const path of ['/data/escape/host-secret.txt', '/data/file-link']) {
      const answer = await rpc(emulator, emulator.apiKey, 'CallMcpTool', { SessionId: session, Name: 'read_file', Args: JSON.stringify({ path }) })
      expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidParameter.Path' })
    }
    const write = await rpc(emulator, emulator.apiKey, 'CallMcpTool', {
      SessionId: session,
      Name: 'write_file',
      Args: JSON.stringify({ path: '/data/escape/pwned.txt', content: 'x' }),
    })
    expect(write.status).toBe(400)

    // Sync skips links: only the real file reaches the context.
    await ok(emulator, 'SyncContext', { SessionId: session })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })
    const files = await ok(emulator, 'DescribeContextFiles', { ContextId: contextId })
    expect(files['Data'].map((f: { FileName: string }) => f.FileName)).toEqual(['real.txt'])
  })

  it('refuses a symbolic link as the last path component in every tool, and leaves the host file alone', async () => {
    const emulator = await env.start()
    const outside = await env.tempDir()
    const secret = join(outside, 'host-secret.txt')
    await writeFile(secret, 'host')
    const session = await createSession(emulator, [])
    await tool(emulator, session, 'write_file', { path: '/data/real.txt', content: 'real' })
    await symlink(secret, join(emulator.sessionRoot(session), 'data', 'link'))
    await symlink(outside, join(emulator.sessionRoot(session), 'data', 'dir-link'))
    const calls: [string, Record<string, unknown>][] = [
      ['read_file', { path: '/data/link' }],
      ['get_file_info', { path: '/data/link' }],
      ['read_multiple_files', { paths: ['/data/link'] }],
      ['write_file', { path: '/data/link', content: 'pwned' }],
      ['write_file', { path: '/data/link', content: 'pwned', mode: 'append' }],
      ['write_file', { path: '/data/link', content: 'pwned', mode: 'create_new' }],
      ['edit_file', { path: '/data/link', edits: [{ oldText: 'host', newText: 'pwned' }] }],
      ['delete_file', { path: '/data/link' }],
      ['move_file', { source: '/data/link', destination: '/data/moved' }],
      ['move_file', { source: '/data/real.txt', destination: '/data/link' }],
      ['list_directory', { path: '/data/dir-link' }],
      ['search_files', { path: '/data/dir-link', pattern: 'host' }],
      ['get_file_change', { path: '/data/dir-link' }],
      ['create_directory', { path: '/data/dir-link' }],
    ]
    for (const [name, args] of calls) {
      const answer = await rpc(emulator, emulator.apiKey, 'CallMcpTool', { SessionId: session, Name: name, Args: JSON.stringify(args) })
      expect(answer.json, `${name} ${JSON.stringify(args)}`).toMatchObject({ Success: false, Code: 'InvalidParameter.Path' })
    }
    expect(await readFile(secret, 'utf8')).toBe('host')
    expect(await readdir(outside)).toEqual(['host-secret.txt'])
    expect((await tool(emulator, session, 'read_file', { path: '/data/real.txt' })).text).toBe('real')
  })

  it('refuses a symbolic link in a context for presigned GET and PUT, listing and deleting, and leaves the host alone', async () => {
    const emulator = await env.start()
    const outside = await env.tempDir()
    const secret = join(outside, 'host-secret.txt')
    await writeFile(secret, 'host')
    const contextId = await createContext(emulator, 'context-links')
    const root = emulator.contextRoot(contextId)
    await mkdir(root, { recursive: true })
    await symlink(secret, join(root, 'file-link'))
    await symlink(outside, join(root, 'dir-link'))
    const url = async (action: string, FilePath: string): Promise<string> => (await ok(emulator, action, { ContextId: contextId, FilePath }))['Data']['Url'] as string

    for (const path of ['/file-link', '/dir-link/host-secret.txt']) {
      const get = await fetch(await url('GetContextFileDownloadUrl', path))
      expect(get.status, `GET ${path}`).toBe(400)
      expect(await get.text()).not.toContain('host')
    }
    for (const path of ['/file-link', '/dir-link/host-secret.txt', '/dir-link/new.txt']) {
      const put = await fetch(await url('GetContextFileUploadUrl', path), { method: 'PUT', body: 'pwned' })
      expect(put.status, `PUT ${path}`).toBe(400)
    }
    for (const [action, params] of [
      ['DescribeContextFiles', { ParentFolderPath: '/dir-link' }],
      ['DeleteContextFile', { FilePath: '/file-link' }],
      ['DeleteContextFile', { FilePath: '/dir-link/host-secret.txt' }],
    ] as const) {
      const answer = await rpc(emulator, emulator.apiKey, action, { ContextId: contextId, ...params })
      expect(answer.json, `${action} ${JSON.stringify(params)}`).toMatchObject({ Success: false, Code: 'InvalidParameter.Path' })
    }
    expect(await readFile(secret, 'utf8')).toBe('host')
    expect(await readdir(outside)).toEqual(['host-secret.txt'])
  })

  it('fails a sync task (not the process) when the mount path itself is a symlink', async () => {
    const emulator = await env.start()
    const outside = await env.tempDir()
    const contextId = await createContext(emulator, 'mount-link')
    const session = await createSession(emulator)
    await mkdir(join(emulator.sessionRoot(session)), { recursive: true })
    await symlink(outside, join(emulator.sessionRoot(session), 'mnt'))
    await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/mnt', Mode: 'download' })
    const [task] = await waitForTasks(emulator, { SessionId: session })
    expect(task).toMatchObject({ status: 'Failed' })
    expect(task!.errorMessage).toMatch(/symbolic link/)
  })

  // Closing note of stop 16: the context folder of a session-path mount (`/tmp/extensions/` is stored
  // at tmp/extensions inside its context) was joined without the walk, so a link there was followed.
  it('fails a sync task (download and upload) when the context folder of a session-path mount is a symlink, and leaves the host alone', async () => {
    const emulator = await env.start()
    const outside = await env.tempDir()
    await writeFile(join(outside, 'host-secret.txt'), 'host')
    const contextId = await createContext(emulator, 'extension-folder-link')
    await mkdir(join(emulator.contextRoot(contextId), 'tmp'), { recursive: true })
    await symlink(outside, join(emulator.contextRoot(contextId), 'tmp', 'extensions'))
    const session = await createSession(emulator)
    await tool(emulator, session, 'write_file', { path: '/tmp/extensions/pwned.txt', content: 'pwned' })

    for (const mode of ['download', 'upload']) {
      await ok(emulator, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/tmp/extensions/', Mode: mode })
      const [task] = await waitForTasks(emulator, { SessionId: session, TaskType: mode })
      expect(task, mode).toMatchObject({ status: 'Failed' })
      expect(task!.errorMessage, mode).toMatch(/symbolic link/)
    }
    expect(await readdir(join(emulator.sessionRoot(session), 'tmp', 'extensions'))).toEqual(['pwned.txt'])
    expect(await readdir(outside)).toEqual(['host-secret.txt'])
  })

  it.each([
    ['DescribeContextFiles', { ParentFolderPath: '/../..' }],
    ['GetContextFileUploadUrl', { FilePath: '../../state.json' }],
    ['GetContextFileDownloadUrl', { FilePath: 'a/\u0000' }],
    ['DeleteContextFile', { FilePath: '/x/../../y' }],
  ])('refuses an escaping path in %s', async (action, params) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'paths')
    const answer = await rpc(emulator, emulator.apiKey, action, { ContextId: contextId, ...params })
    expect(answer.status).toBe(400)
    expect(answer.json['Code']).toBe('InvalidParameter.Path')
  })

  it('refuses an escaping mount path and an escaping SyncContext Path', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'mounts')
    const create = await rpc(emulator, emulator.apiKey, 'CreateMcpSession', {
      PersistenceDataList: JSON.stringify([{ ContextId: contextId, Path: '/../../etc' }]),
    })
    expect(create.json['Code']).toBe('InvalidParameter.Path')
    const session = await createSession(emulator)
    const sync = await rpc(emulator, emulator.apiKey, 'SyncContext', { SessionId: session, ContextId: contextId, Path: '/a/../../b' })
    expect(sync.json['Code']).toBe('InvalidParameter.Path')
  })
})

describe('limits and bad input', () => {
  const env = useEmulator()

  it('refuses a form body over maxFormBytes with HTTP 413', async () => {
    const emulator = await env.start({ maxFormBytes: 1024 })
    const answer = await rpc(emulator, emulator.apiKey, 'GetContext', { Name: 'x'.repeat(2000), AllowCreate: 'true' })
    expect(answer.status).toBe(413)
    expect(answer.json).toMatchObject({ Success: false, Code: 'RequestTooLarge' })
  })

  it.each([
    ['MaxResults', { MaxResults: 'ten' }],
    ['MaxResults', { MaxResults: '0' }],
    ['NextToken', { NextToken: 'forged' }],
    ['Labels', { Labels: '{not json' }],
    ['Labels', { Labels: '["array"]' }],
    ['Status', { Status: 'SLEEPING' }],
  ])('answers a bad %s with a 400 envelope', async (_name, params) => {
    const emulator = await env.start()
    const answer = await rpc(emulator, emulator.apiKey, 'ListSession', params)
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidParameter', HttpStatusCode: 400 })
  })

  it('answers missing and malformed parameters with 400 envelopes and keeps serving', async () => {
    const emulator = await env.start()
    const session = await createSession(emulator)
    const cases: [string, Record<string, string>, string][] = [
      ['GetSession', {}, 'MissingParameter'],
      ['SyncContext', { SessionId: session, Mode: 'sideways' }, 'InvalidParameter'],
      ['GetContext', { Name: 'x', AllowCreate: 'maybe' }, 'InvalidParameter'],
      ['CreateMcpSession', { PersistenceDataList: '{"not":"an array"}' }, 'InvalidParameter'],
      ['CreateMcpSession', { PersistenceDataList: '[{"ContextId":"SdkCtx-nope","Path":"/a"}]' }, 'Context.NotFound'],
      ['CallMcpTool', { SessionId: session, Name: 'read_file', Args: '{broken' }, 'InvalidParameter'],
      ['GetContextInfo', { SessionId: session, TaskType: 'custom' }, 'InvalidParameter'],
    ]
    for (const [action, params, code] of cases) {
      const answer = await rpc(emulator, emulator.apiKey, action, params)
      expect(answer.status, action).toBe(400)
      expect(answer.json['Code'], action).toBe(code)
    }
    expect((await ok(emulator, 'GetSession', { SessionId: session }))['Success']).toBe(true)
  })

  it('reports tool problems as isError with Success true, and never leaks host paths', async () => {
    const emulator = await env.start()
    const session = await createSession(emulator)
    const missing = await tool(emulator, session, 'read_file', { path: '/nope.txt' })
    expect(missing).toEqual({ text: '/nope.txt: no such file or directory', isError: true })
    expect((await tool(emulator, session, 'frobnicate', { path: '/x' })).isError).toBe(true)
    expect((await tool(emulator, session, 'write_file', { path: '/x', content: 1 })).isError).toBe(true)
    expect((await tool(emulator, session, 'write_file', { path: '/x', content: 'x', mode: 'prepend' })).isError).toBe(true)
    await tool(emulator, session, 'write_file', { path: '/file', content: 'x' })
    const crossing = await tool(emulator, session, 'write_file', { path: '/file/child', content: 'x' })
    expect(crossing.isError).toBe(true)
    expect(crossing.text).not.toContain(emulator.dataDir)
  })

  it('rejects unknown paths and methods with JSON envelopes', async () => {
    const emulator = await env.start()
    const other = await fetch(`${emulator.url}admin`)
    expect(other.status).toBe(404)
    expect(await other.json()).toMatchObject({ Success: false, Code: 'NotFound' })
    const put = await fetch(`${emulator.url}?Action=ListContexts&Version=${API_VERSION}`, { method: 'PUT', body: encodeForm({}) })
    expect(put.status).toBe(405)
  })
})
