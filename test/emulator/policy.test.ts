import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext, createSession, ok, rpc, tool, useEmulator, waitForTasks } from './helpers.js'
import { listFiles } from '../../src/emulator/fs-ops.js'
import { parseSyncPolicy } from '../../src/emulator/policy.js'
import { RpcFailure } from '../../src/emulator/errors.js'
import { describeErrors } from '../../src/wire/codecs/decode.js'
import { DEFAULT_SYNC_POLICY, serializePolicy, syncPolicy, SyncPolicyFromJson, type SyncPolicyInput } from '../../src/wire/policy/sync-policy.js'

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

  it('uploads only whitelisted paths, minus their excludePaths (relative to the white-list entry, §6)', async () => {
    const policy = { bwList: { whiteLists: [{ path: '/docs', excludePaths: ['/private'] }, { path: 'cfg.json' }] } }
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

describe('one policy definition for the SDK and the emulator (issue 10 item 7)', () => {
  const env = useEmulator()

  it.each<[string, SyncPolicyInput]>([
    ['the defaults', {}],
    ['every part changed', {
      uploadPolicy: { autoUpload: false, uploadMode: 'Archive' },
      downloadPolicy: { autoDownload: false },
      deletePolicy: { syncLocalFile: false },
      extractPolicy: { extract: false, deleteSrcFile: false, extractToCurrentFolder: true },
      recyclePolicy: { lifecycle: 'Lifecycle_30Days', paths: ['logs'] },
      bwList: { whiteLists: [{ path: 'src', excludePaths: ['node_modules'] }, { path: 'cfg.json' }] },
      mappingPolicy: { path: 'c:\\Users\\x' },
    }],
  ])('the emulator reads a policy the SDK serialized (%s) as the very SyncPolicy the SDK built', (_name, input) => {
    const built = syncPolicy(input)
    expect(parseSyncPolicy(serializePolicy(built))).toEqual(built)
    expect(parseSyncPolicy(JSON.parse(serializePolicy(built)))).toEqual(built)
  })

  it('decodes every §6 serialization to the SDK defaults where parts are missing or null', () => {
    const browser = { uploadPolicy: { autoUpload: false }, downloadPolicy: null, deletePolicy: null, bwList: null, recyclePolicy: null }
    expect(parseSyncPolicy(JSON.stringify(browser))).toEqual(syncPolicy({ uploadPolicy: { autoUpload: false } }))
    expect(parseSyncPolicy({ bwList: { whiteLists: [{ path: '' }] } })).toEqual(DEFAULT_SYNC_POLICY)
    expect(parseSyncPolicy({ bwList: { whiteLists: [] } })).toEqual(DEFAULT_SYNC_POLICY)
    expect(parseSyncPolicy(undefined)).toEqual(DEFAULT_SYNC_POLICY)
    expect(parseSyncPolicy(' ')).toEqual(DEFAULT_SYNC_POLICY)
    expect(parseSyncPolicy(JSON.stringify(JSON.stringify({ deletePolicy: { syncLocalFile: 'FALSE' } })))).toEqual(syncPolicy({ deletePolicy: { syncLocalFile: false } }))
  })

  it('encodes with the codec exactly what serializePolicy sends, and refuses to decode what the SDK refuses to send', () => {
    const policy = syncPolicy({ bwList: { whiteLists: [{ path: 'a' }] } })
    expect(SyncPolicyFromJson.encode(policy)).toBe(serializePolicy(policy))
    expect(SyncPolicyFromJson.is(policy)).toBe(true)
    const wildcard = SyncPolicyFromJson.decode({ recyclePolicy: { paths: ['tmp/*'] } })
    expect(wildcard._tag === 'Left' && describeErrors(wildcard.left)).toEqual({ path: 'recyclePolicy.paths[0]', reason: 'wildcards are not supported' })
    expect(SyncPolicyFromJson.is({ ...policy, uploadPolicy: { ...policy.uploadPolicy, uploadMode: 'Zip' } })).toBe(false)
  })

  it.each([
    ['an unknown uploadStrategy', { uploadPolicy: { uploadStrategy: 'Later' } }, 'PersistenceDataList[0].Policy is invalid: uploadStrategy must be UploadBeforeResourceRelease'],
    ['an unknown lifecycle', { recyclePolicy: { lifecycle: 'Lifecycle_2Days' } }, 'PersistenceDataList[0].Policy is invalid: lifecycle must be'],
    ['a wildcard recycle path', { recyclePolicy: { paths: ['*.log'] } }, 'PersistenceDataList[0].Policy.recyclePolicy.paths[0] is invalid: wildcards are not supported'],
    ['a non-boolean extract switch', { extractPolicy: { extract: 'no' } }, 'PersistenceDataList[0].Policy.extractPolicy.extract is invalid: expected a boolean'],
    ['an empty mappingPolicy path', { mappingPolicy: { path: '' } }, 'PersistenceDataList[0].Policy.mappingPolicy.path is invalid: expected a non-empty string'],
  ])('refuses, as the SDK does, a policy with %s (a 400 naming the field)', async (_name, policy, message) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'strict')
    const list = [{ ContextId: contextId, Path: MOUNT, Policy: JSON.stringify(policy) }]
    const answer = await rpc(emulator, emulator.apiKey, 'CreateMcpSession', { PersistenceDataList: JSON.stringify(list) })
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ Success: false, Code: 'InvalidParameter' })
    expect(answer.json['Message']).toContain(message)
    expect(() => serializePolicy(syncPolicy(policy as SyncPolicyInput))).toThrow()
  })

  it('keeps refusing unsafe white-list paths with InvalidParameter.Path', () => {
    expect(() => parseSyncPolicy({ bwList: { whiteLists: [{ path: 'a', excludePaths: ['../b'] }] } })).toThrow(RpcFailure)
    expect(() => parseSyncPolicy({ bwList: { whiteLists: [{ path: 'a', excludePaths: ['../b'] }] } })).toThrow(
      'Policy.bwList.whiteLists[0].excludePaths[0] is not a safe path',
    )
  })

  it('reads mounts from a state.json written with the former flat emulator policy', async () => {
    const dataDir = await env.tempDir()
    const first = await env.start({ dataDir })
    const contextId = await createContext(first, 'legacy')
    const session = await createSession(first, [{ contextId, path: MOUNT }])
    await waitForTasks(first, { SessionId: session })
    await first.close()
    const stateFile = join(dataDir, 'state.json')
    const state = JSON.parse(await readFile(stateFile, 'utf8'))
    const stored = Object.values<any>(state.tenants)[0].sessions[session] // eslint-disable-line @typescript-eslint/no-explicit-any -- raw state.json
    stored.mounts[0].policy = { autoUpload: false, autoDownload: true, uploadMode: 'File', syncLocalFile: true, whiteLists: [{ path: 'keep', excludePaths: [] }] }
    await writeFile(stateFile, JSON.stringify(state))

    const emulator = await env.start({ dataDir })
    for (const file of ['keep/a.txt', 'other/b.txt']) await tool(emulator, session, 'write_file', { path: `${MOUNT}/${file}`, content: file })
    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'upload' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })
    expect((await listFiles(emulator.contextRoot(contextId))).map((segments) => segments.join('/'))).toEqual(['keep/a.txt'])
    await ok(emulator, 'DeleteSessionAsync', { SessionId: session })
    await emulator.idle()
    expect(emulator.tasks({ sessionId: session }).filter((task) => task.trigger === 'delete')).toEqual([]) // autoUpload: false
  })
})
