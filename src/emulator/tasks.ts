import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setMaxListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { TASK_STATUS, type SyncMode } from '../wire/protocol.js'
import { extractDownloadedArchive, isZipArchive } from './extract.js'
import { copyFileAtomic, listFiles } from './fs-ops.js'
import type { DataLayout } from './layout.js'
import { displayPath, ensureDirInside, inspectInside, toAbsoluteSegments, type SafeSegments } from './paths.js'
import type { SyncPolicy } from '../wire/policy/sync-policy.js'
import { selectorFor } from './policy.js'
import { PendingWork } from './pending-work.js'
import { contextFolderOf } from './session-paths.js'
import type { KeyedSerialQueue } from './serial.js'
import { StateStore, type TaskMeta, type TaskTrigger } from './store.js'

/** What to sync: one mounted context in one direction. */
export interface TaskSpec {
  readonly contextId: string
  readonly path: string
  readonly policy: SyncPolicy
  readonly taskType: SyncMode
  /**
   * File transfer (calls doc §4): only the file or folder at `path` is copied, between the
   * session and the same path in the context (`session-paths.ts`).
   */
  readonly transfer?: boolean
}

/** Handles to the tasks just queued; `done` settles when all of them ended (never rejects). */
export interface StartedTasks {
  readonly tasks: readonly TaskMeta[]
  readonly done: Promise<void>
}

export interface TaskRunnerDeps {
  readonly store: StateStore
  readonly layout: DataLayout
  /** Per-context serialization of file work (shared with ClearContext and presigned uploads). */
  readonly contextLocks: KeyedSerialQueue
  readonly taskDelayMs: number
  readonly bytesPerSecond: number
}

export const SHUTDOWN_MESSAGE = 'emulator shut down before the task finished'

const MAX_TASKS_PER_SESSION = 200

/**
 * Runs sync tasks as real file copies, recording `Pending` → `Running` → `Success`/`Failed` in the
 * state store. Tasks are written to the store before `start` resolves, so a handler that awaits
 * `start` answers only after GetContextInfo can see them (protocol §8, against the stale-task race
 * of §7.3).
 */
export class SyncTaskRunner {
  private readonly stopper = new AbortController()
  private readonly running = new PendingWork()

  constructor(private readonly deps: TaskRunnerDeps) {
    // Every running task waits on this one signal; many concurrent tasks are normal, not a leak.
    setMaxListeners(0, this.stopper.signal)
  }

  async start(
    tenantId: string,
    sessionId: string,
    specs: readonly TaskSpec[],
    trigger: TaskTrigger,
    requestId?: string,
  ): Promise<StartedTasks> {
    if (this.stopper.signal.aborted) throw new Error('task runner stopped')
    const now = epochSeconds()
    const tasks = specs.map(
      (spec): TaskMeta => ({
        contextId: spec.contextId,
        path: spec.path,
        taskType: spec.taskType,
        status: TASK_STATUS.pending,
        errorMessage: '',
        startTime: now,
        finishTime: 0,
        taskId: randomUUID(),
        trigger,
        ...(requestId === undefined ? {} : { requestId }),
        filesCopied: 0,
        bytesCopied: 0,
        filesDeleted: 0,
      }),
    )
    await this.deps.store.mutate((draft) => {
      const session = StateStore.tenant(draft, tenantId).sessions.get(sessionId)
      if (session === undefined) throw new Error(`session ${sessionId} vanished`)
      session.tasks.push(...structuredClone(tasks))
      pruneHistory(session.tasks)
    })
    const runs = tasks.map((task, i) => this.running.add(this.run(tenantId, sessionId, task, specs[i]!)))
    return { tasks, done: Promise.all(runs).then(() => undefined) }
  }

  /** Aborts every task still in flight; each records `Failed` with `SHUTDOWN_MESSAGE`. */
  stop(): void {
    this.stopper.abort()
  }

  /** Resolves once no task is running. */
  settled(): Promise<void> {
    return this.running.settled()
  }

  get activeCount(): number {
    return this.running.size
  }

  // ---- internals -------------------------------------------------------------------------------

  private async run(tenantId: string, sessionId: string, task: TaskMeta, spec: TaskSpec): Promise<void> {
    const signal = this.stopper.signal
    const update = (change: (task: TaskMeta) => void): Promise<void> =>
      this.deps.store.mutate((draft) => {
        const stored = StateStore.tenant(draft, tenantId).sessions.get(sessionId)?.tasks.find((t) => t.taskId === task.taskId)
        if (stored !== undefined) change(stored)
        const context = StateStore.tenant(draft, tenantId).contexts.get(task.contextId)
        if (context !== undefined) context.lastUsedAt = new Date().toISOString()
      })
    try {
      await sleep(this.deps.taskDelayMs, undefined, { signal })
      await update((stored) => (stored.status = TASK_STATUS.running))
      const runningSince = Date.now()
      const outcome = await this.deps.contextLocks.run(task.contextId, () => this.copy(tenantId, sessionId, spec, signal))
      const remaining = this.deps.taskDelayMs - (Date.now() - runningSince)
      if (remaining > 0) await sleep(remaining, undefined, { signal })
      await update((stored) => {
        Object.assign(stored, outcome)
        stored.status = TASK_STATUS.success
        stored.finishTime = epochSeconds()
      })
    } catch (error) {
      const message = signal.aborted ? SHUTDOWN_MESSAGE : error instanceof Error ? error.message : String(error)
      await update((stored) => {
        stored.status = TASK_STATUS.failed
        stored.errorMessage = message || 'sync failed'
        stored.finishTime = epochSeconds()
      }).catch(() => undefined) // the store itself failing leaves the task non-terminal; the next start marks it Failed
    }
  }

