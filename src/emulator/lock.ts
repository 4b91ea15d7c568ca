import { randomUUID } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { createFileExclusive, TEMP_PREFIX } from './fs-ops.js'
import { isErrno } from './paths.js'

/** Name of the lock file inside `dataDir`. */
export const LOCK_FILE_NAME = 'emulator.lock'

/**
 * Another emulator (this process or another one) is using the data directory. Two emulators on one
 * directory would overwrite each other's state.json and lose acknowledged data, so the second one
 * refuses to start.
 */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
  constructor(
    readonly dataDir: string,
    /** Process id of the emulator that holds the directory. */
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `emulator: data directory ${dataDir} is in use by another emulator (pid ${pid}); stop it or use another data directory ` +
        `(if no such emulator runs, delete ${lockFile})`,
    )
  }
}

/** What the lock file holds. */
interface LockOwner {
  readonly pid: number
  readonly host: string
  /** Unique per acquisition, so releasing never deletes a lock another emulator took over. */
  readonly token: string
  readonly startedAt: string
}

/** A held lock; `release()` removes the file if it is still ours. */
export interface DataDirLock {
  release(): Promise<void>
}

/**
 * Takes `<dataDir>/emulator.lock`. The file is created exclusively and whole (`createFileExclusive`),
 * so it appears atomically and never half-written. A lock whose owner process is gone (same host,
 * pid no longer alive, e.g. after `kill -9`) is stale and taken over. The holder then removes the
 * temp files crashed start-ups left (`removeLeftoverLockTemps`).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lockFile = join(dataDir, LOCK_FILE_NAME)
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), startedAt: new Date().toISOString() }
  let lastFailure: unknown
  // A few rounds: a stale lock may be replaced by a third emulator between our look and our create.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // The temp file goes to dataDir itself: dataDir/tmp is emptied by whoever holds the lock.
      await createFileExclusive(dataDir, lockFile, `${JSON.stringify(owner)}\n`, { mode: 0o600 })
      return { release: () => releaseIfOurs(lockFile, owner.token) }
    } catch (error) {
      // ENOENT: the holder removed our temp as a leftover (removeLeftoverLockTemps) between its write and its link.
      if (!isErrno(error, 'EEXIST') && !isErrno(error, 'ENOENT')) throw error
      lastFailure = error
    }
    const text = await readFile(lockFile, 'utf8').catch((error: unknown) => (isErrno(error, 'ENOENT') ? undefined : Promise.reject(error)))
    if (text === undefined) continue // released meanwhile
    const holder = parseOwner(text)
    if (holder !== undefined && (holder.host !== owner.host || isAlive(holder.pid))) throw new DataDirLockedError(dataDir, holder.pid, lockFile)
    if (holder === undefined) throw new Error(`emulator: cannot read the lock file ${lockFile}; if no emulator uses ${dataDir}, delete it`)
    // Stale: remove it only if it is still the one we judged (compare-then-remove), then retry.
    if ((await readFile(lockFile, 'utf8').catch(() => undefined)) === text) await rm(lockFile, { force: true })
  }
  if (isErrno(lastFailure, 'ENOENT')) throw lastFailure // e.g. dataDir removed meanwhile
  throw new Error(`emulator: could not take the lock ${lockFile}: other emulators keep taking it`)
}

/**
 * Removes the lock temp files (`tempPath` names) that start-ups killed between writing and removing
 * theirs left in `dataDir`. Only the lock's holder calls it; a contender whose temp it removes
 * meanwhile retries and is refused.
 */
export async function removeLeftoverLockTemps(dataDir: string): Promise<void> {
  const leftovers = (await readdir(dataDir)).filter((name) => name.startsWith(TEMP_PREFIX))
  await Promise.all(leftovers.map((name) => rm(join(dataDir, name), { force: true })))
}

async function releaseIfOurs(lockFile: string, token: string): Promise<void> {
  const text = await readFile(lockFile, 'utf8').catch(() => undefined)
  if (text !== undefined && parseOwner(text)?.token === token) await rm(lockFile, { force: true })
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>
    if (Number.isInteger(value.pid) && typeof value.host === 'string' && typeof value.token === 'string') return value as LockOwner
  } catch {
    // not ours: undefined
  }
  return undefined
}

/** Signal 0 checks that the process exists; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return isErrno(error, 'EPERM')
  }
}
