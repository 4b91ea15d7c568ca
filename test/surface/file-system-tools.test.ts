// Issue 12 item 6 with a fake transport, in virtual time: the chunked read's requests, cancelling it
// midway, every new session.fs Observable's completion, error and unsubscribe paths, the strict
// parsers of the tool texts, and argument checks before any request.
import { firstValueFrom, take, type Observable } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, DecodeError, READ_CHUNK_BYTES, ToolError, ValidationError, WRITE_CHUNK_BYTES, type FileSystem } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport, type RawResponse } from '../../src/testing/index.js'
import { parseFileInfo, parseMultipleFiles, parseSearchResults, parseFileChanges, decodeBinaryChunk } from '../../src/wire/file-tools.js'
import { createTestScheduler } from '../helpers/marbles.js'
import { thrown } from '../helpers/thrown.js'

let fake: FakeTransport
let scheduler: TestScheduler

beforeEach(() => {
  fake = createFakeTransport()
  scheduler = createTestScheduler()
})

const fsOf = (withScheduler = false): FileSystem =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, ...(withScheduler ? { scheduler } : {}) }).session('s-1').fs
const toolAnswer = (text: string, isError = false): RawResponse => jsonResponse({ ...okBody({ content: [{ type: 'text', text }], isError }), RequestId: 'req-tool' })
const argsOf = (index: number) => JSON.parse(fake.requestsOf('CallMcpTool')[index]?.params['Args'] ?? '{}') as Record<string, unknown>
const toolNames = () => fake.requestsOf('CallMcpTool').map((request) => request.params['Name'])

/** Answers `get_file_info` with `size` and each `read_file` chunk with `length` bytes of base64 (or `chunk(args)`). */
function fileOfSize(size: number, chunk: (args: { offset: number; length: number }) => RawResponse = ({ length }) => toolAnswer(Buffer.alloc(length, 7).toString('base64'))) {
  fake.respond('CallMcpTool', (request) => {
    const args = JSON.parse(request.params['Args'] ?? '{}') as { offset: number; length: number }
    return request.params['Name'] === 'get_file_info' ? toolAnswer(`name: f\npath: /f\nsize: ${size}\nisDirectory: false`) : chunk(args)
  })
}

describe('the chunked read (calls doc §1.3)', () => {
  it('asks get_file_info first, then read_file chunks of 61440 bytes with offset and length, binary as format: binary', async () => {
    const size = 2 * READ_CHUNK_BYTES + 100
    fileOfSize(size)
    const bytes = await firstValueFrom(fsOf().readBytes('/f'))
    expect(bytes.length).toBe(size)
    expect(toolNames()).toEqual(['get_file_info', 'read_file', 'read_file', 'read_file'])
    expect([1, 2, 3].map(argsOf)).toEqual([
      { path: '/f', offset: 0, length: 61440, format: 'binary' },
      { path: '/f', offset: 61440, length: 61440, format: 'binary' },
      { path: '/f', offset: 122880, length: 100, format: 'binary' },
    ])
  })

  it('text chunks omit format and are joined; chunkSize sets the chunk', async () => {
    fileOfSize(10, ({ offset, length }) => toolAnswer('abcdefghij'.slice(offset, offset + length)))
    expect(await fsOf().readFileAsync('/f', { chunkSize: 4 })).toMatchObject({ success: true, content: 'abcdefghij', requestId: 'req-tool' })
    expect([1, 2, 3].map(argsOf)).toEqual([
      { path: '/f', offset: 0, length: 4 },
      { path: '/f', offset: 4, length: 4 },
      { path: '/f', offset: 8, length: 2 },
    ])
  })

  it('an empty file reads as nothing without a read_file call; a folder is refused with the official message', async () => {
    fileOfSize(0)
    expect(await fsOf().readFileAsync('/f')).toMatchObject({ success: true, content: '' })
    expect(toolNames()).toEqual(['get_file_info'])
    fake.respond('CallMcpTool', toolAnswer('size: 0\nisDirectory: true'))
    const error = await firstValueFrom(fsOf().readBytes('/d')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ToolError)
    expect(error).toMatchObject({ tool: 'read_file', message: expect.stringContaining('Path does not exist or is a directory: /d') })
  })

  it('a chunk that is not strict base64, or shorter than asked, is a DecodeError (the official loop would truncate silently)', async () => {
    fileOfSize(6, () => toolAnswer('AAEC\nAwQF'))
    await expect(firstValueFrom(fsOf().readBytes('/f'))).rejects.toMatchObject({ name: 'DecodeError', path: 'read_file.content' })
    fileOfSize(6, () => toolAnswer('AAEC'))
    await expect(firstValueFrom(fsOf().readBytes('/f'))).rejects.toThrow(/expected 6 bytes, got 3/)
  })

  it('a failed chunk ends the read at once: no further chunk is asked for', () => {
    scheduler.run(({ expectObservable }) => {
      fileOfSize(30, ({ offset }) => (offset === 10 ? toolAnswer('disk on fire', true) : toolAnswer(Buffer.alloc(10).toString('base64'))))
      expectObservable(fsOf(true).readBytes('/f', { chunkSize: 10 })).toBe('#', undefined, new ToolError('disk on fire', { action: 'CallMcpTool', tool: 'read_file', requestId: 'req-tool' }))
    })
    expect(toolNames()).toEqual(['get_file_info', 'read_file', 'read_file'])
  })

  it('unsubscribing mid-read cancels the chunk in flight and sends no further chunk request', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('CallMcpTool', (request) => {
        const args = JSON.parse(request.params['Args'] ?? '{}') as { length: number }
        const text = request.params['Name'] === 'get_file_info' ? 'size: 50\nisDirectory: false' : Buffer.alloc(args.length).toString('base64')
        return scheduler.createColdObservable('--(a|)', { a: toolAnswer(text) })
      })
      // info answers at 2, chunk 0 at 4, chunk 1 would at 6: unsubscribe at 5.
      expectObservable(fsOf(true).readBytes('/f', { chunkSize: 10 }), '^----!').toBe('------')
    })
    expect(fake.requestsOf('CallMcpTool').map((request) => request.state)).toEqual(['answered', 'answered', 'cancelled'])
    expect(argsOf(2)).toMatchObject({ offset: 10 })
  })
})

