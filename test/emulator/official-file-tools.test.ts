// The file tools the official file-system module calls (protocol §1), driven through the official
// OpenAPI core with the official argument names, and read back with re-implementations of the
// official parsers (TS `filesystem.ts`, Python `filesystem.py`, as protocol §1.2–§1.9 describe them).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { useEmulator } from './helpers.js'
import { ClientError, OfficialToolClient } from './official-tool-client.js'

// ---- the official parsers and algorithms, re-implemented from the protocol notes -------------------

/** TS `parseFileInfo`: `line.split(":", 2)`, so a value loses everything after a second colon. */
function parseFileInfoTs(text: string) {
  const info = { name: '', path: '', size: 0, isDirectory: false, modTime: '', mode: '' }
  for (const line of text.split('\n')) {
    if (!line.includes(':')) continue
    const [key, value = ''] = line.split(':', 2).map((part) => part.trim())
    if (key === 'name') info.name = value
    else if (key === 'path') info.path = value
    else if (key === 'size') info.size = parseInt(value, 10)
    else if (key === 'isDirectory') info.isDirectory = value === 'true'
    else if (key === 'modTime') info.modTime = value
    else if (key === 'mode') info.mode = value
  }
  return info
}

/** Python: split on the first colon, every key kept, numbers and `true`/`false` converted. */
function parseFileInfoPython(text: string): Record<string, string | number | boolean> {
  const info: Record<string, string | number | boolean> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (/^(true|false)$/i.test(value)) info[key] = value.toLowerCase() === 'true'
    else if (/^-?\d+(\.\d+)?$/.test(value)) info[key] = Number(value)
    else info[key] = value
  }
  return info
}

/** TS base64 check before decoding (§1.3): alphabet only, at most two trailing `=`, nothing else. */
const isStrictBase64 = (text: string): boolean => /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0

/**
 * The official chunked read (§1.3): `get_file_info`, then `read_file` chunks of `chunkSize` bytes,
 * advancing by the requested length. Binary chunks are strict base64 of exactly that many bytes.
 */
async function officialReadFile(client: OfficialToolClient, session: string, path: string, format: 'text' | 'bytes', chunkSize: number) {
  const info = await client.tool(session, 'get_file_info', { path })
  if (!info.success) return { success: false as const, errorMessage: info.errorMessage, calls: 0 }
  const { size, isDirectory } = parseFileInfoTs(info.text)
  if (isDirectory) return { success: false as const, errorMessage: `Path does not exist or is a directory: ${path}`, calls: 0 }
  const parts: Buffer[] = []
  let text = ''
  let calls = 0
  for (let offset = 0; offset < (size || 0); ) {
    const length = Math.min(chunkSize, size - offset)
    const chunk = await client.tool(session, 'read_file', { path, offset, length, ...(format === 'bytes' ? { format: 'binary' } : {}) })
    calls += 1
    if (!chunk.success) return { success: false as const, errorMessage: chunk.errorMessage, calls }
    if (format === 'bytes') {
      expect(isStrictBase64(chunk.text)).toBe(true)
      const bytes = Buffer.from(chunk.text, 'base64')
      expect(bytes.length).toBe(length) // the SDK advances by `length`: a short chunk would truncate silently
      parts.push(bytes)
    } else text += chunk.text
    offset += length
  }
  return { success: true as const, bytes: Buffer.concat(parts), text, calls }
}

/** TS `readMultipleFiles` parser (§1.6). */
function parseMultipleFilesTs(text: string): Record<string, string> {
  const contents: Record<string, string> = {}
  let currentPath = ''
  let current: string[] = []
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && currentPath === '' && !line.slice(0, colon).includes(' ')) {
      currentPath = line.slice(0, colon).trim()
      const rest = line.slice(colon + 1).trim()
      if (rest !== '') current.push(rest)
    } else if (line === '---') {
      if (currentPath !== '') contents[currentPath] = current.join('\n')
      currentPath = ''
      current = []
    } else if (currentPath !== '') current.push(line)
  }
  if (currentPath !== '') contents[currentPath] = current.join('\n')
  for (const path of Object.keys(contents)) contents[path] = contents[path]!.replace(/\n+$/, '')
  return contents
}

/** Go's parser (§1.6): split on `\n---\n`, trim, header line ends with `:`, at least two lines. */
function parseMultipleFilesGo(text: string): Record<string, string> {
  const contents: Record<string, string> = {}
  for (const section of text.split('\n---\n')) {
    const lines = section.trim().split('\n')
    if (lines.length < 2 || !lines[0]!.endsWith(':')) continue
    contents[lines[0]!.slice(0, -1)] = lines.slice(1).join('\n')
  }
  return contents
}

