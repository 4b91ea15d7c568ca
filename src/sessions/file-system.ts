import { asyncScheduler, concatMap, defer, filter, from, map, range, toArray, type Observable, type SchedulerLike } from 'rxjs'
import type { AsyncOptions } from '../shared/adapters.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import { SIGNAL_ONLY, describeChoice, describeValue, requireBoolean, requireNonBlank, requireOptions, requireText, requirePositiveInteger, withSignal, type KnownKeys } from '../shared/arguments.js'
import { ToolError } from '../shared/errors/tool-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import type { Rpc } from '../rpc/rpc.js'
import { poll } from '../rpc/poll.js'
import { fixedSchedule } from '../rpc/poll-schedule.js'
import { requireDelay } from '../shared/duration.js'
import {
  READ_CHUNK_BYTES,
  decodeBinaryChunk,
  parseDirectoryListing,
  parseFileChanges,
  parseFileInfo,
  parseMultipleFiles,
  parseSearchResults,
  splitWriteContent,
  type DirectoryEntry,
  type FileChangeEvent,
  type FileInfo,
} from '../wire/file-tools.js'

/** The text a tool answered, with the request id. */
export interface ToolOutput {
  readonly requestId: string
  readonly text: string
}

export interface ReadFileOptions extends AsyncOptions {
  /** `utf8` (default) returns the text; `base64` returns the bytes base64-encoded. */
  readonly encoding?: 'utf8' | 'base64'
  /** Bytes per `read_file` call. Default 61440 (60 KiB, the official TypeScript SDK's chunk). */
  readonly chunkSize?: number
}

/** calls doc §1.5: the three modes the official TypeScript SDK accepts. */
export const WRITE_MODES = ['overwrite', 'append', 'create_new'] as const
export type WriteMode = (typeof WRITE_MODES)[number]

export interface WriteFileOptions extends AsyncOptions {
  /** Default `overwrite`; `create_new` fails (ToolError) when the file exists. */
  readonly mode?: WriteMode
}

/** One exact-text replacement of `editFile` (calls doc §1.9). */
export interface FileEdit {
  readonly oldText: string
  readonly newText: string
}

export interface EditFileOptions extends AsyncOptions {
  /** Check the edits without writing. Default false. */
  readonly dryRun?: boolean
}

export interface WatchDirectoryOptions {
  /** Delay between `get_file_change` calls, ms (> 0). Default 500, the official TypeScript SDK's. */
  readonly intervalMs?: number
}

// The keys each fs method reads (complete at compile time; unknown keys are refused, issue 12).
const READ_BYTES_KEYS = { chunkSize: true } as const satisfies KnownKeys<Pick<ReadFileOptions, 'chunkSize'>>
const READ_FILE_KEYS = { ...READ_BYTES_KEYS, encoding: true } as const satisfies KnownKeys<Pick<ReadFileOptions, 'encoding' | 'chunkSize'>>
const WRITE_FILE_KEYS = { mode: true } as const satisfies KnownKeys<Pick<WriteFileOptions, 'mode'>>
const EDIT_FILE_KEYS = { dryRun: true } as const satisfies KnownKeys<Pick<EditFileOptions, 'dryRun'>>
const SEARCH_FILES_KEYS = { excludePatterns: true } as const satisfies KnownKeys<Pick<SearchFilesOptions, 'excludePatterns'>>

/** The official `watchDirectory` polls every 500 ms (calls doc §1.8). */
export const WATCH_DEFAULTS = { intervalMs: 500 } as const
const WATCH_KEYS = { intervalMs: true } as const satisfies KnownKeys<WatchDirectoryOptions>

export interface SearchFilesOptions extends AsyncOptions {
  /** Names or relative paths to leave out (wildcards as in `pattern`). */
  readonly excludePatterns?: readonly string[]
}

/**
 * `session.fs`: files inside the running session, over `CallMcpTool` — every tool of the official
 * file-system module (calls doc §1): `get_file_info`, `read_file` (chunked), `write_file`,
 * `edit_file`, `move_file`, `read_multiple_files`, `search_files`, `list_directory`,
 * `create_directory`, `delete_file`, `get_file_change`.
 *
 * Each method returns a cold Observable that emits the value once and errors with the typed error
 * (a tool reporting `isError` gives a `ToolError`, output in an unexpected format a `DecodeError`);
 * unsubscribing aborts the request in flight and sends nothing more. Its Promise form `…Async`
 * resolves to `{ success, requestId, …, errorMessage?, error? }` like the reference SDK.
 *
 * Reads follow the official algorithm: `get_file_info` for the size, then `read_file` with
 * `offset`/`length` in chunks of `chunkSize` bytes (`format: "binary"` for bytes).
 *
 * @example
 * await session.fs.writeFileAsync('/home/wuying/data/a.txt', 'hello')
 * const read = await session.fs.readBytesAsync('/home/wuying/data/a.txt')
 */