describe('the chunked write (calls doc §1.5)', () => {
  const chunksSent = () => fake.requestsOf('CallMcpTool').map((_request, index) => argsOf(index))

  it('text over WRITE_CHUNK_BYTES goes in calls of at most that many UTF-8 bytes, whole characters, the first with the mode and the rest appended', async () => {
    fake.respond('CallMcpTool', toolAnswer('ok'))
    const text = 'ab€'.repeat(30_000) // 150 000 bytes; 5-byte units, so chunk ends fall inside a character
    expect(await fsOf().writeFileAsync('/big.txt', text, { mode: 'create_new' })).toEqual({ success: true, requestId: 'req-tool' })
    const sent = chunksSent() as { path: string; content: string; mode: string }[]
    expect(sent.map((chunk) => chunk.mode)).toEqual(['create_new', 'append', 'append'])
    expect(sent.every((chunk) => chunk.path === '/big.txt' && Buffer.byteLength(chunk.content) <= WRITE_CHUNK_BYTES && !chunk.content.includes('\uFFFD'))).toBe(true)
    expect(sent.map((chunk) => chunk.content).join('')).toBe(text)
  })

  it('bytes that are not UTF-8 are refused before any chunk: write_file takes text, no base64 encoding (issue 12)', async () => {
    fake.respond('CallMcpTool', toolAnswer('ok'))
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251)
    await expect(fsOf().writeFileAsync('/big.bin', bytes)).rejects.toThrow(/not valid UTF-8.*session\.files\.upload/)
    expect(chunksSent()).toEqual([])
  })

  it('a refused first chunk (create_new on an existing file) sends no append', async () => {
    fake.respond('CallMcpTool', toolAnswer('/big.txt: already exists', true))
    const result = await fsOf().writeFileAsync('/big.txt', 'x'.repeat(2 * WRITE_CHUNK_BYTES), { mode: 'create_new' })
    expect(result).toMatchObject({ success: false, error: { name: 'ToolError', tool: 'write_file' } })
    expect(fake.requestsOf('CallMcpTool')).toHaveLength(1)
  })
})

// ---- every new Observable: completion, error, unsubscribe ----------------------------------------

