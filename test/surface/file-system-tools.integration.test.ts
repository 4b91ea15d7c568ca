// Issue 12 item 6 against the emulator over HTTP: every tool of the official file-system module
// through `session.fs`, reads chunked as the official algorithm does.
import { randomBytes } from 'node:crypto'
import { firstValueFrom } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, READ_CHUNK_BYTES, ToolError, type Session } from '../../src/entries/index.js'
import type { Emulator } from '../../src/emulator/index.js'
import { eventually, useEmulator } from '../emulator/helpers.js'

const env = useEmulator()
let emulator: Emulator
let session: Session

beforeEach(async () => {
  emulator = await env.start()
  const agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
  session = await firstValueFrom(agentBay.create())
})

const BLOB = '/tmp/file-transfer/blob.bin'
const toolCalls = () => emulator.stats().calls['CallMcpTool'] ?? 0

describe('session.fs against the emulator (issue 12 item 6)', () => {
  it('readBytes of a file larger than the chunk: get_file_info, then one read_file per 60 KiB chunk, byte-identical', async () => {
    const size = 2 * READ_CHUNK_BYTES + 12_345
    const bytes = new Uint8Array(randomBytes(size))
    bytes.set([0x00, 0xff, 0x0a, 0x0d, 0x80], READ_CHUNK_BYTES - 2) // bytes a text path would mangle, across a boundary
    // write_file takes text only (calls doc §1.5): binary files reach the session by upload.
    expect((await session.files.uploadAsync(bytes, BLOB)).success).toBe(true)

    const before = toolCalls()
    const read = await session.fs.readBytesAsync(BLOB)
    if (!read.success) throw read.error
    expect(read.data).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(read.data).equals(Buffer.from(bytes))).toBe(true)
    expect(toolCalls() - before).toBe(1 + 3) // get_file_info + ceil(size / 61440) chunks

    // The Observable and the base64 text form read the same bytes; a smaller chunk means more calls.
    const viaObservable = await firstValueFrom(session.fs.readBytes(BLOB, { chunkSize: 50_000 }))
    expect(Buffer.from(viaObservable).equals(Buffer.from(bytes))).toBe(true)
    expect(await firstValueFrom(session.fs.readFile(BLOB, { encoding: 'base64' }))).toBe(Buffer.from(bytes).toString('base64'))
  })

  it('readFile of multi-byte text across chunk boundaries returns the exact text', async () => {
    const text = 'añ€😀\n'.repeat(20_000) // 200 KB, characters of 1–4 bytes straddling every chunk boundary
    expect((await session.fs.writeFileAsync('/data/text.txt', text)).success).toBe(true)
    const read = await session.fs.readFileAsync('/data/text.txt')
    expect(read.success && read.content === text).toBe(true)
    expect(await session.fs.readFileAsync('/data/empty.txt')).toMatchObject({ success: false, error: { name: 'ToolError' } })
    await session.fs.writeFileAsync('/data/empty.txt', '')
    expect(await session.fs.readFileAsync('/data/empty.txt')).toMatchObject({ success: true, content: '' })
  })

  it('getFileInfo reports size, kind, name, path and times', async () => {
    await session.fs.writeFileAsync('/data/info.txt', 'héllo') // 6 bytes
    const info = await session.fs.getFileInfoAsync('/data/info.txt')
    expect(info).toMatchObject({ success: true, fileInfo: { name: 'info.txt', path: '/data/info.txt', size: 6, isDirectory: false, isFile: true } })
    expect(info.success && info.fileInfo.modTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/) // the whole timestamp, colons kept
    expect(await firstValueFrom(session.fs.getFileInfo('/data'))).toMatchObject({ isDirectory: true, size: 0 })
    const missing = await session.fs.getFileInfoAsync('/data/missing.txt')
    expect(missing).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'get_file_info' } })
    // A folder is not read: the official message, as a ToolError.
    await expect(firstValueFrom(session.fs.readFile('/data'))).rejects.toThrow(/Path does not exist or is a directory: \/data/)
  })

  it('writeFile with create_new refuses an existing file and leaves it as it was; append and overwrite work', async () => {
    expect((await session.fs.writeFileAsync('/data/new.txt', 'first', { mode: 'create_new' })).success).toBe(true)
    const again = await session.fs.writeFileAsync('/data/new.txt', 'second', { mode: 'create_new' })
    expect(again).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'write_file' } })
    expect(await firstValueFrom(session.fs.readFile('/data/new.txt'))).toBe('first')
    await session.fs.writeFileAsync('/data/new.txt', '+more', { mode: 'append' })
    expect(await firstValueFrom(session.fs.readFile('/data/new.txt'))).toBe('first+more')
    await session.fs.writeFileAsync('/data/new.txt', 'replaced')
    expect(await firstValueFrom(session.fs.readFile('/data/new.txt'))).toBe('replaced')
  })

  it('moveFile moves a file (parent folders created) and refuses to replace an existing destination', async () => {
    await session.fs.writeFileAsync('/data/a.txt', 'moving')
    expect((await session.fs.moveFileAsync('/data/a.txt', '/data/sub/b.txt')).success).toBe(true)
    expect(await firstValueFrom(session.fs.readFile('/data/sub/b.txt'))).toBe('moving')
    expect((await session.fs.getFileInfoAsync('/data/a.txt')).success).toBe(false)
    await session.fs.writeFileAsync('/data/c.txt', 'other')
    const clash = await session.fs.moveFileAsync('/data/c.txt', '/data/sub/b.txt')
    expect(clash).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'move_file' } })
    expect(await firstValueFrom(session.fs.readFile('/data/sub/b.txt'))).toBe('moving')
  })

  it('editFile replaces exact text in order; dryRun writes nothing; a missing text fails and changes nothing', async () => {
    await session.fs.writeFileAsync('/data/edit.txt', 'alpha beta gamma')
    expect((await session.fs.editFileAsync('/data/edit.txt', [{ oldText: 'beta', newText: 'BETA' }], { dryRun: true })).success).toBe(true)
    expect(await firstValueFrom(session.fs.readFile('/data/edit.txt'))).toBe('alpha beta gamma')
    const edits = [
      { oldText: 'alpha', newText: 'one' },
      { oldText: 'gamma', newText: 'three' },
    ]
    expect((await session.fs.editFileAsync('/data/edit.txt', edits)).success).toBe(true)
    expect(await firstValueFrom(session.fs.readFile('/data/edit.txt'))).toBe('one beta three')
    await expect(firstValueFrom(session.fs.editFile('/data/edit.txt', [{ oldText: 'absent', newText: 'x' }]))).rejects.toBeInstanceOf(ToolError)
    expect(await firstValueFrom(session.fs.readFile('/data/edit.txt'))).toBe('one beta three')
  })

  it('searchFiles finds names recursively, honours excludePatterns, and reads "No matches found" as none', async () => {
    await session.fs.writeFileAsync('/proj/src/main.ts', 'x')
    await session.fs.writeFileAsync('/proj/src/util/helper.ts', 'x')
    await session.fs.writeFileAsync('/proj/node_modules/dep/index.ts', 'x')
    await session.fs.writeFileAsync('/proj/README.md', 'x')
    expect(await session.fs.searchFilesAsync('/proj', '*.ts', { excludePatterns: ['node_modules'] })).toMatchObject({
      success: true,
      matches: ['/proj/src/main.ts', '/proj/src/util/helper.ts'],
    })
    expect(await firstValueFrom(session.fs.searchFiles('/proj', '*.ts'))).toContain('/proj/node_modules/dep/index.ts')
    expect(await firstValueFrom(session.fs.searchFiles('/proj', '*.py'))).toEqual([])
  })

  it('readMultipleFiles returns each file exactly, an empty one and contents with colons and --- lines included', async () => {
    const files = {
      '/multi/a.txt': 'first: line\n---\nnot a separator\n',
      '/multi/empty.txt': '',
      '/multi/c.txt': 'last',
    }
    for (const [path, content] of Object.entries(files)) await session.fs.writeFileAsync(path, content)
    expect(await session.fs.readMultipleFilesAsync(Object.keys(files))).toMatchObject({ success: true, contents: files })
    const missing = await session.fs.readMultipleFilesAsync(['/multi/a.txt', '/multi/missing.txt'])
    expect(missing).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'read_multiple_files' } })
  })

  it('listDirectory, createDirectory, deleteFile and getFileChange', async () => {
    expect((await session.fs.createDirectoryAsync('/tree/sub')).success).toBe(true)
    await session.fs.writeFileAsync('/tree/file.txt', 'v1')
    expect(await firstValueFrom(session.fs.listDirectory('/tree'))).toEqual([
      { name: 'sub', isDirectory: true },
      { name: 'file.txt', isDirectory: false },
    ])
    expect(await session.fs.getFileChangeAsync('/tree')).toMatchObject({ success: true, events: [] }) // the first call takes the baseline
    await session.fs.writeFileAsync('/tree/file.txt', 'version 2')
    await session.fs.writeFileAsync('/tree/sub/new.txt', 'new')
    expect(await firstValueFrom(session.fs.getFileChange('/tree'))).toEqual([
      { eventType: 'modify', path: '/tree/file.txt', pathType: 'file' },
      { eventType: 'create', path: '/tree/sub/new.txt', pathType: 'file' },
    ])
    expect((await session.fs.deleteFileAsync('/tree/file.txt')).success).toBe(true)
    expect(await firstValueFrom(session.fs.listDirectory('/tree'))).toEqual([{ name: 'sub', isDirectory: true }])
    expect(await firstValueFrom(session.fs.getFileChange('/tree'))).toEqual([{ eventType: 'delete', path: '/tree/file.txt', pathType: 'file' }])
  })

  it('watchDirectory emits the changes made after its baseline poll', async () => {
    await session.fs.createDirectoryAsync('/watched')
    const before = toolCalls()
    const first = firstValueFrom(session.fs.watchDirectory('/watched', { intervalMs: 20 }))
    await eventually(async () => toolCalls() >= before + 2) // polls are sequential: the second one means the baseline was answered
    await session.fs.writeFileAsync('/watched/new.txt', 'hi')
    expect(await first).toEqual([{ eventType: 'create', path: '/watched/new.txt', pathType: 'file' }])
  })
})
