import * as t from 'io-ts'
import { DecodeError } from '../shared/errors/decode-error.js'
import { decodeOrThrow } from './codecs/decode.js'
import { JsonFromString } from './codecs/json-from-string.js'

// The text formats of the session file tools (calls doc §1), parsed strictly: where the official
// parsers guess (TS truncates values at a second colon, reads an unparseable size as 0 and so an
// empty file), these throw a `DecodeError` naming the tool and the field.

// ---- model ---------------------------------------------------------------------------------------

/** Bytes per `read_file` call of a chunked read: the official TypeScript SDK's 60 KiB (calls doc §1.3). */
export const READ_CHUNK_BYTES = 61_440

/**
 * Most UTF-8 bytes of text one `write_file` call carries: the Python SDK's 52224, cut at a
 * character boundary (its comment: the service's 63 KiB message limit). TS counts 61440 UTF-16
 * units instead, which non-ASCII text can push past that limit (calls doc §1.5).
 */
export const WRITE_CHUNK_BYTES = 52_224

/** What a parse failure is tied to: the tool and the request that answered. */
export interface ToolTextDetails {
  readonly requestId?: string
}

/** `get_file_info` (calls doc §1.2). `modTime`/`mode` fall back to `modified`/`permissions`, as Go maps them. */
export interface FileInfo {
  readonly name: string
  readonly path: string
  /** Bytes; 0 for a directory. */
  readonly size: number
  readonly isDirectory: boolean
  readonly isFile?: boolean
  readonly modTime?: string
  readonly mode?: string
  readonly owner?: string
  readonly group?: string
  readonly created?: string
  readonly modified?: string
  readonly accessed?: string
  readonly permissions?: string
}

/** An entry of `list_directory` (calls doc §1.4). */
export interface DirectoryEntry {
  readonly name: string
  readonly isDirectory: boolean
}

/** One `get_file_change` event (calls doc §1.8). */
export const FileChangeEvent = /*#__PURE__*/ t.type(
  {
    eventType: t.keyof({ create: null, modify: null, delete: null }),
    path: t.string,
    pathType: t.keyof({ file: null, directory: null }),
  },
  'FileChangeEvent',
)
export type FileChangeEvent = t.TypeOf<typeof FileChangeEvent>

const FileChangesFromString = /*#__PURE__*/ JsonFromString.pipe(t.array(FileChangeEvent), 'FileChangesFromString')

// ---- parsers -------------------------------------------------------------------------------------

/**
 * `get_file_info`: `key: value` lines, split at the first colon (values such as timestamps keep
 * theirs). `size` must be a decimal byte count and `isDirectory` `true`/`false`: both drive a
 * chunked read, so a guess would return the wrong bytes with success.
 */
export function parseFileInfo(text: string, details: ToolTextDetails = {}): FileInfo {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  const size = fields.get('size')
  if (size === undefined || !/^\d+$/.test(size) || !Number.isSafeInteger(Number(size)))
    malformed('get_file_info', 'size', `expected a decimal byte count, got ${describe(size)}`, text, details)
  const isDirectory = booleanField(fields, 'isDirectory', text, details)
  if (isDirectory === undefined) malformed('get_file_info', 'isDirectory', 'expected true or false, got nothing', text, details)
  const isFile = booleanField(fields, 'isFile', text, details)
  const optional: Record<string, string | boolean | undefined> = {
    isFile,
    modTime: fields.get('modTime') ?? fields.get('modified'),
    mode: fields.get('mode') ?? fields.get('permissions'),
    owner: fields.get('owner'),
    group: fields.get('group'),
    created: fields.get('created'),
    modified: fields.get('modified'),
    accessed: fields.get('accessed'),
    permissions: fields.get('permissions'),
  }
  const info: Record<string, unknown> = { name: fields.get('name') ?? '', path: fields.get('path') ?? '', size: Number(size), isDirectory }
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) info[key] = value
  return info as unknown as FileInfo
}

/** `list_directory`: one `[DIR] name` or `[FILE] name` per line; other lines are skipped (as the official parsers do). */
export function parseDirectoryListing(text: string): DirectoryEntry[] {
  const entries: DirectoryEntry[] = []
  for (const line of text.split(/\r?\n/)) {
    const match = /^\[(DIR|FILE)\]\s(.+)$/.exec(line)
    if (match !== null) entries.push({ name: match[2] ?? '', isDirectory: match[1] === 'DIR' })
  }
  return entries
}