const INFO = 'name: a.txt\npath: /a.txt\nsize: 3\nisDirectory: false\nmodTime: 2025-01-01T00:00:00Z\nmode: rw-r--r--'
const CASES: readonly { readonly name: string; readonly call: (fs: FileSystem) => Observable<unknown>; readonly text: string; readonly value: unknown }[] = [
  { name: 'getFileInfo', call: (fs) => fs.getFileInfo('/a.txt'), text: INFO, value: { name: 'a.txt', path: '/a.txt', size: 3, isDirectory: false, modTime: '2025-01-01T00:00:00Z', mode: 'rw-r--r--' } },
  { name: 'moveFile', call: (fs) => fs.moveFile('/a', '/b'), text: 'moved', value: { requestId: 'req-tool', text: 'moved' } },
  { name: 'editFile', call: (fs) => fs.editFile('/a', [{ oldText: 'x', newText: 'y' }]), text: 'edited', value: { requestId: 'req-tool', text: 'edited' } },
  { name: 'readMultipleFiles', call: (fs) => fs.readMultipleFiles(['/a', '/b']), text: '/a:\nA\n\n---\n/b:\nB\n', value: { '/a': 'A', '/b': 'B' } },
  { name: 'searchFiles', call: (fs) => fs.searchFiles('/', '*.ts'), text: '/x.ts\n/y/z.ts', value: ['/x.ts', '/y/z.ts'] },
  { name: 'getFileChange', call: (fs) => fs.getFileChange('/'), text: '[{"eventType":"create","path":"/n","pathType":"file"}]', value: [{ eventType: 'create', path: '/n', pathType: 'file' }] },
  { name: 'writeFile create_new', call: (fs) => fs.writeFile('/a', 'x', { mode: 'create_new' }), text: 'written', value: { requestId: 'req-tool', text: 'written' } },
]

describe.each(CASES)('session.fs.$name()', ({ call, text, value }) => {
  const answerAfter = (marble: string, response: RawResponse) => fake.respond('CallMcpTool', () => scheduler.createColdObservable(marble, { a: response }))

  it('emits the parsed value once and completes', () => {
    scheduler.run(({ expectObservable }) => {
      answerAfter('-(a|)', toolAnswer(text))
      expectObservable(call(fsOf(true))).toBe('-(v|)', { v: value })
    })
    expect(fake.requestsOf('CallMcpTool')).toHaveLength(1)
  })

  it('errors with a ToolError when the tool reports isError', () => {
    scheduler.run(({ expectObservable }) => {
      answerAfter('-(a|)', toolAnswer('Error: refused', true))
      expectObservable(call(fsOf(true))).toBe('-#', undefined, { name: 'ToolError', kind: 'tool', message: 'CallMcpTool failed: Error: refused (requestId req-tool)' })
    })
  })

  it('unsubscribing before the answer cancels the request', () => {
    scheduler.run(({ expectObservable }) => {
      answerAfter('---(a|)', toolAnswer(text))
      expectObservable(call(fsOf(true)), '^-!').toBe('--')
    })
    expect(fake.requests.map((request) => request.state)).toEqual(['cancelled'])
  })
})