/** TS `parseDirectoryListing` (§1.4). */
const parseListingTs = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('[DIR]') || line.startsWith('[FILE]'))
    .map((line) => ({ name: line.replace(/^\[(DIR|FILE)\]/, '').trim(), isDirectory: line.startsWith('[DIR]') }))

const TS_CHUNK = 61440
const PYTHON_CHUNK = 51200

// ---- tests -----------------------------------------------------------------------------------------

describe('the official file-system module against the emulator (protocol §1)', () => {
  const env = useEmulator()

  async function start(): Promise<{ emulator: Emulator; client: OfficialToolClient; session: string }> {
    const emulator = await env.start()
    const client = OfficialToolClient.for(emulator)
    return { emulator, client, session: await client.createSession() }
  }

  /** Seeds a file through the emulator's own byte write (`encoding: base64`, the agentbay-rx extension). */
  async function seed(client: OfficialToolClient, session: string, path: string, bytes: Buffer): Promise<void> {
    const written = await client.tool(session, 'write_file', { path, content: bytes.toString('base64'), mode: 'overwrite', encoding: 'base64' })
    expect(written).toMatchObject({ success: true })
  }

  it('get_file_info answers key: value lines the TS and Python parsers read (§1.2)', async () => {
    const { client, session } = await start()
    await seed(client, session, '/home/wuying/docs/report.txt', Buffer.from('twelve bytes'))
    const info = await client.tool(session, 'get_file_info', { path: '/home/wuying/docs/report.txt' })
    expect(info.success).toBe(true)
    const ts = parseFileInfoTs(info.text)
    expect(ts).toMatchObject({ name: 'report.txt', path: '/home/wuying/docs/report.txt', size: 12, isDirectory: false, mode: 'rw-r--r--' })
    const python = parseFileInfoPython(info.text)
    expect(python).toMatchObject({ name: 'report.txt', size: 12, isDirectory: false, isFile: true })
    expect(typeof python['permissions']).toBe('number') // Go maps it to Mode; Python made it numeric
    expect(Date.parse(python['modified'] as string)).toBeGreaterThan(Date.parse('2020-01-01'))
    expect(python['modTime']).toBe(python['modified'])
    // Every line is `key: value` with a plain decimal size, so Go's exact-key parser reads it too.
    expect(info.text.split('\n').every((line) => /^[A-Za-z]+: \S/.test(line))).toBe(true)
    expect(info.text).toMatch(/^size: 12$/m)

    const folder = parseFileInfoTs((await client.tool(session, 'get_file_info', { path: '/home/wuying/docs' })).text)
    expect(folder).toMatchObject({ name: 'docs', isDirectory: true })
    const missing = await client.tool(session, 'get_file_info', { path: '/home/wuying/docs/none.txt' })
    expect(missing).toMatchObject({ success: false, errorMessage: '/home/wuying/docs/none.txt: no such file or directory' })
  })

  it('reads a binary file larger than the chunk size in byte chunks, reassembled byte-identical (§1.3)', async () => {
    const { client, session } = await start()
    const original = randomBytes(2 * TS_CHUNK + 12345)
    await seed(client, session, '/tmp/big.bin', original)
    const ts = await officialReadFile(client, session, '/tmp/big.bin', 'bytes', TS_CHUNK)
    expect(ts).toMatchObject({ success: true, calls: 3 })
    expect(ts.success && ts.bytes.equals(original)).toBe(true)
    const python = await officialReadFile(client, session, '/tmp/big.bin', 'bytes', PYTHON_CHUNK)
    expect(python).toMatchObject({ success: true, calls: 3 })
    expect(python.success && python.bytes.equals(original)).toBe(true)
    // One range, directly: exactly those bytes.
    const middle = await client.tool(session, 'read_file', { path: '/tmp/big.bin', offset: 70000, length: 10, format: 'binary' })
    expect(Buffer.from(middle.text, 'base64').equals(original.subarray(70000, 70010))).toBe(true)
    // `length` 0 reads to the end (§1.3); an offset past the end is a tool error.
    const tail = await client.tool(session, 'read_file', { path: '/tmp/big.bin', offset: original.length - 5, length: 0, format: 'binary' })
    expect(Buffer.from(tail.text, 'base64').equals(original.subarray(-5))).toBe(true)
    const past = await client.tool(session, 'read_file', { path: '/tmp/big.bin', offset: original.length + 1, length: 1, format: 'binary' })
    expect(past.success).toBe(false)
  })

  it('reads text in byte chunks so that characters straddling a chunk boundary survive concatenation', async () => {
    const { client, session } = await start()
    const text = 'aé€😀\n'.repeat(15000) // 11 bytes per repeat: boundaries fall inside multi-byte sequences
    await client.tool(session, 'write_file', { path: '/tmp/unicode.txt', content: text, mode: 'overwrite' })
    const read = await officialReadFile(client, session, '/tmp/unicode.txt', 'text', TS_CHUNK)
    expect(read).toMatchObject({ success: true, calls: Math.ceil(Buffer.byteLength(text) / TS_CHUNK) })
    expect(read.success && read.text === text).toBe(true)
    const empty = await client.tool(session, 'write_file', { path: '/tmp/empty.txt', content: '', mode: 'overwrite' })
    expect(empty.success).toBe(true)
    expect(await officialReadFile(client, session, '/tmp/empty.txt', 'text', TS_CHUNK)).toMatchObject({ success: true, text: '', calls: 0 })
  })

  it('write_file: create_new refuses an existing file and keeps it; append and overwrite as named (§1.5)', async () => {
    const { client, session } = await start()
    const path = '/home/wuying/new/created.txt'
    expect(await client.tool(session, 'write_file', { path, content: 'first', mode: 'create_new' })).toMatchObject({ success: true })
    const again = await client.tool(session, 'write_file', { path, content: 'second', mode: 'create_new' })
    expect(again).toMatchObject({ success: false, errorMessage: `${path}: already exists` })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('first')
    await client.tool(session, 'write_file', { path, content: ' + more', mode: 'append' })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('first + more')
    await client.tool(session, 'write_file', { path, content: 'replaced', mode: 'overwrite' })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('replaced')
    // Go omits `mode` when empty: overwrite.
    await client.tool(session, 'write_file', { path, content: 'go default' })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('go default')
    const bad = await client.tool(session, 'write_file', { path, content: 'x', mode: 'truncate' })
    expect(bad).toMatchObject({ success: false, errorMessage: 'Invalid mode: truncate. Must be one of overwrite, append, create_new' })
  })

  it('move_file moves files and folders, creates the destination folder, never replaces (§1.1)', async () => {
    const { client, session } = await start()
    await client.tool(session, 'write_file', { path: '/data/a.txt', content: 'A', mode: 'overwrite' })
    await client.tool(session, 'write_file', { path: '/data/b.txt', content: 'B', mode: 'overwrite' })
    expect(await client.tool(session, 'move_file', { source: '/data/a.txt', destination: '/archive/2026/a.txt' })).toMatchObject({ success: true })
    expect((await client.tool(session, 'read_file', { path: '/archive/2026/a.txt' })).text).toBe('A')
    // The TS integration test requires reading a moved-away file to fail (via get_file_info).
    expect(await officialReadFile(client, session, '/data/a.txt', 'text', TS_CHUNK)).toMatchObject({ success: false })
    const clash = await client.tool(session, 'move_file', { source: '/data/b.txt', destination: '/archive/2026/a.txt' })
    expect(clash).toMatchObject({ success: false, errorMessage: '/archive/2026/a.txt: already exists' })
    expect((await client.tool(session, 'read_file', { path: '/archive/2026/a.txt' })).text).toBe('A')
    expect(await client.tool(session, 'move_file', { source: '/archive', destination: '/old/archive' })).toMatchObject({ success: true })
    expect((await client.tool(session, 'read_file', { path: '/old/archive/2026/a.txt' })).text).toBe('A')
    expect(await client.tool(session, 'move_file', { source: '/old', destination: '/old/inner' })).toMatchObject({ success: false })
    expect(await client.tool(session, 'move_file', { source: '/nothing', destination: '/x' })).toMatchObject({
      success: false,
      errorMessage: '/nothing: no such file or directory',
    })
  })

  it('list_directory, read_multiple_files, search_files and delete_file answer the parsed formats (§1.4, §1.6, §1.7)', async () => {
    const { client, session } = await start()
    for (const [path, content] of [
      ['/w/one.txt', 'Content 1'],
      ['/w/two.txt', ''],
      ['/w/sub/three.py', 'Content 3\nline 2'],
      ['/w/node_modules/m.py', 'dep'],
    ] as const)
      await client.tool(session, 'write_file', { path, content, mode: 'overwrite' })

    expect(parseListingTs((await client.tool(session, 'list_directory', { path: '/w' })).text)).toEqual([
      { name: 'node_modules', isDirectory: true },
      { name: 'sub', isDirectory: true },
      { name: 'one.txt', isDirectory: false },
      { name: 'two.txt', isDirectory: false },
    ])

    const paths = ['/w/one.txt', '/w/two.txt', '/w/sub/three.py']
    const multiple = await client.tool(session, 'read_multiple_files', { paths })
    expect(parseMultipleFilesTs(multiple.text)).toEqual({ '/w/one.txt': 'Content 1', '/w/two.txt': '', '/w/sub/three.py': 'Content 3\nline 2' })
    expect(parseMultipleFilesGo(multiple.text)).toEqual({ '/w/one.txt': 'Content 1', '/w/sub/three.py': 'Content 3\nline 2' }) // Go drops empty files
    expect(await client.tool(session, 'read_multiple_files', { paths: ['/w/one.txt', '/w/none.txt'] })).toMatchObject({
      success: false,
      errorMessage: '/w/none.txt: no such file or directory',
    })

    const lines = async (args: Record<string, unknown>) => (await client.tool(session, 'search_files', args)).text.split('\n')
    expect(await lines({ path: '/w', pattern: '*.py' })).toEqual(['/w/node_modules/m.py', '/w/sub/three.py'])
    expect(await lines({ path: '/w', pattern: '*.py', excludePatterns: ['node_modules'] })).toEqual(['/w/sub/three.py']) // TS: array
    expect(await lines({ path: '/w', pattern: '*.py', excludePatterns: 'node_modules,sub' })).toEqual(['No matches found']) // Python: comma-joined
    expect(await lines({ path: '/w', pattern: 'o?e.*', exclude_patterns: null })).toEqual(['/w/one.txt']) // Go: always sent
    expect(await lines({ path: '/w', pattern: 'thr' })).toEqual(['/w/sub/three.py'])

    expect(await client.tool(session, 'delete_file', { path: '/w/one.txt' })).toMatchObject({ success: true })
    // Python's delete test requires get_file_info to fail afterwards.
    expect(await client.tool(session, 'get_file_info', { path: '/w/one.txt' })).toMatchObject({ success: false })
  })

  // Closing note of stop 17: untested. A search of something that is not a folder must fail (isError,
  // which every SDK turns into success false and passes the text on, §0.3), never answer
  // `No matches found`, which TS and Go read as a result and Python as an empty list.
  it.skipIf(process.platform === 'win32')('search_files on a file, a missing path or a FIFO fails with a text saying which (§0.3, §1.7)', async () => {
    const { emulator, client, session } = await start()
    await client.tool(session, 'write_file', { path: '/s/file.txt', content: 'match me', mode: 'overwrite' })
    execFileSync('mkfifo', [join(emulator.sessionRoot(session), 's', 'pipe')])
    const search = (path: string) => client.tool(session, 'search_files', { path, pattern: '*' })
    expect(await search('/s/file.txt')).toEqual({ success: false, text: '', errorMessage: '/s/file.txt: not a directory' })
    expect(await search('/s/none')).toEqual({ success: false, text: '', errorMessage: '/s/none: no such file or directory' })
    expect(await search('/s/pipe')).toEqual({ success: false, text: '', errorMessage: '/s/pipe: not a directory' })
  })

  it('edit_file replaces exact text, changes nothing on a miss or a dry run (§1.9)', async () => {
    const { client, session } = await start()
    const path = '/e/config.ini'
    await client.tool(session, 'write_file', { path, content: 'name=old\nport=80\n', mode: 'overwrite' })
    const edit = (edits: unknown, extra: Record<string, unknown> = {}) => client.tool(session, 'edit_file', { path, edits, dryRun: false, ...extra })
    expect(await edit([{ oldText: 'port=80', newText: 'port=8080' }], { dryRun: true })).toMatchObject({ success: true })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('name=old\nport=80\n')
    expect(await edit([{ oldText: 'name=old', newText: 'name=new' }, { oldText: 'absent', newText: 'x' }])).toMatchObject({ success: false })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('name=old\nport=80\n')
    expect(await edit([{ oldText: 'name=old', newText: 'name=new' }, { oldText: 'port=80', newText: 'port=8080' }])).toMatchObject({ success: true })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('name=new\nport=8080\n')
    expect(await client.tool(session, 'edit_file', { path, edits: [{ oldText: 'name=new', newText: 'n' }], dry_run: true })).toMatchObject({ success: true })
    expect((await client.tool(session, 'read_file', { path })).text).toBe('name=new\nport=8080\n') // Go's dry_run honoured
  })

  it('get_file_change reports create, modify and delete since the previous call, as JSON (§1.8)', async () => {
    const { client, session } = await start()
    await client.tool(session, 'write_file', { path: '/watch/keep.txt', content: 'v1', mode: 'overwrite' })
    await client.tool(session, 'write_file', { path: '/watch/gone.txt', content: 'bye', mode: 'overwrite' })
    const changes = async () => JSON.parse((await client.tool(session, 'get_file_change', { path: '/watch' })).text) as unknown[]
    expect(await changes()).toEqual([]) // the first call takes the baseline
    await client.tool(session, 'write_file', { path: '/watch/keep.txt', content: 'version 2', mode: 'overwrite' })
    await client.tool(session, 'delete_file', { path: '/watch/gone.txt' })
    await client.tool(session, 'write_file', { path: '/watch/new/file1.txt', content: 'hi', mode: 'overwrite' })
    expect(await changes()).toEqual([
      { eventType: 'delete', path: '/watch/gone.txt', pathType: 'file' },
      { eventType: 'modify', path: '/watch/keep.txt', pathType: 'file' },
      { eventType: 'create', path: '/watch/new', pathType: 'directory' },
      { eventType: 'create', path: '/watch/new/file1.txt', pathType: 'file' },
    ])
    expect(await changes()).toEqual([])
  })

  it('answers shell and code tools with a clear not-supported tool error, unknown tools as unknown (§0.3)', async () => {
    const { client, session } = await start()
    for (const name of ['shell', 'run_code']) {
      const data = await client.rawTool(session, name, { command: 'ls' })
      expect(data.isError).toBe(true)
      expect(data.content[0]!.text).toContain('not supported by the emulator')
    }
    expect(await client.tool(session, 'no_such_tool', {})).toMatchObject({ success: false, errorMessage: 'Unknown tool: no_such_tool' })
  })

  it('keeps every file tool inside the sandbox: `..` is refused, planted symlinks are not followed', async () => {
    const { emulator, client, session } = await start()
    const outside = await env.tempDir()
    await writeFile(join(outside, 'host.txt'), 'host secret')
    await client.tool(session, 'write_file', { path: '/in/ok.txt', content: 'inside', mode: 'overwrite' })
    const root = emulator.sessionRoot(session)
    await mkdir(join(root, 'in'), { recursive: true })
    await symlink(outside, join(root, 'in', 'escape'))
    await symlink(join(outside, 'host.txt'), join(root, 'in', 'file-link'))

    const refused = async (name: string, args: Record<string, unknown>) => {
      const failure = await client.rawTool(session, name, args).then(() => undefined, (error: unknown) => error)
      expect(failure, `${name} ${JSON.stringify(args)}`).toBeInstanceOf(ClientError)
      expect(failure).toMatchObject({ code: 'InvalidParameter.Path', statusCode: 400 })
    }
    for (const bad of ['/in/../../host.txt', '/in/escape/host.txt', '/in/file-link']) {
      await refused('get_file_info', { path: bad })
      await refused('read_file', { path: bad, offset: 0, length: 5, format: 'binary' })
      await refused('write_file', { path: bad, content: 'x', mode: 'create_new' })
      await refused('edit_file', { path: bad, edits: [{ oldText: 'host', newText: 'pwned' }] })
      await refused('read_multiple_files', { paths: ['/in/ok.txt', bad] })
      await refused('move_file', { source: bad, destination: '/in/stolen.txt' })
      await refused('move_file', { source: '/in/ok.txt', destination: bad })
      await refused('get_file_change', { path: bad })
    }
    await refused('search_files', { path: '/in/escape', pattern: '*' })
    await refused('list_directory', { path: '/in/../..' })
    // Searching and watching walk past the links without following them.
    expect((await client.tool(session, 'search_files', { path: '/', pattern: '*.txt' })).text).toBe('/in/ok.txt')
    expect(await client.tool(session, 'get_file_change', { path: '/' })).toMatchObject({ success: true, text: '[]' })
    expect(await readFile(join(outside, 'host.txt'), 'utf8')).toBe('host secret')
    expect((await client.tool(session, 'read_file', { path: '/in/ok.txt' })).text).toBe('inside')
  })
})