/**
 * `read_multiple_files`: for each requested path in order, a `<path>:` line, the content and a
 * newline, the blocks joined by `\n---\n` (calls doc §1.6). Read by the requested paths rather
 * than by the official heuristics (a header is "a line with a colon and no space"), so contents
 * holding colons, `---` lines or trailing newlines come back exactly.
 */
export function parseMultipleFiles(text: string, paths: readonly string[], details: ToolTextDetails = {}): Record<string, string> {
  const contents: Record<string, string> = {}
  let at = 0
  paths.forEach((path, index) => {
    const header = `${path}:\n`
    if (!text.startsWith(header, at)) malformed('read_multiple_files', `[${index}]`, `expected the block of ${JSON.stringify(path)}`, text, details)
    const start = at + header.length
    const next = paths[index + 1]
    let end = text.length
    if (next !== undefined) {
      end = text.indexOf(`\n---\n${next}:\n`, start)
      if (end < 0) malformed('read_multiple_files', `[${index + 1}]`, `expected the block of ${JSON.stringify(next)} after a --- line`, text, details)
    }
    const block = text.slice(start, end)
    contents[path] = block.endsWith('\n') ? block.slice(0, -1) : block
    at = end + '\n---\n'.length
  })
  return contents
}

/** `search_files`: one path per line; the text `No matches found` is no match (as Python reads it; TS returns it as a match). */
export function parseSearchResults(text: string): string[] {
  if (text.trim() === 'No matches found') return []
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/** `get_file_change`: a JSON array of `{eventType, path, pathType}` (the official SDKs read anything else as "no changes"). */
export function parseFileChanges(text: string, details: ToolTextDetails = {}): FileChangeEvent[] {
  return decodeOrThrow(FileChangesFromString, text, { action: 'CallMcpTool', ...details, body: text })
}

/**
 * A `read_file` chunk in `format: "binary"`: standard base64 (alphabet, `=` padding, no
 * whitespace — what the TS SDK checks) of exactly `expectedBytes` bytes. A short chunk is an error:
 * the official loop advances by the requested length and would silently drop the gap.
 */
export function decodeBinaryChunk(text: string, expectedBytes: number, details: ToolTextDetails = {}): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) malformed('read_file', 'content', 'expected standard base64', text, details)
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== expectedBytes) malformed('read_file', 'content', `expected ${expectedBytes} bytes, got ${bytes.length}`, text, details)
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

// ---- serialisers --------------------------------------------------------------------------------

/**
 * calls doc §1.5: `write_file` contents (text only) of at most `WRITE_CHUNK_BYTES` UTF-8 bytes
 * each, cut at character boundaries. Always at least one chunk, so an empty file is written too.
 */
export function splitWriteContent(content: string): string[] {
  if (content.length * 3 <= WRITE_CHUNK_BYTES) return [content]
  const bytes = Buffer.from(content, 'utf8')
  const chunks: string[] = []
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(bytes.length, start + WRITE_CHUNK_BYTES)
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1 // never split a character
    chunks.push(bytes.subarray(start, end).toString('utf8'))
    start = end
  }
  return chunks.length === 0 ? [''] : chunks
}

// ---- internals -----------------------------------------------------------------------------------

function booleanField(fields: ReadonlyMap<string, string>, key: string, text: string, details: ToolTextDetails): boolean | undefined {
  const value = fields.get(key)
  if (value === undefined) return undefined
  const lower = value.toLowerCase()
  if (lower !== 'true' && lower !== 'false') malformed('get_file_info', key, `expected true or false, got ${describe(value)}`, text, details)
  return lower === 'true'
}

function malformed(tool: string, field: string, reason: string, text: string, details: ToolTextDetails): never {
  throw new DecodeError(`unexpected ${tool} output: ${reason}`, {
    action: 'CallMcpTool',
    ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
    path: field.startsWith('[') ? `${tool}${field}` : `${tool}.${field}`,
    body: text,
  })
}

const describe = (value: string | undefined): string => (value === undefined ? 'nothing' : JSON.stringify(value.slice(0, 40)))
