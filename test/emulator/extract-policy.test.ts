// Issue 11: `extractPolicy` (protocol §6; calls doc §5.1 for what the extension item sends) is
// acted on at download: a downloaded `.zip` is unpacked into a folder named after it (or next to
// it with `extractToCurrentFolder`), and removed with `deleteSrcFile`. Hostile archives are
// refused with a Failed task naming the problem, and nothing of them is written. The zips are
// built by the test (zip-writer.ts); everything goes through the official OpenAPI core.
import { readdir, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { extractDownloadedArchive } from '../../src/emulator/extract.js'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from './helpers.js'
import { FileUrlResponse, officialCalls } from './official-client.js'
import { buildZip, type ZipInput } from '../helpers/zip-writer.js'

const MOUNT = '/home/wuying/data'
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 10, 13, 0])

const policyWith = (extractPolicy: { extract: boolean; deleteSrcFile: boolean; extractToCurrentFolder: boolean }) => ({
  uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: true },
  extractPolicy,
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
})
/** protocol §6: the SDKs' default extract policy. */
const DEFAULT_EXTRACT = { extract: true, deleteSrcFile: true, extractToCurrentFolder: false }

const BUNDLE = buildZip([
  { name: 'readme.txt', content: 'deflated text '.repeat(50), method: 'deflate' },
  { name: 'nested/', content: undefined },
  { name: 'nested/data.bin', content: BINARY, method: 'stored' },
  { name: 'nested/deeper/empty.txt', content: '', method: 'deflate' },
])

/** A context holding `files` (mount-relative FilePaths), mounted with `policy`; the session and its download task. */
async function sessionWith(emulator: Emulator, files: Record<string, Buffer | string>, policy: object) {
  const sdk = officialCalls(emulator)
  const contextId = await sdk.context(`ctx-${Object.keys(files).join('-').replace(/[^a-z0-9-]/gi, '')}`)
  for (const [filePath, content] of Object.entries(files)) {
    const url = await sdk.client.invoke('GetContextFileUploadUrl', { body: { Authorization: sdk.Authorization, ContextId: contextId, FilePath: filePath } }, FileUrlResponse)
    expect((await fetch(url.body.data.url as string, { method: 'PUT', body: typeof content === 'string' ? content : new Uint8Array(content) })).status).toBe(200)
  }
  const sessionId = await sdk.createSession([{ contextId, path: MOUNT, policy }])
  const [task] = await sdk.contextInfo(sessionId, { TaskType: 'download' })
  const text = async (path: string) => sdk.tool(sessionId, 'read_file', { path })
  const bytes = async (path: string) => Buffer.from((await sdk.tool(sessionId, 'read_file', { path, offset: 0, length: 0, format: 'binary' })).text, 'base64')
  const exists = async (path: string) => !(await sdk.tool(sessionId, 'get_file_info', { path })).isError
  const list = async (path: string) => (await sdk.tool(sessionId, 'list_directory', { path })).text
  return { sdk, contextId, sessionId, task: task!, text, bytes, exists, list }
}

