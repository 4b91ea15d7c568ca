import {
  EMPTY,
  catchError,
  concat,
  map,
  concatMap,
  defer,
  mergeMap,
  range,
  scan,
  takeWhile,
  tap,
  throwError,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs'
import type { ContextStatusData } from '../codecs/context-status.js'
import { isTransientError } from '../transport/rpc.js'
import { isTerminalStatus, isSyncMode, type SyncMode } from '../wire/protocol.js'
import type { PollSchedule } from './poll-schedule.js'

// ---- model ---------------------------------------------------------------------------------

/** Which tasks a watch counts. */
export interface TaskSelector {
  readonly contextId?: string
  readonly path?: string
  readonly mode?: SyncMode
  /** Terminal tasks seen before the trigger: they belong to earlier syncs (protocol §7.3). */
  readonly staleTasks?: readonly ContextStatusData[]
}

export interface TaskWatchOptions {
  /** One `GetContextInfo` poll: emits the task list once and completes. */
  readonly poll: () => Observable<readonly ContextStatusData[]>
  readonly select: TaskSelector
  readonly schedule: PollSchedule
  /** Poll budget; exhausting it completes the stream (a timeout, not an error). */
  readonly maxPolls: number
  /** Budget of scheduled waiting in ms (the reference's `maxRetries × retryInterval`). Default: unbounded. */
  readonly budgetMs?: number
  /** If no counted task has appeared after this long, complete with nothing emitted. */
  readonly noTaskGraceMs: number
  readonly scheduler: SchedulerLike
}

interface WatchState {
  /** Last emitted state per task identity. */
  readonly emitted: ReadonlyMap<string, string>
  readonly changed: readonly ContextStatusData[]
  readonly done: boolean
}

// ---- the pipeline ----------------------------------------------------------------------------

/**
 * Polls until every counted task is terminal, the budget runs out, or no task shows up within the
 * grace period. Emits a task when it first appears and whenever its state changes.
 * Transient poll failures skip that poll (the budget bounds them); other errors end the stream.
 * If no poll was answered at all, the sync's state is unknown: the stream errors with the last
 * poll failure rather than completing empty, which would read as "no tasks, success" (issue 6).
 */
export function watchTasks(options: TaskWatchOptions): Observable<ContextStatusData> {
  return defer(() => {
    const startedAt = options.scheduler.now()
    const initial: WatchState = { emitted: new Map(), changed: [], done: false }
    const budgetMs = options.budgetMs ?? Infinity
    let answered = false
    let lastFailure: { readonly error: unknown } | undefined
    const skipTransient = (error: unknown): Observable<never> => {
      if (!isTransientError(error)) return throwError(() => error)
      lastFailure = { error }
      return EMPTY
    }
    const watch$ = range(0, options.maxPolls).pipe(
      map((pollIndex) => options.schedule(pollIndex)),
      scan((plan, delay) => ({ delay, waited: plan.waited + delay }), { delay: 0, waited: 0 }),
      takeWhile((plan) => plan.waited <= budgetMs),
      concatMap(({ delay }) =>
        timer(delay, options.scheduler).pipe(
          concatMap(() => options.poll().pipe(tap(() => (answered = true)), catchError(skipTransient))),
        ),
      ),
      scan((state, tasks) => {
        const graceOver = options.scheduler.now() - startedAt >= options.noTaskGraceMs
        return nextState(state, countedTasks(tasks, options.select, state.emitted, graceOver), graceOver)
      }, initial),
      takeWhile((state) => !state.done, true),
      mergeMap((state) => state.changed),
    )
    const neverAnswered$ = defer(() => (answered || lastFailure === undefined ? EMPTY : throwError(() => lastFailure?.error)))
    return concat(watch$, neverAnswered$)
  })
}

// ---- rules, each testable alone ------------------------------------------------------------------

/**
 * A task counts when it is an upload/download task of this sync's scope and not a stale one.
 * `seen` holds the identities already emitted by this watch: such a task was seen in another
 * state after the trigger, so it is this sync's own even if it ends exactly like a stale one
 * (same mount, start and finish second, and status — back-to-back syncs, issue 6).
 */
export function isCountedTask(task: ContextStatusData, select: TaskSelector, seen: ReadonlyMap<string, string> = new Map()): boolean {
  if (!isSyncMode(task.taskType)) return false
  if (select.mode !== undefined && task.taskType !== select.mode) return false
  if (select.contextId !== undefined && task.contextId !== select.contextId) return false
  if (select.path !== undefined && task.path !== select.path) return false
  if (seen.has(taskIdentity(task))) return true
  return !(select.staleTasks ?? []).some((stale) => isSameFinishedTask(stale, task))
}

/**
 * The tasks one poll counts. Once the grace period is over with nothing of this sync seen, tasks
 * that look exactly like pre-trigger ones count after all: times have one-second resolution, so a
 * sync that ended within the same second as the previous one, with the same result, cannot be told
 * apart from it. Reporting that task's state is safer than reading "no tasks" as success (issue 6).
 */
export function countedTasks(
  tasks: readonly ContextStatusData[],
  select: TaskSelector,
  seen: ReadonlyMap<string, string>,
  graceOver: boolean,
): ContextStatusData[] {
  const counted = tasks.filter((task) => isCountedTask(task, select, seen))
  if (counted.length > 0 || seen.size > 0 || !graceOver) return counted
  return tasks.filter((task) => isCountedTask(task, { ...select, staleTasks: [] }))
}

/** The same terminal task as seen before the trigger: same identity and the same final state. */
export const isSameFinishedTask = (before: ContextStatusData, now: ContextStatusData): boolean =>
  isTerminalStatus(before.status) && taskIdentity(before) === taskIdentity(now) && taskState(before) === taskState(now)

export const taskIdentity = (task: ContextStatusData): string =>
  JSON.stringify([task.contextId, task.path, task.taskType, task.startTime])

/** What a subscriber cares about changing (issue 2: status, error message, finish time). */
export const taskState = (task: ContextStatusData): string =>
  JSON.stringify([task.status, task.errorMessage, task.finishTime])

/** Folds one poll's counted tasks into the watch state. */
export function nextState(state: WatchState, counted: readonly ContextStatusData[], graceOver: boolean): WatchState {
  const emitted = new Map(state.emitted)
  const changed: ContextStatusData[] = []
  for (const task of counted) {
    const identity = taskIdentity(task)
    const current = taskState(task)
    if (emitted.get(identity) !== current) {
      emitted.set(identity, current)
      changed.push(task)
    }
  }
  const allTerminal = counted.length > 0 && counted.every((task) => isTerminalStatus(task.status))
  const nothingToWaitFor = counted.length === 0 && emitted.size === 0 && graceOver
  return { emitted, changed, done: allTerminal || nothingToWaitFor }
}
