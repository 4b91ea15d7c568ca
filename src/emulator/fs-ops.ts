import { createHash, randomUUID } from 'node:crypto'
import { constants, createWriteStream, type Stats } from 'node:fs'
import { link, open, readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { isErrno, type SafeSegments } from './paths.js'

/**
 * File moves that never leave a half-written file behind: bytes go to a temp file under
 * `dataDir/tmp` (same file system) and are renamed into place only when complete.
 */

/** Writes `data` to `dest` atomically. */
export async function writeFileAtomic(tmpDir: string, dest: string, data: string | Uint8Array): Promise<void> {
  await placeComplete(tmpDir, dest, data, {}, (temp) => rename(temp, dest))
}

/**
 * Writes `data` to `dest` only if `dest` does not exist yet, atomically: the complete temp file is
 * hard-linked into place, and `link` fails with `EEXIST` instead of replacing an existing file.
 * Where the file system has no hard links, an exclusive create (briefly empty, still exclusive).
 */
export async function createFileExclusive(tmpDir: string, dest: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  await placeComplete(tmpDir, dest, data, options, async (temp) => {
    try {
      await link(temp, dest)
    } catch (error) {
      if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'ENOSYS')) throw error
      await writeFile(dest, data, { ...options, flag: 'wx' })
    }
  })
}

/** Writes `data` to a temp file, then `place`s the complete file at `dest`; the temp never lingers. */
async function placeComplete(
  tmpDir: string,
  dest: string,
  data: string | Uint8Array,
  options: { mode?: number },
  place: (temp: string) => Promise<void>,
): Promise<void> {
  const temp = tempPath(tmpDir)
  try {
    await writeFile(temp, data, options)
    await place(temp)
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Opens `path` with `flags`, never following a final symbolic link (`ELOOP`) and never blocking on
 * a FIFO or device, and answers what `fstat` saw on the opened descriptor: a path checked earlier
 * (a walk, a listing) may since have been swapped, so callers judge the file they will actually use.
 */
export async function openUnfollowed(path: string, flags: number, mode?: number): Promise<{ handle: FileHandle; info: Stats }> {
  const handle = await open(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode)
  try {
    return { handle, info: await handle.stat() }
  } catch (error) {
    await handle.close()
    throw error
  }
}

/** Raised by `openRegularForReading` when the entry at the path is no longer a regular file. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError'
  constructor(shownAs: string) {
    super(`${shownAs}: not a regular file`)
  }
}

/**
 * Opens a regular file for reading through `openUnfollowed`; a symbolic link, FIFO, socket, device
 * or folder found there is a `NotRegularFileError` naming it `shownAs` (never the host path).
 */
export async function openRegularForReading(path: string, shownAs: string): Promise<{ handle: FileHandle; size: number }> {
  let opened
  try {
    opened = await openUnfollowed(path, constants.O_RDONLY)
  } catch (error) {
    if (isErrno(error, 'ELOOP')) throw new NotRegularFileError(shownAs)
    throw error
  }
  if (!opened.info.isFile()) {
    await opened.handle.close()
    throw new NotRegularFileError(shownAs)
  }
  return { handle: opened.handle, size: opened.info.size }
}

/**
 * Copies `src` to `dest` atomically, throttled to `bytesPerSecond` (0 = unthrottled); returns the size.
 * `src` is read only through the descriptor `openRegularForReading` checked, so a file swapped for a
 * FIFO or a symbolic link after the caller listed it is refused, never blocked on or followed.
 */
export async function copyFileAtomic(
  tmpDir: string,
  src: { readonly path: string; readonly shownAs: string },
  dest: string,
  options: { bytesPerSecond: number; signal: AbortSignal },
): Promise<number> {
  let size = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      done(null, chunk)
    },
  })
  // Small chunks when throttled, so progress (and abort) is smooth rather than one big sleep.
  const highWaterMark = options.bytesPerSecond > 0 ? Math.max(1024, Math.min(64 * 1024, options.bytesPerSecond / 10)) : 64 * 1024
  const { handle } = await openRegularForReading(src.path, src.shownAs)
  const source = handle.createReadStream({ highWaterMark }) // closes the handle when it ends or is destroyed
  const temp = tempPath(tmpDir)
  try {
    if (options.bytesPerSecond > 0)
      await pipeline(source, counter, throttle(options.bytesPerSecond, options.signal), createWriteStream(temp), { signal: options.signal })
    else await pipeline(source, counter, createWriteStream(temp), { signal: options.signal })
    await rename(temp, dest)
    return size
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Streams `source` into `dest` atomically, refusing more than `maxBytes`. Resolves with the size
 * and the MD5 (used as ETag, as object stores do); rejects with `TooLargeError` past the limit.
 */
export async function receiveStreamAtomic(
  tmpDir: string,
  source: Readable,
  maxBytes: number,
  commit: (temp: string) => Promise<void>,
): Promise<{ size: number; md5: string }> {
  const temp = tempPath(tmpDir)
  const hash = createHash('md5')
  let size = 0
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > maxBytes) return done(new TooLargeError(maxBytes))
      hash.update(chunk)
      done(null, chunk)
    },
  })
  try {
    await pipeline(source, guard, createWriteStream(temp))
    await commit(temp)
    return { size, md5: hash.digest('hex') }
  } finally {
    await rm(temp, { force: true })
  }
}

/** Raised by `receiveStreamAtomic` when the body exceeds its limit. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError'
  constructor(readonly limit: number) {
    super(`body exceeds ${limit} bytes`)
  }
}

/**
 * Every regular file below `root`, as segments relative to it. Symbolic links and special files
 * are skipped, never followed: a link in a sandbox must not pull host files into a context.
 */
export async function listFiles(root: string): Promise<SafeSegments[]> {
  const files: SafeSegments[] = []
  const visit = async (dir: string, prefix: readonly string[]): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return
      throw error
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (entry.isDirectory()) await visit(join(dir, entry.name), [...prefix, entry.name])
      else if (entry.isFile()) files.push([...prefix, entry.name])
    }
  }
  await visit(root, [])
  return files
}

/** How temp file names start (`tempPath`). */
export const TEMP_PREFIX = 'part-'

export const tempPath = (tmpDir: string): string => join(tmpDir, `${TEMP_PREFIX}${randomUUID()}`)

/** A pass-through that paces chunks to `bytesPerSecond`. */
function throttle(bytesPerSecond: number, signal: AbortSignal): Transform {
  const started = Date.now()
  let sent = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length
      const due = started + (sent / bytesPerSecond) * 1000
      const wait = due - Date.now()
      if (wait <= 0) return done(null, chunk)
      sleep(wait, undefined, { signal }).then(
        () => done(null, chunk),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    },
  })
}