describe('extractPolicy: downloaded zips are unpacked (protocol §6)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('unpacks into a folder named after the archive and removes it (the default policy)', async () => {
    const emulator = await env.start()
    const session = await sessionWith(emulator, { '/bundle.zip': BUNDLE, '/plain.txt': 'not an archive' }, policyWith(DEFAULT_EXTRACT))
    expect(session.task).toMatchObject({ status: 'Success', errorMessage: '' })
    expect(await session.list(MOUNT)).toBe('[DIR] bundle\n[FILE] plain.txt')
    expect(await session.text(`${MOUNT}/bundle/readme.txt`)).toEqual({ text: 'deflated text '.repeat(50), isError: false })
    expect(await session.bytes(`${MOUNT}/bundle/nested/data.bin`)).toEqual(BINARY)
    expect(await session.bytes(`${MOUNT}/bundle/nested/deeper/empty.txt`)).toEqual(Buffer.alloc(0))
    expect(await session.text(`${MOUNT}/plain.txt`)).toEqual({ text: 'not an archive', isError: false })
  })

  it('extractToCurrentFolder unpacks next to the archive; deleteSrcFile false keeps it', async () => {
    const emulator = await env.start()
    const session = await sessionWith(emulator, { '/sub/bundle.zip': BUNDLE }, policyWith({ extract: true, deleteSrcFile: false, extractToCurrentFolder: true }))
    expect(session.task).toMatchObject({ status: 'Success' })
    expect(await session.list(`${MOUNT}/sub`)).toBe('[DIR] nested\n[FILE] bundle.zip\n[FILE] readme.txt')
    expect(await session.bytes(`${MOUNT}/sub/bundle.zip`)).toEqual(BUNDLE)
    expect(await session.bytes(`${MOUNT}/sub/nested/data.bin`)).toEqual(BINARY)
  })

  it('extract false leaves the archive as it is', async () => {
    const emulator = await env.start()
    const session = await sessionWith(emulator, { '/bundle.zip': BUNDLE }, policyWith({ ...DEFAULT_EXTRACT, extract: false }))
    expect(await session.list(MOUNT)).toBe('[FILE] bundle.zip')
    expect(await session.bytes(`${MOUNT}/bundle.zip`)).toEqual(BUNDLE)
  })

  const hostile: [string, ZipInput[] | Buffer, RegExp][] = [
    ['a zip-slip entry (..)', [{ name: 'ok.txt', content: 'ok' }, { name: '../escaped.txt', content: 'evil' }], /"\.\.\/escaped\.txt" has an unsafe path/],
    ['a nested zip-slip entry', [{ name: 'a/../../escaped.txt', content: 'evil' }], /unsafe path/],
    ['a backslash zip-slip entry', [{ name: '..\\escaped.txt', content: 'evil' }], /unsafe path/],
    ['an absolute entry', [{ name: '/etc/escaped.txt', content: 'evil' }], /has an absolute path/],
    ['a drive-letter entry', [{ name: 'c:/escaped.txt', content: 'evil' }], /has an absolute path/],
    ['an encrypted entry', [{ name: 'ok.txt', content: 'ok' }, { name: 'secret.txt', content: 'x', flags: 1 }], /"secret\.txt" is encrypted/],
    ['a zip64 entry', [{ name: 'big.bin', content: 'x', zip64: true }], /"big\.bin" needs zip64/],
    ['an absurd declared size', [{ name: 'bomb.bin', content: 'x', method: 'deflate', declaredSize: 0x7fffffff }], /unpacks to more than \d+ bytes/],
    ['a size that lies', [{ name: 'ok.txt', content: 'ok' }, { name: 'liar.txt', content: 'twelve bytes', method: 'deflate', declaredSize: 3 }], /"liar\.txt" does not inflate to its declared 3 bytes/],
    // README: over 10 000 entries is refused (a real archive of 10 001 empty entries, about 1 MB).
    ['more than 10 000 entries', Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}`, content: '' })), /archive has more than 10000 entries/],
    // README's other refusals, written into one stored entry's central header or the end record.
    ['a symbolic-link entry', withCentralEntry((zip, at) => (zip.writeUInt8(3, at + 5), zip.writeUInt32LE(0o120777 * 0x10000, at + 38))), /"x\.bin" is a symbolic link/],
    ['another compression method', withCentralEntry((zip, at) => zip.writeUInt16LE(12, at + 10)), /"x\.bin" uses compression method 12/],
    ['a CRC-32 that lies', withCentralEntry((zip, at) => zip.writeUInt32LE((zip.readUInt32LE(at + 16) ^ 1) >>> 0, at + 16)), /"x\.bin" fails its CRC-32 check/],
    ['a multi-disk archive', withCentralEntry((zip) => zip.writeUInt16LE(1, zip.length - 22 + 4)), /multi-disk archives are not supported/],
  ]

  it.each(hostile)('refuses %s: the task fails naming it, and no entry escapes the destination', async (_what, entries, reason) => {
    const emulator = await env.start()
    const archive = Buffer.isBuffer(entries) ? entries : buildZip(entries)
    const session = await sessionWith(emulator, { '/bad.zip': archive }, policyWith(DEFAULT_EXTRACT))
    expect(session.task.status).toBe('Failed')
    expect(session.task.errorMessage).toMatch(/^cannot extract \/home\/wuying\/data\/bad\.zip: /)
    expect(session.task.errorMessage).toMatch(reason)
    expect(session.task.errorMessage).not.toContain(emulator.dataDir) // never a host path
    // The archive stays for inspection; nothing lands outside bad/ (nor, when refused up front, in it).
    expect((await session.bytes(`${MOUNT}/bad.zip`)).equals(archive)).toBe(true) // equals: a deep toEqual of ~1 MB takes seconds
    for (const escaped of ['/home/wuying/escaped.txt', `${MOUNT}/escaped.txt`, '/etc/escaped.txt', '/escaped.txt', '/c:/escaped.txt'])
      expect(await session.exists(escaped)).toBe(false)
    if (!/lies/.test(_what)) expect(await session.exists(`${MOUNT}/bad`)).toBe(false)
  })

  it('counts entries up to 10 000 as allowed: an archive claiming exactly 10 000 fails on its (missing) directory, not on the limit', async () => {
    const emulator = await env.start()
    const session = await sessionWith(emulator, { '/claims.zip': endRecordClaiming(10_000) }, policyWith(DEFAULT_EXTRACT))
    expect(session.task).toMatchObject({ status: 'Failed', errorMessage: 'cannot extract /home/wuying/data/claims.zip: corrupt central directory' })
  })

  it('refuses a file that only looks like a zip', async () => {
    const emulator = await env.start()
    const session = await sessionWith(emulator, { '/fake.zip': 'PK but not really' }, policyWith(DEFAULT_EXTRACT))
    expect(session.task).toMatchObject({ status: 'Failed', errorMessage: 'cannot extract /home/wuying/data/fake.zip: not a zip archive (no end of central directory)' })
    expect(await session.text(`${MOUNT}/fake.zip`)).toEqual({ text: 'PK but not really', isError: false })
  })
})

describe('extractPolicy: the archive size limit (256 MiB)', () => {
  const env = useEmulator()

  // README: an archive over 256 MiB is refused before anything is written — checked on the file's
  // size before it is read into memory. The archive is a sparse file over 2 GiB: were it read, Node's
  // readFile would refuse it with its own error (ERR_FS_FILE_TOO_LARGE), so only the size check
  // answers with the limit. Sparse, it costs no disk; where the file system cannot make sparse files
  // the test is skipped rather than writing 2 GiB.
  it('refuses an archive over the limit on its size, without reading or writing anything', async ({ skip }) => {
    const root = await env.tempDir()
    const tmp = await env.tempDir()
    if (!(await makesSparseFiles(root))) return skip('the temp file system does not make sparse files')
    const archive = join(root, 'big.zip')
    await writeFile(archive, '')
    await truncate(archive, 2 ** 31 + 1)
    await expect(extractDownloadedArchive(tmp, root, ['big.zip'], DEFAULT_EXTRACT)).rejects.toThrow(
      'cannot extract /big.zip: archive is larger than 268435456 bytes',
    )
    expect(await readdir(root)).toEqual(['big.zip'])
    expect(await readdir(tmp)).toEqual([])
  })
})

/** Whether `dir`'s file system leaves a truncated-up file unallocated (a 16 MiB probe, removed). */
async function makesSparseFiles(dir: string): Promise<boolean> {
  const probe = join(dir, 'sparse-probe')
  await writeFile(probe, '')
  await truncate(probe, 16 * 1024 * 1024)
  const { blocks } = await stat(probe)
  await rm(probe)
  return blocks * 512 < 1024 * 1024
}

/** A one-entry archive (`x.bin`, stored) after `patch`, given its central header's offset (APPNOTE 4.3.12). */
function withCentralEntry(patch: (zip: Buffer, central: number) => void): Buffer {
  const name = 'x.bin'
  const content = 'data'
  const zip = buildZip([{ name, content, method: 'stored' }])
  patch(zip, 30 + name.length + content.length) // after the local header (30 bytes), the name and the data
  return zip
}

/** Only an end-of-central-directory record (APPNOTE 4.3.16) claiming `count` entries and an empty directory. */
function endRecordClaiming(count: number): Buffer {
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(count, 8) // entries on this disk
  end.writeUInt16LE(count, 10) // entries in total
  return end
}
