import { defer, map, type Observable } from 'rxjs'
import type { AsyncOptions } from '../shared/adapters.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import { requireOptions, requireText } from '../shared/arguments.js'
import { ToolError } from '../shared/errors/tool-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import type { Rpc } from '../rpc/rpc.js'
import type { DirectoryEntry } from './types.js'

/** The text a tool answered, with the request id. */
export interface ToolOutput {
  readonly requestId: string
  readonly text: string
}

export interface ReadFileOptions extends AsyncOptions {
  /** `utf8` (default) returns the text; `base64` returns the bytes base64-encoded. */
  readonly encoding?: 'utf8' | 'base64'
}

export interface WriteFileOptions extends AsyncOptions {
  /** Default `overwrite`. */
  readonly mode?: 'overwrite' | 'append'
}

/**
 * `session.fs`: files inside the running session, over `CallMcpTool` (`read_file`, `write_file`,
 * `list_directory`, `delete_file`, `create_directory`).
 *
 * Each method (`readFile`, `writeFile`, …) returns a cold Observable that emits the value once and
 * errors with the typed error (a tool reporting `isError` gives a `ToolError`); its Promise form
 * `…Async` resolves to `{ success, requestId, …, errorMessage?, error? }` like the reference SDK.
 *
 * @example
 * await session.fs.writeFileAsync('/home/wuying/data/a.bin', new Uint8Array([1, 2, 3]))
 * const read = await session.fs.readBytesAsync('/home/wuying/data/a.bin')
 */
export class FileSystem {
  constructor(
    readonly sessionId: string,
    private readonly rpc: Rpc,
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

  readFile(path: string, options: Pick<ReadFileOptions, 'encoding'> = {}): Observable<string> {
    return defer(() => this.read(path, readOptions(options, 'readFile').encoding)).pipe(map((out) => out.text))
  }

  /** The file's bytes (read as base64 and decoded). */
  readBytes(path: string): Observable<Uint8Array> {
    return this.read(path, 'base64').pipe(map((out) => decodeBase64(out.text)))
  }

  /** Strings are written as UTF-8 text; bytes go base64-encoded with `encoding: 'base64'`. */
  writeFile(path: string, content: string | Uint8Array, options: Pick<WriteFileOptions, 'mode'> = {}): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      const { mode = 'overwrite' } = writeOptions(options, 'writeFile')
      if (mode !== 'overwrite' && mode !== 'append') throw new ValidationError(`mode must be 'overwrite' or 'append', got ${JSON.stringify(mode)}`)
      if (typeof content === 'string') return this.callTool('write_file', { path, content, mode })
      if (content instanceof Uint8Array) {
        return this.callTool('write_file', { path, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64'), mode, encoding: 'base64' })
      }
      throw new ValidationError('content must be a string or a Uint8Array')
    })
  }

  /** Entries from the tool's `[DIR] name` / `[FILE] name` lines. */
  listDirectory(path: string): Observable<DirectoryEntry[]> {
    return this.withPath('list_directory', path).pipe(map((out) => parseDirectoryListing(out.text)))
  }

  deleteFile(path: string): Observable<ToolOutput> {
    return this.withPath('delete_file', path)
  }

  createDirectory(path: string): Observable<ToolOutput> {
    return this.withPath('create_directory', path)
  }

  // ---- Promise forms -------------------------------------------------------------------------

  async readFileAsync(path: string, options: ReadFileOptions = {}): Promise<Outcome<{ requestId: string; content: string }>> {
    const { encoding, signal } = readOptions(options, 'readFileAsync')
    return toOutcome(this.read(path, encoding).pipe(map((out) => ({ requestId: out.requestId, content: out.text }))), signal)
  }

  async readBytesAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; data: Uint8Array }>> {
    const { signal } = signalOnly(options, 'readBytesAsync')
    return toOutcome(this.read(path, 'base64').pipe(map((out) => ({ requestId: out.requestId, data: decodeBase64(out.text) }))), signal)
  }

  async writeFileAsync(path: string, content: string | Uint8Array, options: WriteFileOptions = {}): Promise<Outcome<{ requestId: string }>> {
    const { signal, ...write } = writeOptions(options, 'writeFileAsync')
    return toOutcome(this.writeFile(path, content, write).pipe(map(requestIdOnly)), signal)
  }

  async listDirectoryAsync(path: string, options: AsyncOptions = {}): Promise<Outcome<{ requestId: string; entries: DirectoryEntry[] }>> {
    const { signal } = signalOnly(options, 'listDirectoryAsync')
    const listed$ = this.withPath('list_directory', path).pipe(map((out) => ({ requestId: out.requestId, entries: parseDirectoryListing(out.text) })))
    return toOutcome(listed$, signal)
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

  private read(path: string, encoding: 'utf8' | 'base64' | undefined): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'base64') {
        throw new ValidationError(`encoding must be 'utf8' or 'base64', got ${JSON.stringify(encoding)}`)
      }
      return this.callTool('read_file', encoding === undefined ? { path } : { path, encoding })
    })
  }

  private withPath(tool: string, path: string): Observable<ToolOutput> {
    return defer(() => {
      requireText(path, 'path')
      return this.callTool(tool, { path })
    })
  }
}

/** Parses `list_directory` output: one `[DIR] name` or `[FILE] name` per line; other lines are skipped. */
export function parseDirectoryListing(text: string): DirectoryEntry[] {
  const entries: DirectoryEntry[] = []
  for (const line of text.split(/\r?\n/)) {
    const match = /^\[(DIR|FILE)\]\s(.+)$/.exec(line)
    if (match !== null) entries.push({ name: match[2] ?? '', isDirectory: match[1] === 'DIR' })
  }
  return entries
}

/** `writeFile(path, text, 'append')` is the official SDK's mode; read as {} it would overwrite. */
const writeOptions = <O extends Pick<WriteFileOptions, 'mode'>>(options: O | undefined, method: string): O =>
  requireOptions(options, `fs.${method}(path, content, options)`, `fs.${method}(path, content, { mode: 'append' })`)

const readOptions = <O extends Pick<ReadFileOptions, 'encoding'>>(options: O | undefined, method: string): O =>
  requireOptions(options, `fs.${method}(path, options)`, `fs.${method}(path, { encoding: 'base64' })`)

const signalOnly = (options: AsyncOptions | undefined, method: string): AsyncOptions =>
  requireOptions(options, `fs.${method}(path, options)`, `fs.${method}(path, { signal })`)

const requestIdOnly = (out: ToolOutput): { requestId: string } => ({ requestId: out.requestId })
const decodeBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'))
