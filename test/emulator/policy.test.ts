import { readdir } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { createContext, createSession, ok, rpc, tool, useEmulator, waitForTasks } from './helpers.js'
import { listFiles } from '../../src/emulator/fs-ops.js'

const MOUNT = '/home/wuying/data'

/** Writes `files` into a fresh session mounting a fresh context with `policy`, uploads, and lists the stored files. */
async function uploadWith(env: ReturnType<typeof useEmulator>, policy: unknown, files: string[]) {
  const emulator = await env.start()
  const contextId = await createContext(emulator, 'policy')
  const session = await createSession(emulator, [{ contextId, path: MOUNT, policy }])
  await waitForTasks(emulator, { SessionId: session })
  for (const file of files) await tool(emulator, session, 'write_file', { path: `${MOUNT}/${file}`, content: file })
  await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'upload' })
  await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })
  const stored = (await listFiles(emulator.contextRoot(contextId))).map((segments) => segments.join('/'))
  return { emulator, contextId, session, stored }
}

describe('sync policy', () => {
  const env = useEmulator()

  it('uploads only whitelisted paths, minus their excludePaths', async () => {
    const policy = { bwList: { whiteLists: [{ path: '/docs', excludePaths: ['/docs/private'] }, { path: 'cfg.json' }] } }
    const { stored } = await uploadWith(env, policy, ['docs/a.md', 'docs/private/key.pem', 'docs/sub/b.md', 'cfg.json', 'other.txt'])
    expect(stored.sort()).toEqual(['cfg.json', 'docs/a.md', 'docs/sub/b.md'])
  })

  it('propagates deletions on upload when deletePolicy.syncLocalFile is true (the default)', async () => {
    const { emulator, contextId, session } = await uploadWith(env, undefined, ['a.txt', 'b.txt'])
    await tool(emulator, session, 'delete_file', { path: `${MOUNT}/a.txt` })
    await ok(emulator, 'SyncContext', { SessionId: session })
    await emulator.idle()
    expect((await listFiles(emulator.contextRoot(contextId))).map((s) => s.join('/'))).toEqual(['b.txt'])
    expect(emulator.tasks({ sessionId: session }).at(-1)).toMatchObject({ filesDeleted: 1, filesCopied: 1 })
  })

  it('keeps stored files the session deleted when syncLocalFile is false', async () => {
    const { emulator, contextId, session } = await uploadWith(env, { deletePolicy: { syncLocalFile: false } }, ['a.txt', 'b.txt'])
    await tool(emulator, session, 'delete_file', { path: `${MOUNT}/a.txt` })
    await ok(emulator, 'SyncContext', { SessionId: session })
    await emulator.idle()
    expect((await readdir(emulator.contextRoot(contextId))).sort()).toEqual(['a.txt', 'b.txt'])
  })

  it('never deletes stored files that lie outside the whitelist', async () => {
    const { emulator, contextId } = await uploadWith(env, undefined, ['keep/x.txt', 'work/y.txt'])
    const narrow = await createSession(emulator, [{ contextId, path: '/other', policy: { bwList: { whiteLists: [{ path: 'work' }] } } }])
    await waitForTasks(emulator, { SessionId: narrow })
    await tool(emulator, narrow, 'delete_file', { path: '/other/work/y.txt' })
    await tool(emulator, narrow, 'write_file', { path: '/other/work/z.txt', content: 'z' })
    await ok(emulator, 'SyncContext', { SessionId: narrow })
    await emulator.idle()
    expect((await listFiles(emulator.contextRoot(contextId))).map((s) => s.join('/')).sort()).toEqual(['keep/x.txt', 'work/z.txt'])
  })

  it('does not download at session start when autoDownload is false', async () => {
    const { emulator, contextId } = await uploadWith(env, undefined, ['a.txt'])
    const session = await createSession(emulator, [{ contextId, path: MOUNT, policy: { downloadPolicy: { autoDownload: false } } }])
    expect(emulator.tasks({ sessionId: session })).toEqual([])
    expect((await tool(emulator, session, 'read_file', { path: `${MOUNT}/a.txt` })).isError).toBe(true)
    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'download' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'download' })
    expect(await tool(emulator, session, 'read_file', { path: `${MOUNT}/a.txt` })).toEqual({ text: 'a.txt', isError: false })
  })

  it.each([
    ['Python SyncPolicy() (every part filled)', {
      uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
      downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
      deletePolicy: { syncLocalFile: true },
      extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
      recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
      bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
    }],
    ['Go (omitempty whitelist item)', { bwList: { whiteLists: [{ path: '' }] } }],
    ['TS plain object with only uploadPolicy', { uploadPolicy: { autoUpload: true } }],
    ['TS browser context (null parts)', { uploadPolicy: { autoUpload: true }, downloadPolicy: null, deletePolicy: null, bwList: null, recyclePolicy: null }],
    ['uploadMode Archive (stored like File)', { uploadPolicy: { uploadMode: 'Archive' }, mappingPolicy: { path: 'c:\\Users\\x' } }],
    ['double-encoded JSON string', JSON.stringify(JSON.stringify({ uploadPolicy: { autoUpload: true } }))],
    ['empty whitelist array', { bwList: { whiteLists: [] } }],
  ])('accepts the %s policy form', async (_name, policy) => {
    const { stored } = await uploadWith(env, policy, ['a.txt'])
    expect(stored).toEqual(['a.txt'])
  })

  it('accepts a PersistenceDataList item without Policy, with Policy null, and as an object', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'forms')
    const list = [
      { ContextId: contextId, Path: '/a' },
      { ContextId: contextId, Path: '/b', Policy: null },
      { ContextId: contextId, Path: '/c', Policy: { uploadPolicy: { autoUpload: false } } },
    ]
    const answer = await rpc(emulator, emulator.apiKey, 'CreateMcpSession', { PersistenceDataList: JSON.stringify(list) })
    expect(answer.json['Success']).toBe(true)
  })

  it.each([
    ['wildcards', { bwList: { whiteLists: [{ path: '*.txt' }] } }],
    ['a .. path', { bwList: { whiteLists: [{ path: '../x' }] } }],
    ['invalid JSON', '{nope'],
    ['a bad uploadMode', { uploadPolicy: { uploadMode: 'Zip' } }],
  ])('refuses a policy with %s as a 400 envelope', async (_name, policy) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'bad')
    const list = [{ ContextId: contextId, Path: MOUNT, Policy: typeof policy === 'string' ? policy : JSON.stringify(policy) }]
    const answer = await rpc(emulator, emulator.apiKey, 'CreateMcpSession', { PersistenceDataList: JSON.stringify(list) })
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ Success: false, HttpStatusCode: 400 })
    expect(answer.json['Code']).toMatch(/^InvalidParameter/)
  })
})
