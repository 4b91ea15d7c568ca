// Issue 11 item 5: sessions of another OS mount at Windows paths (`c:\Users\Administrator\Downloads`,
// official-sdk-calls §6), and the official mapping-policy test's cross-OS restore works; every
// hostile spelling (`..`, UNC, drive-relative, a second drive, streams, trimmed names) is refused
// and every accepted one stays inside the session's sandbox. Official request shapes throughout.
import { lstat, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import { Envelope, officialCalls, refusal } from './official-client.js'

const WINDOWS_PATH = 'c:\\Users\\Administrator\\Downloads'
const LINUX_PATH = '/home/wuying/下载'
/** The official test's TS plain-object policies (`newUploadPolicy()` … `newExtractPolicy()`). */
const PARTS = {
  uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: true },
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
}

/** Spellings that would leave the sandbox, reach another root, or alias another name on Windows. */
const HOSTILE = [
  ['.. out of the drive', 'c:\\..\\..\\etc'],
  ['.. with forward slashes', 'C:/x/../../y'],
  ['.. between mixed separators', 'c:\\a/..\\..\\b'],
  ['a UNC share', '\\\\server\\share'],
  ['a device path', '\\\\?\\c:\\x'],
  ['a bare drive (drive-relative)', 'd:'],
  ['a drive-relative name', 'd:evil'],
  ['a rooted path without a drive', '\\Windows\\System32'],
  ['a second drive inside the path', 'c:\\a\\d:\\b'],
  ['an alternate data stream', 'c:\\a\\b.txt:secret'],
  ['a name Windows trims to ..', 'c:\\a\\.. \\b'],
  ['a name ending in a dot', 'c:\\a\\b.'],
  ['a NUL byte', 'c:\\a\u0000b'],
] as const

describe('Windows mount paths and mappingPolicy (issue 11 item 5)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('runs the official mapping-policy test: a Windows session writes, a Linux session with mappingPolicy reads it', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context(`test-mapping-policy-${Date.now()}`)

    // Phase 1: Windows session persists a file.
    const windows = await sdk.createSession([{ contextId, path: WINDOWS_PATH, policy: PARTS }], 'windows_latest')
    expect((await sdk.tool(windows, 'create_directory', { path: WINDOWS_PATH })).isError).toBe(false)
    const content = 'This file was created in Windows session and should be accessible in Linux session'
    const written = await sdk.tool(windows, 'write_file', { path: `${WINDOWS_PATH}\\cross-platform-test.txt`, content, mode: 'overwrite' })
    expect(written.isError).toBe(false)
    const [upload] = await sdk.sync(windows)
    expect(upload).toMatchObject({ contextId, path: WINDOWS_PATH, status: 'Success', errorMessage: '' })
    await sdk.deleteSession(windows, true)

    // Phase 2: Linux session maps the Windows path onto its own.
    const linux = await sdk.createSession([{ contextId, path: LINUX_PATH, policy: { ...PARTS, mappingPolicy: { path: WINDOWS_PATH } } }])
    expect(await sdk.tool(linux, 'read_file', { path: `${LINUX_PATH}/cross-platform-test.txt` })).toEqual({ text: content, isError: false })
    const info = (await sdk.contextInfo(linux)).find((task) => task.contextId === contextId)
    expect(info).toMatchObject({ path: LINUX_PATH, taskType: 'download', status: 'Success' })
    await sdk.deleteSession(linux, true)
    expect((await sdk.deleteContext(contextId)).body.success).toBe(true)
  })

  it('reads C:/…, c:\\… and mixed separators as one folder, stored inside the sandbox', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('spellings')
    const session = await sdk.createSession([{ contextId, path: 'C:\\Work' }], 'windows_latest')
    await sdk.tool(session, 'write_file', { path: 'c:\\Work\\a/b.txt', content: 'mixed', mode: 'overwrite' })
    expect(await sdk.tool(session, 'read_file', { path: 'C:/Work/a/b.txt' })).toEqual({ text: 'mixed', isError: false })
    expect(await sdk.tool(session, 'read_file', { path: 'c:\\Work\\a\\b.txt' })).toEqual({ text: 'mixed', isError: false })

    const root = emulator.sessionRoot(session)
    const stored = join(root, 'c:', 'Work', 'a', 'b.txt')
    expect(relative(root, stored).startsWith('..')).toBe(false)
    expect(await readFile(stored, 'utf8')).toBe('mixed')
    // SyncContext and GetContextInfo take the same path in another spelling.
    const [task] = await sdk.sync(session, { ContextId: contextId, Path: 'c:/Work', Mode: 'upload' })
    expect(task).toMatchObject({ path: 'C:\\Work', status: 'Success' })
    expect(await sdk.contextFiles(contextId, '/a')).toEqual(['b.txt'])
  })

  it('refuses the same Windows folder mounted twice in two spellings', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('twice')
    const failure = await refusal(sdk.createSession([{ contextId, path: 'c:\\Data' }, { contextId, path: 'C:/Data/' }]))
    expect(failure).toMatchObject({ code: 'InvalidParameter', statusCode: 400 })
  })

  it.each(HOSTILE)('refuses a mount path with %s as 400 InvalidParameter.Path, creating nothing', async (_name, path) => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('hostile mount')
    const failure = await refusal(sdk.createSession([{ contextId, path }], 'windows_latest'))
    expect(failure).toMatchObject({ code: 'InvalidParameter.Path', statusCode: 400 })
    expect(failure.data['Message']).toContain('PersistenceDataList[0].Path')
    expect(emulator.tasks()).toEqual([])
  })

  it.each(HOSTILE)('refuses a tool path with %s on a Windows session as 400 InvalidParameter.Path', async (_name, path) => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const session = await sdk.createSession([], 'windows_latest')
    for (const name of ['write_file', 'read_file', 'create_directory', 'list_directory', 'delete_file']) {
      const failure = await refusal(sdk.tool(session, name, { path, content: 'x', mode: 'overwrite' }))
      expect(failure, name).toMatchObject({ code: 'InvalidParameter.Path', statusCode: 400 })
    }
    await expect(lstat(join(emulator.sessionRoot(session), '..', 'etc'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it.each(HOSTILE)('refuses a mappingPolicy path with %s (it names a path in some sandbox too)', async (_name, path) => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('hostile mapping')
    const failure = await refusal(sdk.createSession([{ contextId, path: LINUX_PATH, policy: { ...PARTS, mappingPolicy: { path } } }]))
    expect(failure).toMatchObject({ code: 'InvalidParameter.Path', statusCode: 400 })
    expect(failure.data['Message']).toContain('mappingPolicy.path')
  })

  it('refuses a hostile Path on SyncContext and GetContextInfo as well', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('hostile sync')
    const session = await sdk.createSession([{ contextId, path: WINDOWS_PATH }], 'windows_latest')
    const sync = sdk.client.invoke(
      'SyncContext',
      { query: { Authorization: sdk.Authorization }, body: { SessionId: session, ContextId: contextId, Path: 'c:\\..\\..\\etc', Mode: 'upload' } },
      Envelope,
    )
    expect(await refusal(sync)).toMatchObject({ code: 'InvalidParameter.Path', statusCode: 400 })
    expect(await refusal(sdk.contextInfo(session, { Path: '\\\\server\\share' }))).toMatchObject({ code: 'InvalidParameter.Path' })
  })
})