export class FileSystem {
  constructor(
    readonly sessionId: string,
    private readonly rpc: Rpc,
    /** Times `watchDirectory` (the client passes its own, so tests can run it in virtual time). */
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  // ---- observables ---------------------------------------------------------------------------

  /** Calls any MCP tool of the session; `isError: true` becomes a `ToolError`. */
  callTool(name: string, args: Readonly<Record<string, unknown>>): Observable<ToolOutput> {
    return defer(() => {
      requireText(name, 'tool name')
      return this.rpc('CallMcpTool', { SessionId: this.sessionId, Name: name, Args: JSON.stringify(args) })
    }).pipe(
      map((body) => {
        const requestId = body.RequestId ?? ''
        const text = body.Data.content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('')
        if (body.Data.isError === true) throw new ToolError(text || 'the tool reported an error', { action: 'CallMcpTool', tool: name, requestId })
        return { requestId, text }
      }),
    )
  }

  /** `get_file_info`: size, kind and times of a file or folder. */
  getFileInfo(path: string): Observable<FileInfo> {
    return this.fileInfo(path).pipe(map((out) => out.fileInfo))
  }

  /** The whole file as text (UTF-8), read in chunks; with `encoding: 'base64'` its bytes base64-encoded. */
  readFile(path: string, options: Pick<ReadFileOptions, 'encoding' | 'chunkSize'> = {}): Observable<string> {
    return defer(() => this.readContent(path, readOptions(options, 'readFile', READ_FILE_KEYS))).pipe(map((out) => out.content))
  }

  /** The file's bytes, read in `format: "binary"` chunks. */
  readBytes(path: string, options: Pick<ReadFileOptions, 'chunkSize'> = {}): Observable<Uint8Array> {
    return defer(() => this.readBinary(path, chunkSizeOf(readOptions(options, 'readBytes', READ_BYTES_KEYS)))).pipe(map((out) => out.data))
  }

  /**
   * Writes text: `write_file` takes text only (calls doc §1.5). Bytes are written when they are
   * valid UTF-8 (as the text they encode, so the file holds exactly those bytes); any other bytes
   * are a `ValidationError` pointing to `session.files.upload(bytes, remotePath)`, and nothing is
   * sent — the service would otherwise store something else. Content over `WRITE_CHUNK_BYTES` goes
   * in several `write_file` calls, as the official SDKs send it: the first with `mode`, the rest
   * with `append` (unsubscribing between them leaves a partial file). Emits the first call's
   * output (its `requestId`, as the reference reports).
   */
  writeFile(path: string, content: string | Uint8Array, options: Pick<WriteFileOptions, 'mode'> = {}): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      const { mode = 'overwrite' } = writeOptions(options, 'writeFile', WRITE_FILE_KEYS)
      if (!(WRITE_MODES as readonly unknown[]).includes(mode)) throw new ValidationError(`mode must be one of ${WRITE_MODES.map((m) => `'${m}'`).join(', ')}, got ${describeChoice(mode, WRITE_MODES)}`)
      const text = textOf(content)
      return from(splitWriteContent(text)).pipe(
        concatMap((chunk, index) => this.callTool('write_file', { path, content: chunk, mode: index === 0 ? mode : 'append' })),
        toArray(),
        map((outputs) => outputs[0]!),
      )
    })
  }

  /** `edit_file`: each `{ oldText, newText }` replaces exact text, in order; with `dryRun` nothing is written. */
  editFile(path: string, edits: readonly FileEdit[], options: Pick<EditFileOptions, 'dryRun'> = {}): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      requireEdits(edits)
      const { dryRun = false } = requireOptions(options, 'fs.editFile(path, edits, options)', 'fs.editFile(path, edits, { dryRun: true })', EDIT_FILE_KEYS)
      requireBoolean(dryRun, 'dryRun')
      return this.callTool('edit_file', { path, edits: edits.map(({ oldText, newText }) => ({ oldText, newText })), dryRun })
    })
  }

  /** `move_file`: a file or folder to a new path (also a rename). */
  moveFile(source: string, destination: string): Observable<ToolOutput> {
    return defer(() => {
      requireText(source, 'source')
      requireText(destination, 'destination')
      return this.callTool('move_file', { source, destination })
    })
  }

  /** `read_multiple_files`: the text of each path, keyed by the path as given. */
  readMultipleFiles(paths: readonly string[]): Observable<Record<string, string>> {
    return this.multipleFiles(paths).pipe(map((out) => out.contents))
  }

  /** `search_files`: the paths under `path` whose names match `pattern` (`*`, `?` wildcards), recursively. */
  searchFiles(path: string, pattern: string, options: Pick<SearchFilesOptions, 'excludePatterns'> = {}): Observable<string[]> {
    return this.search(path, pattern, options).pipe(map((out) => out.matches))
  }

  /** Entries from the tool's `[DIR] name` / `[FILE] name` lines. */
  listDirectory(path: string): Observable<DirectoryEntry[]> {
    return this.listing(path).pipe(map((out) => out.entries))
  }

  /** `get_file_change`: what changed under `path` since the previous call for it. */
  getFileChange(path: string): Observable<FileChangeEvent[]> {
    return this.fileChanges(path).pipe(map((out) => out.events))
  }

  /**
   * The official `watchDirectory`, as a stream: `get_file_change` at once (the baseline), then
   * every `intervalMs` after the previous answer; emits each non-empty batch of events. Runs until
   * unsubscribed; a transient failure skips a poll, any other error ends it (the official SDK stops
   * only on an expired or invalid session and logs the rest).
   *
   * @example
   * const watch = session.fs.watchDirectory('/home/wuying/data').subscribe((events) => console.log(events))
   */
  watchDirectory(path: string, options: WatchDirectoryOptions = {}): Observable<FileChangeEvent[]> {
    return defer(() => {
      requireText(path, 'path')
      const { intervalMs = WATCH_DEFAULTS.intervalMs } = requireOptions(options, 'fs.watchDirectory(path, options)', 'fs.watchDirectory(path, { intervalMs: 500 })', WATCH_KEYS)
      requireDelay(intervalMs, 'intervalMs', true)
      return poll({ request: () => this.getFileChange(path), schedule: fixedSchedule(intervalMs), scheduler: this.scheduler })
    }).pipe(filter((events) => events.length > 0))
  }

  deleteFile(path: string): Observable<ToolOutput> {
    return this.withPath('delete_file', path)
  }

  createDirectory(path: string): Observable<ToolOutput> {
    return this.withPath('create_directory', path)
  }

  // ---- Promise forms -------------------------------------------------------------------------

  async getFileInfoAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; fileInfo: FileInfo }>> {
    const { signal } = signalOnly(options, 'getFileInfoAsync')
    return toOutcome(this.fileInfo(path), signal)
  }

  /** `requestId` is the `get_file_info` call's, as in the reference. */
  async readFileAsync(path: string, options: ReadFileOptions = {}): Promise<Outcome<{ requestId: string; content: string }>> {
    const { signal, ...read } = readOptions(options, 'readFileAsync', withSignal(READ_FILE_KEYS))
    return toOutcome(this.readContent(path, read), signal)
  }

  async readBytesAsync(path: string, options: Pick<ReadFileOptions, 'chunkSize' | 'signal'> = {}): Promise<Outcome<{ requestId: string; data: Uint8Array }>> {
    const { signal, ...read } = readOptions(options, 'readBytesAsync', withSignal(READ_BYTES_KEYS))
    return toOutcome(defer(() => this.readBinary(path, chunkSizeOf(read))), signal)
  }

  async writeFileAsync(path: string, content: string | Uint8Array, options: WriteFileOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal, ...write } = writeOptions(options, 'writeFileAsync', withSignal(WRITE_FILE_KEYS))
    return toOutcome(this.writeFile(path, content, write).pipe(map(requestIdOnly)), signal)
  }

  async editFileAsync(path: string, edits: readonly FileEdit[], options: EditFileOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal, ...edit } = requireOptions(options, 'fs.editFileAsync(path, edits, options)', 'fs.editFileAsync(path, edits, { dryRun: true })', withSignal(EDIT_FILE_KEYS))
    return toOutcome(this.editFile(path, edits, edit).pipe(map(requestIdOnly)), signal)
  }

  async moveFileAsync(source: string, destination: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal } = requireOptions(options, 'fs.moveFileAsync(source, destination, options)', 'fs.moveFileAsync(source, destination, { signal })', SIGNAL_ONLY)
    return toOutcome(this.moveFile(source, destination).pipe(map(requestIdOnly)), signal)
  }

  async readMultipleFilesAsync(paths: readonly string[], options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; contents: Record<string, string> }>> {
    const { signal } = requireOptions(options, 'fs.readMultipleFilesAsync(paths, options)', 'fs.readMultipleFilesAsync(paths, { signal })', SIGNAL_ONLY)
    return toOutcome(this.multipleFiles(paths), signal)
  }

  async searchFilesAsync(path: string, pattern: string, options: SearchFilesOptions = {}): Promise<Outcome<{ requestId: string; matches: string[] }>> {
    const { signal, ...search } = requireOptions(options, 'fs.searchFilesAsync(path, pattern, options)', "fs.searchFilesAsync(path, pattern, { excludePatterns: ['node_modules'] })", withSignal(SEARCH_FILES_KEYS))
    return toOutcome(this.search(path, pattern, search), signal)
  }

  async listDirectoryAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; entries: DirectoryEntry[] }>> {
    const { signal } = signalOnly(options, 'listDirectoryAsync')
    return toOutcome(this.listing(path), signal)
  }

  async getFileChangeAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; events: FileChangeEvent[] }>> {
    const { signal } = signalOnly(options, 'getFileChangeAsync')
    return toOutcome(this.fileChanges(path), signal)
  }

  async deleteFileAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal } = signalOnly(options, 'deleteFileAsync')
    return toOutcome(this.deleteFile(path).pipe(map(requestIdOnly)), signal)
  }

  async createDirectoryAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal } = signalOnly(options, 'createDirectoryAsync')
    return toOutcome(this.createDirectory(path).pipe(map(requestIdOnly)), signal)
  }

  // ---- internals -----------------------------------------------------------------------------

  private fileInfo(path: string): Observable<{ requestId: string; fileInfo: FileInfo }> {
    return this.withPath('get_file_info', path).pipe(map((out) => ({ requestId: out.requestId, fileInfo: parseFileInfo(out.text, { requestId: out.requestId }) })))
  }

  private listing(path: string): Observable<{ requestId: string; entries: DirectoryEntry[] }> {
    return this.withPath('list_directory', path).pipe(map((out) => ({ requestId: out.requestId, entries: parseDirectoryListing(out.text) })))
  }

  private fileChanges(path: string): Observable<{ requestId: string; events: FileChangeEvent[] }> {
    return this.withPath('get_file_change', path).pipe(map((out) => ({ requestId: out.requestId, events: parseFileChanges(out.text, { requestId: out.requestId }) })))
  }

  private readContent(path: string, options: Pick<ReadFileOptions, 'encoding' | 'chunkSize'>): Observable<{ requestId: string; content: string }> {
    return defer(() => {
      const { encoding = 'utf8' } = options
      if (encoding !== 'utf8' && encoding !== 'base64') throw new ValidationError(`encoding must be 'utf8' or 'base64', got ${describeChoice(encoding, ['utf8', 'base64'])}`)
      const chunkSize = chunkSizeOf(options)
      if (encoding === 'base64') return this.readBinary(path, chunkSize).pipe(map(({ requestId, data }) => ({ requestId, content: Buffer.from(data).toString('base64') })))
      return this.readChunks(path, chunkSize, (offset, length) => this.callTool('read_file', { path, offset, length }).pipe(map((out) => out.text))).pipe(
        map(({ requestId, chunks }) => ({ requestId, content: chunks.join('') })),
      )
    })
  }

  private readBinary(path: string, chunkSize: number): Observable<{ requestId: string; data: Uint8Array }> {
    const readChunk = (offset: number, length: number) =>
      this.callTool('read_file', { path, offset, length, format: 'binary' }).pipe(map((out) => decodeBinaryChunk(out.text, length, { requestId: out.requestId })))
    return this.readChunks(path, chunkSize, readChunk).pipe(map(({ requestId, chunks }) => ({ requestId, data: new Uint8Array(Buffer.concat(chunks)) })))
  }

  /**
   * calls doc §1.3: `get_file_info` for the size, then one `read_file` per `chunkSize` bytes, one
   * at a time (`concatMap`: the next chunk is asked for only after the previous one arrived, so
   * unsubscribing stops the read). A folder is refused; a size of 0 reads nothing.
   */
  private readChunks<T>(path: string, chunkSize: number, readChunk: (offset: number, length: number) => Observable<T>): Observable<{ requestId: string; chunks: T[] }> {
    return this.fileInfo(path).pipe(
      concatMap(({ requestId, fileInfo }) => {
        if (fileInfo.isDirectory) throw new ToolError(`Path does not exist or is a directory: ${path}`, { action: 'CallMcpTool', tool: 'read_file', requestId })
        const { size } = fileInfo
        return range(0, Math.ceil(size / chunkSize)).pipe(
          concatMap((index) => readChunk(index * chunkSize, Math.min(chunkSize, size - index * chunkSize))),
          toArray(),
          map((chunks) => ({ requestId, chunks })),
        )
      }),
    )
  }

  private multipleFiles(paths: readonly string[]): Observable<{ requestId: string; contents: Record<string, string> }> {
    return defer(() => {
      if (!Array.isArray(paths) || paths.length === 0) throw new ValidationError(`paths must be a non-empty array of paths, got ${describeValue(paths)}`)
      paths.forEach((path: unknown, index) => requireText(path, `paths[${index}]`))
      const requested = [...paths]
      return this.callTool('read_multiple_files', { paths: requested }).pipe(
        map((out) => ({ requestId: out.requestId, contents: parseMultipleFiles(out.text, requested, { requestId: out.requestId }) })),
      )
    })
  }

  private search(path: string, pattern: string, options: Pick<SearchFilesOptions, 'excludePatterns'>): Observable<{ requestId: string; matches: string[] }> {
    return defer(() => {
      requireText(path, 'path')
      requireNonBlank(pattern, 'pattern')
      const { excludePatterns = [] } = requireOptions(options, 'fs.searchFiles(path, pattern, options)', "fs.searchFiles(path, pattern, { excludePatterns: ['node_modules'] })", SEARCH_FILES_KEYS)
      if (!Array.isArray(excludePatterns) || !excludePatterns.every((item: unknown) => typeof item === 'string'))
        throw new ValidationError(`excludePatterns must be an array of strings, got ${describeValue(excludePatterns)}`)
      // TS sends the array only when non-empty (calls doc §1.7).
      const args = excludePatterns.length > 0 ? { path, pattern, excludePatterns: [...excludePatterns] } : { path, pattern }
      return this.callTool('search_files', args).pipe(map((out) => ({ requestId: out.requestId, matches: parseSearchResults(out.text) })))
    })
  }

  private withPath(tool: string, path: string): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      return this.callTool(tool, { path })
    })
  }
}

