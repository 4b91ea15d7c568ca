import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { existingFolder } from './file-read-tools.js'
import { displayPath, type SafeSegments } from './paths.js'
import { ok, onPath, pathArg, ToolFailure, type SessionWatches, type Snapshot, type Tool } from './tool-support.js'

/** Bounds on what one session's watches may hold in memory. */
const MAX_WATCHED_PATHS = 32
const MAX_WATCHED_ENTRIES = 20_000

interface FileChangeEvent {
  readonly eventType: 'create' | 'modify' | 'delete'
  readonly path: string
  readonly pathType: 'file' | 'directory'
}

/**
 * protocol §1.8: the changes below `path` since the previous call for that path, as a JSON array
 * of `{eventType, path, pathType}` (`watchDirectory` polls this). The first call for a path only
 * takes the baseline and answers `[]`. Events are sorted by path. Symbolic links are neither followed nor reported.
 */
export const getFileChangeTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  const watches = env.changeWatches
  if (watches === undefined) throw new ToolFailure('get_file_change is not available here')
  return onPath(segments, async () => {
    const root = await existingFolder(env, segments)
    const current = await snapshot(root, segments)
    const previous = watches.replace(displayPath(segments), current)
    return ok(JSON.stringify(previous === undefined ? [] : diff(previous, current)))
  })
}

/**
 * The `get_file_change` watches of one emulator, per session. They live in memory only; a
 * session holds nothing until its first watch is taken, and drops its watches when it is deleted.
 */
export class ChangeWatches {
  /** Session id → (watched path → the tree seen at its previous call), least recently polled first. */
  private readonly sessions = new Map<string, Map<string, Snapshot>>()

  /**
   * The watches of `sessionId` for one tool call; creates nothing by itself. A watch is kept only
   * while `keeps()` holds: one taken by a call that outlived the start of its session's deletion
   * (after `forget`) would otherwise stay for the emulator's lifetime.
   */
  of(sessionId: string, keeps: () => boolean): SessionWatches {
    return { replace: (path, now) => (keeps() ? this.replace(sessionId, path, now) : undefined) }
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId)
  }

  /** Paths watched, over all sessions. */
  get watchedPaths(): number {
    let count = 0
    for (const snapshots of this.sessions.values()) count += snapshots.size
    return count
  }

  private replace(sessionId: string, path: string, now: Snapshot): Snapshot | undefined {
    let snapshots = this.sessions.get(sessionId)
    if (snapshots === undefined) this.sessions.set(sessionId, (snapshots = new Map()))
    const previous = snapshots.get(path)
    snapshots.delete(path) // re-inserted last: the map's order is least recently polled first
    snapshots.set(path, now)
    if (snapshots.size > MAX_WATCHED_PATHS) snapshots.delete(snapshots.keys().next().value!)
    return previous
  }
}

async function snapshot(root: string, segments: SafeSegments): Promise<Map<string, string>> {
  const entries = new Map<string, string>()
  const visit = async (dir: string, prefix: readonly string[]): Promise<void> => {
    let listing
    try {
      listing = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return // removed while walking
      throw error
    }
    for (const entry of listing) {
      const path = [...prefix, entry.name]
      const full = join(dir, entry.name)
      if (entries.size >= MAX_WATCHED_ENTRIES) throw new ToolFailure(`${displayPath(segments)}: more than ${MAX_WATCHED_ENTRIES} entries to watch`)
      if (entry.isDirectory()) {
        entries.set(displayPath(path), 'dir')
        await visit(full, path)
      } else if (entry.isFile()) {
        const info = await stat(full).catch(() => undefined)
        if (info !== undefined) entries.set(displayPath(path), `file:${info.size}:${info.mtimeMs}`)
      }
    }
  }
  await visit(root, segments)
  return entries
}

function diff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileChangeEvent[] {
  const events: FileChangeEvent[] = []
  const typeOf = (signature: string) => (signature === 'dir' ? 'directory' : 'file')
  for (const [path, signature] of before) {
    const now = after.get(path)
    if (now === undefined || typeOf(now) !== typeOf(signature)) events.push({ eventType: 'delete', path, pathType: typeOf(signature) })
  }
  for (const [path, signature] of after) {
    const then = before.get(path)
    if (then === undefined || typeOf(then) !== typeOf(signature)) events.push({ eventType: 'create', path, pathType: typeOf(signature) })
    else if (then !== signature) events.push({ eventType: 'modify', path, pathType: 'file' })
  }
  return events.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