describe('session.fs sends what the official SDK sends', () => {
  it('move_file source/destination, edit_file edits/dryRun, read_multiple_files paths, search_files excludePatterns only when non-empty', async () => {
    fake.respond('CallMcpTool', (request) => toolAnswer(request.params['Name'] === 'read_multiple_files' ? '/a:\nA\n' : 'ok'))
    const fs = fsOf()
    await fs.moveFileAsync('/a', '/b')
    await fs.editFileAsync('/a', [{ oldText: 'x', newText: 'y' }])
    await fs.editFileAsync('/a', [{ oldText: 'x', newText: 'y' }], { dryRun: true })
    await fs.readMultipleFilesAsync(['/a'])
    await fs.searchFilesAsync('/', '*.ts')
    await fs.searchFilesAsync('/', '*.ts', { excludePatterns: ['node_modules'] })
    await fs.writeFileAsync('/a', 'x', { mode: 'create_new' })
    expect([0, 1, 2, 3, 4, 5, 6].map(argsOf)).toEqual([
      { source: '/a', destination: '/b' },
      { path: '/a', edits: [{ oldText: 'x', newText: 'y' }], dryRun: false },
      { path: '/a', edits: [{ oldText: 'x', newText: 'y' }], dryRun: true },
      { paths: ['/a'] },
      { path: '/', pattern: '*.ts' },
      { path: '/', pattern: '*.ts', excludePatterns: ['node_modules'] },
      { path: '/a', content: 'x', mode: 'create_new' },
    ])
    expect(toolNames()).toEqual(['move_file', 'edit_file', 'edit_file', 'read_multiple_files', 'search_files', 'search_files', 'write_file'])
  })

  it('refuses bad arguments with a ValidationError naming them, before any request', async () => {
    const fs = fsOf()
    const refusals: [() => Promise<unknown>, RegExp][] = [
      [() => fs.moveFileAsync('/a', ''), /destination/],
      [() => fs.editFileAsync('/a', []), /edits/],
      [() => fs.editFileAsync('/a', [{ oldText: 'x' }] as never), /edits/],
      [() => fs.editFileAsync('/a', [{ oldText: 'x', newText: 'y' }], { dryRun: 'yes' as never }), /dryRun/],
      [() => fs.readMultipleFilesAsync([]), /paths/],
      [() => fs.readMultipleFilesAsync(['/a', '']), /paths\[1\]/],
      [() => fs.searchFilesAsync('/', ''), /pattern/],
      [() => fs.searchFilesAsync('/', '*', { excludePatterns: 'node_modules' as never }), /excludePatterns/],
      [() => fs.readFileAsync('/a', { chunkSize: 0 }), /chunkSize/],
      [() => fs.readBytesAsync('/a', { chunkSize: 1.5 }), /chunkSize/],
      [() => fs.writeFileAsync('/a', 'x', { mode: 'truncate' as never }), /mode must be one of 'overwrite', 'append', 'create_new'/],
      [() => fs.getFileChangeAsync(''), /path/],
      [() => firstValueFrom(fs.getFileInfo(' ')), /path/],
    ]
    for (const [call, message] of refusals) {
      const error = await call().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as Error).message).toMatch(message)
    }
    expect(fake.requests).toHaveLength(0)
  })
})

describe('the tool-text parsers (calls doc §1.2–§1.8)', () => {
  it('get_file_info: split at the first colon, size and isDirectory required, Go fallbacks for modTime and mode', () => {
    const emulatorText = 'name: a\npath: /a\nsize: 12\nisDirectory: false\nisFile: true\ncreated: 2025-01-01T00:00:00.000Z\nmodified: 2025-01-02T03:04:05.000Z\naccessed: x\npermissions: 644'
    expect(parseFileInfo(emulatorText)).toEqual({
      name: 'a',
      path: '/a',
      size: 12,
      isDirectory: false,
      isFile: true,
      modTime: '2025-01-02T03:04:05.000Z',
      mode: '644',
      created: '2025-01-01T00:00:00.000Z',
      modified: '2025-01-02T03:04:05.000Z',
      accessed: 'x',
      permissions: '644',
    })
    expect(parseFileInfo('size: 5\nisDirectory: TRUE')).toEqual({ name: '', path: '', size: 5, isDirectory: true })
    for (const [text, path] of [
      ['isDirectory: false', 'get_file_info.size'],
      ['size: 1e3\nisDirectory: false', 'get_file_info.size'],
      ['size: -1\nisDirectory: false', 'get_file_info.size'],
      ['size: 3', 'get_file_info.isDirectory'],
      ['size: 3\nisDirectory: yes', 'get_file_info.isDirectory'],
      ['{"content":[]}', 'get_file_info.size'], // what TS parses into an all-default info and then an empty read
    ] as const) {
      expect(() => parseFileInfo(text, { requestId: 'r-1' }), text).toThrow(DecodeError)
      expect(thrown(() => parseFileInfo(text, { requestId: 'r-1' }))).toMatchObject({ path, requestId: 'r-1', action: 'CallMcpTool' })
    }
  })

  it('read_multiple_files: blocks read by the requested paths, exactly', () => {
    const text = ['/a:\nx: y\n---\nz\n\n', '/b:\n\n', '/c:\nend\n'].join('\n---\n')
    expect(parseMultipleFiles(text, ['/a', '/b', '/c'])).toEqual({ '/a': 'x: y\n---\nz\n', '/b': '', '/c': 'end' })
    expect(thrown(() => parseMultipleFiles('/a:\nA\n', ['/b']))).toMatchObject({ name: 'DecodeError', path: 'read_multiple_files[0]' })
    expect(thrown(() => parseMultipleFiles('/a:\nA\n', ['/a', '/b']))).toMatchObject({ name: 'DecodeError', path: 'read_multiple_files[1]' })
  })

  it('search_files: one path per line, "No matches found" is none; get_file_change: strict JSON events; binary chunks: strict base64', () => {
    expect(parseSearchResults('No matches found')).toEqual([])
    expect(parseSearchResults(' /a.txt \n\n/b.txt\n')).toEqual(['/a.txt', '/b.txt'])
    expect(parseFileChanges('[]')).toEqual([])
    expect(thrown(() => parseFileChanges('not json'))).toBeInstanceOf(DecodeError)
    expect(thrown(() => parseFileChanges('[{"eventType":"rename","path":"/a","pathType":"file"}]'))).toMatchObject({ name: 'DecodeError', path: '[0].eventType' })
    expect([...decodeBinaryChunk('AP8B', 3)]).toEqual([0, 255, 1])
    for (const bad of ['AP8', 'AP8B ', 'AP-B', 'A===']) expect(thrown(() => decodeBinaryChunk(bad, 3)), bad).toBeInstanceOf(DecodeError)
  })
})

