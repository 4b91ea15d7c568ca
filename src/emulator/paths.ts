import type { Stats } from 'node:fs'
import { lstat, mkdir } from 'node:fs/promises'
import { join, relative, isAbsolute, sep } from 'node:path'
import { invalidParameter, invalidPath } from './errors.js'

/** A path inside a sandbox or context, as checked segments (never `..`, `.`, empty, or NUL). */
export type SafeSegments = readonly string[]

const MAX_PATH_LENGTH = 4096
const MAX_SEGMENT_BYTES = 255

/**
 * Splits a request path (`/home/wuying/data/a.txt`, `a/b`, `/`) into segments, refusing anything
 * that could leave the root: `..` segments, NUL bytes, over-long paths. Leading `/` is optional,
 * `//` and `.` collapse. We refuse `..` instead of normalizing it away so the caller gets a clear
 * error rather than silently touching a different file.
 */
export function toSegments(raw: string, field: string): SafeSegments {
  if (raw.includes('\0')) throw invalidPath(field, 'contains a NUL byte')
  if (raw.length > MAX_PATH_LENGTH) throw invalidPath(field, 'too long')
  // Backslashes would be ordinary characters on POSIX, but they read as separators to anyone
  // thinking in Windows paths; outside a drive path (`windowsSegments`) refuse rather than surprise.
  if (raw.includes('\\')) throw invalidPath(field, 'contains a backslash')
  const segments: string[] = []
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') throw invalidPath(field, "contains a '..' segment")
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) throw invalidPath(field, 'has a segment longer than 255 bytes')
    segments.push(segment)
  }
  return segments
}

/**
 * `toSegments` for a context path that must name a file (presigned URLs, DeleteContextFile): not
 * the root, and not a folder spelling (`/a/`, `/a/.`), which `toSegments` would collapse to `/a`.
 */
export function toFileSegments(raw: string, field: string): SafeSegments {
  const segments = toSegments(raw, field)
  const last = raw.slice(raw.lastIndexOf('/') + 1)
  if (segments.length === 0 || last === '' || last === '.') throw invalidParameter(field, 'must name a file')
  return segments
}

/**
 * Like `toSegments`, for mount paths and tool paths, which must be absolute: POSIX
 * (`/home/wuying/data`) or, for sessions of another OS, a Windows drive path
 * (`c:\Users\Administrator\Downloads`, official-sdk-calls §6) — see `windowsSegments`.
 */
export function toAbsoluteSegments(raw: string, field: string): SafeSegments {
  if (WINDOWS_DRIVE.test(raw)) return windowsSegments(raw, field)
  if (!raw.startsWith('/')) throw invalidPath(field, "must be absolute (start with '/' or a drive letter like 'c:\\')")
  return toSegments(raw, field)
}