/** `writeFile(path, text, 'append')` is the official SDK's mode; read as {} it would overwrite. */
const writeOptions = <O extends WriteFileOptions>(options: O | undefined, method: 'writeFile' | 'writeFileAsync', keys: KnownKeys<O>): O =>
  requireOptions(options, `fs.${method}(path, content, options)`, `fs.${method}(path, content, { mode: 'append' })`, keys)

const readOptions = <O extends ReadFileOptions>(options: O | undefined, method: 'readFile' | 'readFileAsync' | 'readBytes' | 'readBytesAsync', keys: KnownKeys<O>): O =>
  requireOptions(options, `fs.${method}(path, options)`, `fs.${method}(path, ${method.startsWith('readBytes') ? '{ chunkSize: 61440 }' : "{ encoding: 'base64' }"})`, keys)

const signalOnly = (options: AsyncOptions | undefined, method: string): AsyncOptions =>
  requireOptions(options, `fs.${method}(path, options)`, `fs.${method}(path, { signal })`, SIGNAL_ONLY)

/** Fatal: bytes that are not UTF-8 must be refused, never replaced with U+FFFD; a BOM is kept as written. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** `writeFile`'s content as the text `write_file` takes (calls doc §1.5: text only, binary goes by upload). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!(content instanceof Uint8Array)) throw new ValidationError('content must be a string or a Uint8Array')
  try {
    return utf8.decode(content)
  } catch {
    throw new ValidationError(
      `fs.writeFile(path, content): content is ${content.length} bytes that are not valid UTF-8, and write_file takes text only; upload binary files with session.files.upload(bytes, remotePath)`,
    )
  }
}

const chunkSizeOf = (options: Pick<ReadFileOptions, 'chunkSize'>): number => {
  const chunkSize = options.chunkSize ?? READ_CHUNK_BYTES
  requirePositiveInteger(chunkSize, 'chunkSize')
  return chunkSize
}

function requireEdits(edits: unknown): asserts edits is readonly FileEdit[] {
  const valid =
    Array.isArray(edits) &&
    edits.length > 0 &&
    edits.every((edit: unknown) => typeof edit === 'object' && edit !== null && typeof (edit as FileEdit).oldText === 'string' && typeof (edit as FileEdit).newText === 'string')
  if (!valid) throw new ValidationError('edits must be a non-empty array of { oldText, newText } strings')
}

const requestIdOnly = (out: ToolOutput): { requestId: string } => ({ requestId: out.requestId })
