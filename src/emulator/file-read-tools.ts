import { constants } from 'node:fs'
import { lstat, readdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Stats } from 'node:fs'
import { formatTimestamp } from '../wire/wire-request.js'
import { openUnfollowed } from './fs-ops.js'
import { displayPath, inspectInside, isErrno, toAbsoluteSegments, type SafeSegments } from './paths.js'
import { byteCountArg, ok, onPath, pathArg, ToolFailure, type Tool, type ToolEnvironment, type ToolInput } from './tool-support.js'

/** Most bytes one `read_file` / `read_multiple_files` / `edit_file` call handles (the SDKs read in 50–60 KiB chunks). */
export const MAX_READ_BYTES = 16 * 1024 * 1024
/** Most paths one `search_files` answers with, so a huge sandbox cannot produce an unbounded reply (more is a tool error). */
const MAX_SEARCH_RESULTS = 10_000

/**
 * protocol §1.3: `offset`/`length` select a byte range (`length` 0 = to the end). `format:"binary"`
 * (official SDKs) or the emulator-only `encoding:"base64"` answers standard base64 of exactly those
 * bytes. Text answers the characters that *start* in the range, so a UTF-8 sequence straddling a
 * chunk boundary goes whole to the earlier chunk and the SDKs' concatenated chunks equal the file.
 */
export const readFileTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  const binary = readsBinary(input)
  const offset = byteCountArg(input, 'offset', 0)
  const length = byteCountArg(input, 'length', 0)
  return onPath(segments, async () => {
    const { handle, size } = await openRegularFile(env, segments)
    try {
      if (offset > size) throw new ToolFailure(`offset ${offset} is past the end of ${displayPath(segments)} (${size} bytes)`)
      const end = length === 0 ? size : Math.min(size, offset + length)
      if (end - offset > MAX_READ_BYTES) throw new ToolFailure(`cannot read more than ${MAX_READ_BYTES} bytes at once; use offset and length`)
      if (binary) return ok((await readRange(handle, offset, end)).toString('base64'))
      const start = await characterStart(handle, offset, size)
      const stop = await characterStart(handle, end, size)
      return ok((await readRange(handle, start, stop)).toString('utf8'))
    } finally {
      await handle.close()
    }
  })
}

/**
 * protocol §1.2: `key: value` lines, the union of what the TS, Python and Go parsers read. `size`
 * is a plain decimal byte count (it drives the SDKs' chunked reads); times are whole-second UTC,
 * `2023-01-01T00:00:00Z`, as in the mocks.
 */
export const getFileInfoTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  return onPath(segments, async () => {
    const { info } = await existing(env, segments)
    const modified = formatTimestamp(info.mtime)
    const permissions = (info.mode & 0o777).toString(8).padStart(3, '0')
    return ok(
      [
        `name: ${segments.at(-1) ?? '/'}`,
        `path: ${displayPath(segments)}`,
        `size: ${info.isDirectory() ? 0 : info.size}`,
        `isDirectory: ${info.isDirectory()}`,
        `isFile: ${info.isFile()}`,
        `created: ${formatTimestamp(info.birthtime)}`,
        `modified: ${modified}`,
        `accessed: ${formatTimestamp(info.atime)}`,
        `permissions: ${permissions}`,
        `modTime: ${modified}`,
        `mode: ${symbolicMode(info.mode)}`,
      ].join('\n'),
    )
  })
}

/** protocol §1.4: `[DIR] name` / `[FILE] name` lines, names only, not recursive. */
export const listDirectoryTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  return onPath(segments, async () => {
    const { path: dir } = await inspectInside(env.sandboxRoot, segments, 'path')
    const entries = await readdir(dir, { withFileTypes: true })
    const lines = entries
      .filter((entry) => entry.isDirectory() || entry.isFile())
      .map((entry) => `${entry.isDirectory() ? '[DIR]' : '[FILE]'} ${entry.name}`)
      .sort()
    return ok(lines.join('\n'))
  })
}

/**
 * protocol §1.6: `<path>:\n<content>\n` blocks joined by `\n---\n`, each headed by the path as the
 * caller wrote it (the SDKs key their result by it). One unreadable file fails the whole call:
 * a block that carries an error text would be read back as that file's content.
 */
export const readMultipleFilesTool: Tool = async (input, env) => {
  const paths = input['paths']
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string' && path !== ''))
    throw new ToolFailure('paths must be a non-empty array of strings')
  const files = (paths as string[]).map((raw, index) => ({ raw, segments: toAbsoluteSegments(raw, `paths[${index}]`) }))
  let total = 0
  const blocks: string[] = []
  for (const { raw, segments } of files) {
    const content = await onPath(segments, async () => {
      const { handle, size } = await openRegularFile(env, segments)
      try {
        total += size
        if (total > MAX_READ_BYTES) throw new ToolFailure(`cannot read more than ${MAX_READ_BYTES} bytes at once`)
        return (await readRange(handle, 0, size)).toString('utf8')
      } finally {
        await handle.close()
      }
    })
    blocks.push(`${raw}:\n${content}\n`)
  }
  return ok(blocks.join('\n---\n'))
}

/**
 * protocol §1.7: recursive search of entry names; `*` and `?` are wildcards (a pattern without
 * them matches names containing it). Exclusions (`excludePatterns` as an array or a comma-joined
 * string, Go's `exclude_patterns`) match a name or a path relative to `path`; an excluded folder is
 * not entered. One absolute path per line, or `No matches found`. Symbolic links are never followed.
 */
