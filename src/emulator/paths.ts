import { lstat, mkdir } from 'node:fs/promises'
import { join, relative, isAbsolute } from 'node:path'
import { invalidPath } from './errors.js'

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
  // thinking in Windows paths (and to the mappingPolicy of §6); refuse rather than surprise.
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

/** Like `toSegments`, for mount paths and tool paths, which must be absolute (`/home/wuying/data`). */
export function toAbsoluteSegments(raw: string, field: string): SafeSegments {
  if (!raw.startsWith('/')) throw invalidPath(field, "must be absolute (start with '/')")
  return toSegments(raw, field)
}

/** `/a/b` for display and for `FilePath`. */
export const displayPath = (segments: SafeSegments): string => `/${segments.join('/')}`

/** True when `inner` equals `outer` or lies below it. */
export const isWithin = (inner: SafeSegments, outer: SafeSegments): boolean =>
  outer.length <= inner.length && outer.every((segment, i) => inner[i] === segment)

/**
 * Joins `segments` under `root` after checking that no existing component is a symbolic link
 * (a link planted in a sandbox could otherwise point anywhere on the host). Components that do
 * not exist yet are fine. The final `relative()` check is a belt-and-braces guard.
 */
export async function resolveInside(root: string, segments: SafeSegments, field: string): Promise<string> {
  let current = root
  for (const segment of segments) {
    current = join(current, segment)
    const stat = await lstatOrUndefined(current)
    if (stat === undefined) break
    if (stat.isSymbolicLink()) throw invalidPath(field, 'goes through a symbolic link')
  }
  const target = join(root, ...segments)
  const rel = relative(root, target)
  if (rel.startsWith('..') || isAbsolute(rel)) throw invalidPath(field, 'escapes its root')
  return target
}

/**
 * Creates the directories of `segments` under `root` one by one, refusing symbolic links and
 * regular files on the way; returns the directory path.
 */
export async function ensureDirInside(root: string, segments: SafeSegments, field: string): Promise<string> {
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
  return current
}

export async function lstatOrUndefined(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(path)
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined
    throw error
  }
}

export const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