  private async copy(tenantId: string, sessionId: string, spec: TaskSpec, signal: AbortSignal): Promise<Partial<TaskMeta>> {
    const { layout } = this.deps
    if (this.deps.store.state.tenants.get(tenantId)?.contexts.has(spec.contextId) !== true)
      throw new Error(`context ${spec.contextId} no longer exists`)
    if (spec.transfer === true) return this.copyTransfer(sessionId, spec, signal)
    const mount = toAbsoluteSegments(spec.path, 'Path')
    const select = selectorFor(spec.policy)
    const sessionRoot = layout.sessionRoot(sessionId)
    // Extension mounts keep their files at the session path inside the context (calls doc §5.3);
    // walked like every other path, so a symbolic link on the way there is refused, never followed.
    // Any other mount syncs the context's root itself: nothing on the way, so no walk (one lstat less per task).
    const contextFolder = contextFolderOf(mount)
    const contextRoot =
      contextFolder.length === 0
        ? layout.contextRoot(spec.contextId)
        : (await inspectInside(layout.contextRoot(spec.contextId), contextFolder, 'Path')).path
    const copyOptions = { bytesPerSecond: this.deps.bytesPerSecond, signal }
    let filesCopied = 0
    let bytesCopied = 0
    let filesDeleted = 0

    if (spec.taskType === 'download') {
      // The mount directory exists after a download even when the context is empty, as in a real
      // session; creating it also refuses a mount path that is (or crosses) a symbolic link.
      await ensureDirInside(sessionRoot, mount, 'Path')
      const { extractPolicy } = spec.policy
      for (const file of (await listFiles(contextRoot)).filter(select)) {
        const dir = await ensureDirInside(sessionRoot, [...mount, ...file.slice(0, -1)], 'Path')
        const from = { path: join(contextRoot, ...file), shownAs: displayPath([...mount, ...file]) }
        bytesCopied += await copyFileAtomic(layout.tmpDir, from, join(dir, last(file)), copyOptions)
        filesCopied += 1
        if (extractPolicy.extract && isZipArchive(file)) await extractDownloadedArchive(layout.tmpDir, sessionRoot, [...mount, ...file], extractPolicy)
      }
      return { filesCopied, bytesCopied, filesDeleted }
    }

    const { path: source, info } = await inspectInside(sessionRoot, mount, 'Path')
    // Nothing mounted yet (e.g. before the first download): upload nothing and, above all,
    // do not read "no directory" as "every file was deleted".
    if (!info?.isDirectory()) return { filesCopied, bytesCopied, filesDeleted }
    const local = (await listFiles(source)).filter(select)
    for (const file of local) {
      const dir = await ensureDirInside(contextRoot, file.slice(0, -1), 'Path')
      const from = { path: join(source, ...file), shownAs: displayPath([...mount, ...file]) }
      bytesCopied += await copyFileAtomic(layout.tmpDir, from, join(dir, last(file)), copyOptions)
      filesCopied += 1
    }
    if (spec.policy.deletePolicy.syncLocalFile) {
      // deletePolicy.syncLocalFile (§6): files the session no longer has leave the context too,
      // but only within the policy's whitelisted, non-excluded paths.
      const present = new Set(local.map(displayPath))
      for (const stored of (await listFiles(contextRoot)).filter(select)) {
        if (present.has(displayPath(stored))) continue
        await rm(join(contextRoot, ...stored), { force: true })
        filesDeleted += 1
      }
    }
    return { filesCopied, bytesCopied, filesDeleted }
  }

  /** One file or folder between sandbox and context at the same path; a missing source fails the task. */
  private async copyTransfer(sessionId: string, spec: TaskSpec, signal: AbortSignal): Promise<Partial<TaskMeta>> {
    const { layout } = this.deps
    const target = toAbsoluteSegments(spec.path, 'Path')
    const inContext = contextFolderOf(target)
    const [fromRoot, from, toRoot, to] =
      spec.taskType === 'download'
        ? [layout.contextRoot(spec.contextId), inContext, layout.sessionRoot(sessionId), target]
        : [layout.sessionRoot(sessionId), target, layout.contextRoot(spec.contextId), inContext]
    const { path: source, info } = await inspectInside(fromRoot, from, 'Path')
    const where = spec.taskType === 'download' ? 'in the file-transfer context' : 'in the session'
    if (info === undefined || !(info.isFile() || info.isDirectory())) throw new Error(`${displayPath(target)} not found ${where}`)
    const files: SafeSegments[] = info.isFile() ? [[]] : await listFiles(source)
    const copyOptions = { bytesPerSecond: this.deps.bytesPerSecond, signal }
    let bytesCopied = 0
    for (const file of files) {
      const full = [...to, ...file]
      const dir = await ensureDirInside(toRoot, full.slice(0, -1), 'Path')
      const from = { path: join(source, ...file), shownAs: displayPath(full) }
      bytesCopied += await copyFileAtomic(layout.tmpDir, from, join(dir, last(full)), copyOptions)
    }
    return { filesCopied: files.length, bytesCopied, filesDeleted: 0 }
  }
}

/** Current time in integer epoch seconds (protocol §4). */
export const epochSeconds = (): number => Math.floor(Date.now() / 1000)

const last = (segments: SafeSegments): string => segments[segments.length - 1]!

/** Keeps the newest tasks, but never drops one that is still running. */
const pruneHistory = (tasks: TaskMeta[]): void => {
  while (tasks.length > MAX_TASKS_PER_SESSION) {
    const index = tasks.findIndex((task) => task.status === TASK_STATUS.success || task.status === TASK_STATUS.failed)
    if (index === -1) return
    tasks.splice(index, 1)
  }
}