/** `c:\…` or `C:/…`: a drive letter, a colon, then a separator (a rooted path on that drive). */
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/
/** Characters Windows refuses in a file name (`:` would also open an alternate data stream). */
const WINDOWS_FORBIDDEN = /[<>:"|?*\u0000-\u001f]/

/**
 * A Windows drive path lives in the sandbox under its drive as the first segment, lower-cased as
 * the official examples write it (`C:\x` and `c:/x` are the same folder: `/c:/x`). Both
 * separators count, as on Windows. Refused: `..`, names Windows forbids (a second drive `d:` or a
 * stream `a:b` inside the path), and names ending in `.` or space, which Windows silently trims
 * (`.. ` would be `..` there). Drive-relative (`d:x`), rooted without a drive (`\x`) and UNC
 * (`\\server\share`) paths never get here: they do not match `WINDOWS_DRIVE`.
 */
function windowsSegments(raw: string, field: string): SafeSegments {
  const [drive, ...rest] = toSegments(raw.replace(/\\/g, '/'), field)
  for (const segment of rest) {
    if (WINDOWS_FORBIDDEN.test(segment)) throw invalidPath(field, `has a name Windows forbids (${JSON.stringify(segment)})`)
    if (/[. ]$/.test(segment)) throw invalidPath(field, 'has a name ending in a dot or space')
  }
  return [drive!.toLowerCase(), ...rest]
}

/** `/a/b` for display and for `FilePath`. */
export const displayPath = (segments: SafeSegments): string => `/${segments.join('/')}`

/** True when `inner` equals `outer` or lies below it. */
export const isWithin = (inner: SafeSegments, outer: SafeSegments): boolean =>
  outer.length <= inner.length && outer.every((segment, i) => inner[i] === segment)

/** A path resolved inside a root, with what the walk found there: the entry's own stats (`undefined`: nothing). */
export interface EntryInside {
  readonly path: string
  readonly info: Stats | undefined
}

/**
 * `segments` joined under `root`, refused if the result or any folder on the way is not inside it:
 * the one "escapes its root" check, which every walk below runs first, before it looks at or creates
 * anything. Segments from `toSegments` never escape; this is the belt-and-braces guard.
 */
function joinInside(root: string, segments: SafeSegments, field: string): string {
  let target = root
  for (const segment of segments) {
    target = join(target, segment)
    const rel = relative(root, target)
    // `..` or `../…` leaves the root; `..cache` is an ordinary name inside it.
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw invalidPath(field, 'escapes its root')
  }
  return target
}

/**
 * Joins `segments` under `root` after checking that no existing component is a symbolic link
 * (a link planted in a sandbox could otherwise point anywhere on the host), and answers the entry's
 * stats from the same walk (so callers need no second look). Components that do not exist yet are fine.
 */
export async function inspectInside(root: string, segments: SafeSegments, field: string): Promise<EntryInside> {
  const target = joinInside(root, segments, field)
  let current = root
  let info = segments.length === 0 ? await lstatOrUndefined(root) : undefined
  for (const segment of segments) {
    current = join(current, segment)
    info = await lstatOrUndefined(current)
    if (info === undefined) break
    if (info.isSymbolicLink()) throw invalidPath(field, 'goes through a symbolic link')
  }
  return { path: target, info }
}

/**
 * For writing an entry: creates its parent folders (as `ensureDirInside`) and inspects the entry
 * itself, refusing a symbolic link there too — one walk for the whole path.
 */
export async function prepareEntryInside(root: string, segments: SafeSegments, field: string): Promise<EntryInside> {
  if (segments.length === 0) throw invalidPath(field, 'must name a file or folder')
  const path = joinInside(root, segments, field)
  await createDirs(root, segments.slice(0, -1), field)
  const info = await lstatOrUndefined(path)
  if (info?.isSymbolicLink()) throw invalidPath(field, 'goes through a symbolic link')
  return { path, info }
}

/**
 * Creates the directories of `segments` under `root` one by one, refusing symbolic links and
 * regular files on the way; returns the directory path.
 */
export async function ensureDirInside(root: string, segments: SafeSegments, field: string): Promise<string> {
  const path = joinInside(root, segments, field)
  await createDirs(root, segments, field)
  return path
}

/** `ensureDirInside`'s walk, for segments `joinInside` has already checked. */
async function createDirs(root: string, segments: SafeSegments, field: string): Promise<void> {
  await mkdir(root, { recursive: true })
  let current = root
  for (const segment of segments) {
    current = join(current, segment)
    const stat = await lstatOrUndefined(current)
    if (stat === undefined) {
      try {
        await mkdir(current)
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error
      }
      continue
    }
    if (stat.isSymbolicLink()) throw invalidPath(field, 'goes through a symbolic link')
    // Not an attack, just a conflict (a file where a directory should be): an ordinary fs error.
    if (!stat.isDirectory()) throw Object.assign(new Error(`${displayPath(segments)}: not a directory`), { code: 'ENOTDIR' })
  }
}

export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path)
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined
    throw error
  }
}

export const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