export const searchFilesTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  const pattern = input['pattern']
  if (typeof pattern !== 'string' || pattern === '') throw new ToolFailure('pattern must be a non-empty string')
  const matches = globMatcher(pattern.includes('*') || pattern.includes('?') ? pattern : `*${pattern}*`)
  const excluded = excludePatternsOf(input).map(globMatcher)
  return onPath(segments, async () => {
    const root = await existingFolder(env, segments)
    const found: string[] = []
    const visit = async (dir: string, relative: readonly string[]): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      for (const entry of entries) {
        if (!entry.isDirectory() && !entry.isFile()) continue
        const path = [...relative, entry.name]
        if (excluded.some((exclude) => exclude(entry.name) || exclude(path.join('/')))) continue
        if (matches(entry.name)) found.push(displayPath([...segments, ...path]))
        // Refused rather than cut short: a truncated list would read as the complete answer.
        if (found.length > MAX_SEARCH_RESULTS) throw new ToolFailure(`more than ${MAX_SEARCH_RESULTS} matches; narrow the pattern or the path`)
        if (entry.isDirectory()) await visit(join(dir, entry.name), path)
      }
    }
    await visit(root, [])
    return ok(found.length === 0 ? 'No matches found' : found.join('\n'))
  })
}

// ---- internals -----------------------------------------------------------------------------------

function readsBinary(input: ToolInput): boolean {
  const format = input['format']
  const encoding = input['encoding']
  if (format !== undefined && format !== 'binary' && format !== 'text') throw new ToolFailure("format must be 'text' or 'binary'")
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8' && encoding !== 'base64')
    throw new ToolFailure("encoding must be 'utf8' or 'base64'")
  return format === 'binary' || encoding === 'base64'
}

/**
 * An existing entry: its host path and stats (no symbolic link on the way); a missing one is a
 * `ToolFailure`. `field` names the argument in a path refusal.
 */
export async function existing(env: ToolEnvironment, segments: SafeSegments, field = 'path'): Promise<{ path: string; info: Stats }> {
  const { path, info } = await inspectInside(env.sandboxRoot, segments, field)
  if (info === undefined) throw new ToolFailure(`${displayPath(segments)}: no such file or directory`)
  return { path, info }
}

/** A folder (no symbolic link on the way): its host path; nothing there, or anything else, is a `ToolFailure` saying which. */
export async function existingFolder(env: ToolEnvironment, segments: SafeSegments): Promise<string> {
  const { path, info } = await existing(env, segments)
  if (!info.isDirectory()) throw new ToolFailure(`${displayPath(segments)}: not a directory`)
  return path
}

/** A file opened by `openChecked`, with its size when opened (the check's own `fstat`, so readers need no second one). */
export interface OpenedFile {
  readonly handle: FileHandle
  readonly size: number
}

/** Opens a regular file for reading; never follows a final symbolic link, never blocks on a FIFO. */
export async function openRegularFile(env: ToolEnvironment, segments: SafeSegments): Promise<OpenedFile & { path: string }> {
  const { path, info } = await existing(env, segments)
  if (info.isDirectory()) throw new ToolFailure(`${displayPath(segments)}: is a directory`)
  refuseSpecialFile(info, segments)
  return { path, ...(await openChecked(path, constants.O_RDONLY, segments)) }
}

/**
 * Opens `path` (a walked tool path) with `flags` through `openUnfollowed` (no final symbolic link
 * followed, never blocking on a FIFO or device planted after the walk looked), then checks what was
 * opened with `refuseSpecialFile`.
 */
export async function openChecked(path: string, flags: number, segments: SafeSegments, mode?: number): Promise<OpenedFile> {
  let opened
  try {
    opened = await openUnfollowed(path, flags, mode)
  } catch (error) {
    if (isErrno(error, 'ENXIO')) refuseSpecialFile(await lstat(path), segments) // a FIFO nobody reads, opened for writing
    throw error
  }
  try {
    refuseSpecialFile(opened.info, segments)
    return { handle: opened.handle, size: opened.info.size }
  } catch (error) {
    await opened.handle.close()
    throw error
  }
}

/**
 * Refuses an entry that is neither a regular file nor a folder (a FIFO, socket or device planted by
 * the host): opening one for reading or writing can block until another process comes.
 */
export function refuseSpecialFile(info: Stats | undefined, segments: SafeSegments): void {
  if (info !== undefined && !info.isFile() && !info.isDirectory()) throw new ToolFailure(`${displayPath(segments)}: not a regular file`)
}

async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, end - start))
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return buffer.subarray(0, filled)
}

/** `position` moved past (at most 3) UTF-8 continuation bytes: where the character there starts its successor. */
async function characterStart(handle: FileHandle, position: number, size: number): Promise<number> {
  if (position === 0 || position >= size) return position
  const probe = await readRange(handle, position, Math.min(size, position + 3))
  let skip = 0
  while (skip < probe.length && (probe[skip]! & 0xc0) === 0x80) skip += 1
  return position + skip
}

const symbolicMode = (mode: number): string =>
  [0o400, 0o200, 0o100, 0o040, 0o020, 0o010, 0o004, 0o002, 0o001].map((bit, i) => (mode & bit ? 'rwx'[i % 3] : '-')).join('')

function excludePatternsOf(input: ToolInput): string[] {
  const raw = input['excludePatterns'] ?? input['exclude_patterns']
  if (raw === undefined || raw === null || raw === '') return []
  const list = typeof raw === 'string' ? raw.split(',') : raw
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string'))
    throw new ToolFailure('excludePatterns must be an array of strings or a comma-separated string')
  return (list as string[]).map((item) => item.trim()).filter((item) => item !== '')
}

/** `*` any run of characters except `/`, `?` one such character; everything else literal. */
function globMatcher(glob: string): (candidate: string) => boolean {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')
  const regex = new RegExp(`^${source}$`, 's')
  return (candidate) => regex.test(candidate)
}