describe('session.fs.watchDirectory() in virtual time (the official watchDirectory)', () => {
  const events = (path: string) => JSON.stringify([{ eventType: 'modify', path, pathType: 'file' }])
  /** get_file_change answers, one per call, a frame after each request. */
  const changes = (...answers: RawResponse[]) =>
    fake.respond('CallMcpTool', (_request, index) => scheduler.createColdObservable('-(a|)', { a: answers[Math.min(index, answers.length - 1)]! }))

  it('polls at once, then intervalMs after each answer, and emits only non-empty batches', () => {
    scheduler.run(({ expectObservable }) => {
      changes(toolAnswer('[]'), toolAnswer(events('/w/a')), toolAnswer('[]'), toolAnswer(events('/w/b')))
      // polls leave at 0, 11, 22, 33 and answer a frame later.
      expectObservable(fsOf(true).watchDirectory('/w', { intervalMs: 10 }).pipe(take(2))).toBe('12ms a 21ms (b|)', {
        a: [{ eventType: 'modify', path: '/w/a', pathType: 'file' }],
        b: [{ eventType: 'modify', path: '/w/b', pathType: 'file' }],
      })
    })
    expect(fake.requestsOf('CallMcpTool').map((request) => [request.params['Name'], request.params['Args']])).toEqual(Array(4).fill(['get_file_change', '{"path":"/w"}']))
  })

  it('without intervalMs, polls every 500 ms after each answer (the README and the official default)', () => {
    scheduler.run(({ expectObservable }) => {
      changes(toolAnswer('[]'), toolAnswer(events('/w/a')))
      // the first poll leaves at 0 and answers at 1; the second leaves 500 ms later and answers at 502.
      expectObservable(fsOf(true).watchDirectory('/w').pipe(take(1))).toBe('502ms (a|)', {
        a: [{ eventType: 'modify', path: '/w/a', pathType: 'file' }],
      })
    })
    expect(fake.requestsOf('CallMcpTool')).toHaveLength(2)
  })

  it('skips a poll that failed transiently, and ends with the error of a tool failure', () => {
    scheduler.run(({ expectObservable }) => {
      changes(toolAnswer('[]'), jsonResponse({ RequestId: 'r-503', Code: 'ServiceUnavailable', Message: 'busy' }, 503), toolAnswer('Error: session expired', true))
      expectObservable(fsOf(true).watchDirectory('/w', { intervalMs: 10 })).toBe('23ms #', undefined, {
        name: 'ToolError',
        kind: 'tool',
        message: 'CallMcpTool failed: Error: session expired (requestId req-tool)',
      })
    })
    expect(fake.requestsOf('CallMcpTool')).toHaveLength(3)
  })

  it('unsubscribing stops the polling: nothing more is sent', () => {
    scheduler.run(({ expectObservable }) => {
      changes(toolAnswer('[]'))
      expectObservable(fsOf(true).watchDirectory('/w', { intervalMs: 10 }), '^-------------!').toBe('')
    })
    expect(fake.requestsOf('CallMcpTool').map((request) => request.state)).toEqual(['answered', 'answered'])
  })

  it('refuses a bad path or interval before any request', async () => {
    for (const [call, message] of [
      [() => fsOf().watchDirectory(''), /path/],
      [() => fsOf().watchDirectory('/w', { intervalMs: 0 }), /intervalMs/],
      [() => fsOf().watchDirectory('/w', 500 as never), /options must be an object/],
    ] as const) {
      await expect(firstValueFrom(call())).rejects.toThrow(message)
    }
    expect(fake.requests).toHaveLength(0)
  })
})
