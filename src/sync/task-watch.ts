import { Observable, type SchedulerLike, type Subscriber } from 'rxjs'
import type { ContextStatusData } from '../wire/codecs/context-status.js'
import { isTerminalStatus, type SyncMode } from '../wire/protocol.js'
import { startPoll, type PollObserver } from '../rpc/poll.js'
import type { PollSchedule } from '../rpc/poll-schedule.js'
import { INITIAL_WATCH_STATE, nextState, taskIdentity, taskState, type WatchState } from '../wire/task-model.js'

// ---- options (the task model itself is in task-model.ts) ----------------------------------

/** Which tasks a watch counts. */
export interface TaskSelector {
  readonly contextId?: string
  readonly path?: string
  readonly mode?: SyncMode
  /**
   * Terminal tasks seen before the trigger: they belong to earlier syncs (protocol §7.3).
   * `'unknown'`: that snapshot failed (transiently), so any task first seen finished may be stale.
   */
  readonly staleTasks?: readonly ContextStatusData[] | 'unknown'
}

export interface TaskWatchOptions {
  /** One `GetContextInfo` poll: emits the task list once and completes. */
  readonly poll: () => Observable<readonly ContextStatusData[]>
  readonly select: TaskSelector
  readonly schedule: PollSchedule
  /** Poll budget; exhausting it completes the stream (a timeout, not an error). */
  readonly maxPolls: number
  /**
   * Wall-clock deadline in `scheduler.now()` units, the poll in flight included: when it passes the
   * poll is aborted and the stream completes (a timeout, not an error). Default: none.
   */
  readonly deadline?: number
  /**
   * How long after the start a task of this sync may take to appear: with none seen by then the
   * watch ends with `nothingSeen`. Until then, tasks that look exactly like stale ones (any task
   * first seen finished, when the stale set is unknown) are taken for stale (see `countedTasks`).
   */
  readonly noTaskGraceMs: number
  /**
   * The error when the watch ends without having seen a single counted task: tasks were expected,
   * so their outcome is unknown (issue 9: never "no task seen" as success). Gets the ms waited.
   */
  readonly nothingSeen: (waitedMs: number) => Error
  readonly scheduler: SchedulerLike
}

// ---- the pipeline ----------------------------------------------------------------------------

/**
 * Polls (lazily, on the one `poll` operator) until the latest task of every mount seen is terminal,
 * the budget (poll count or deadline) ends, or no task appeared within the grace period. Emits a task when it first appears and whenever its
 * state changes. A task that vanishes keeps its last state, so a watch never ends on it.
 * Transient poll failures skip that poll; other errors end the stream. Ending with nothing seen is
 * never a quiet completion: if no poll was answered it errors with the last poll failure, else
 * with `nothingSeen` (the caller expected tasks).
 */
export function watchTasks(options: TaskWatchOptions): Observable<ContextStatusData> {
  // One subscriber over the poll, not an operator chain: a thousand waiting syncs each hold one (issue 13 goal 4).
  return new Observable<ContextStatusData>((subscriber) =>
    startPoll(
      {
        request: options.poll,
        schedule: options.schedule,
        maxPolls: options.maxPolls,
        ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        scheduler: options.scheduler,
      },
      new TaskWatch(options, subscriber),
    ),
  )
}

/**
 * One subscription of `watchTasks`: the observer of its polls, as one object with prototype
 * methods rather than closures over a context, fed by `startPoll` directly rather than through a
 * subscriber of its own (issue 13 goal 4: a thousand waiting syncs each hold one).
 */
class TaskWatch implements PollObserver<readonly ContextStatusData[]> {
  private readonly startedAt: number
  private state: WatchState = INITIAL_WATCH_STATE
  /** The stale set unknown: the last poll's finished tasks held back as possibly an earlier sync's. */
  private heldBack = NONE_HELD_BACK

  constructor(
    private readonly options: TaskWatchOptions,
    private readonly subscriber: Subscriber<ContextStatusData>,
  ) {
    this.startedAt = options.scheduler.now()
  }

  /** Polling stops once the watch's subscriber is closed (it ended, or was unsubscribed). */
  get closed(): boolean {
    return this.subscriber.closed
  }

  // `startPoll` calls these directly, not through a Subscriber: a throw here (a bug) must end this
  // watch with that error, not escape into the poll (which would stop polling but keep waiting) or
  // into the scheduler (which would drop other syncs' queued actions).
  next(tasks: readonly ContextStatusData[]): void {
    try {
      this.count(tasks)
    } catch (error) {
      this.subscriber.error(error)
    }
  }

  error(error: unknown): void {
    this.subscriber.error(error)
  }

  /** The polls ended (budget), or the watch is done. */
  complete(): void {
    try {
      this.end()
    } catch (error) {
      this.subscriber.error(error)
    }
  }

  private count(tasks: readonly ContextStatusData[]): void {
    const { options, subscriber } = this
    const graceOver = options.scheduler.now() - this.startedAt >= options.noTaskGraceMs
    const counted = countedTasks(tasks, options.select, this.state.emitted, graceOver)
    this.heldBack = options.select.staleTasks === 'unknown' ? tasks.filter((task) => isInScope(task, options.select) && !counted.includes(task)) : NONE_HELD_BACK
    this.state = countTasks(this.state, counted, subscriber)
    if (subscriber.closed) return
    // A held-back task may be this sync's own (another mount's, finished before this poll): the
    // others being done does not end the wait before the grace period, after which it counts.
    // issue 9: nothing of this sync seen within the grace period ends the wait as unconfirmed.
    if ((this.state.done && this.heldBack.length === 0) || (graceOver && this.state.latest.size === 0)) this.end()
  }

  private end(): void {
    const { subscriber } = this
    // Out of budget before the grace period: a held-back task's state is safer to report than to drop.
    if (this.heldBack.length > 0) this.state = countTasks(this.state, this.heldBack, subscriber)
    if (subscriber.closed) return
    if (this.state.latest.size > 0) subscriber.complete()
    else subscriber.error(this.options.nothingSeen(this.options.scheduler.now() - this.startedAt))
  }
}

/** Shared, so a waiting sync with a known stale set holds no array of its own for it. */
const NONE_HELD_BACK: readonly ContextStatusData[] = []

/** Folds counted tasks into the state and emits those new or changed. */
function countTasks(state: WatchState, tasks: readonly ContextStatusData[], subscriber: Subscriber<ContextStatusData>): WatchState {
  const next = nextState(state, tasks)
  for (const task of next.changed) subscriber.next(task)
  return next
}

// ---- rules, each testable alone ------------------------------------------------------------------

/**
 * A task counts when it is a task of this sync's scope and direction and not a stale one (task
 * types other than upload/download never get here: they fail decoding, protocol §4).
 * `seen` holds the identities already emitted by this watch: such a task was seen in another
 * state after the trigger, so it is this sync's own even if it ends exactly like a stale one
 * (same mount, start and finish second, and status — back-to-back syncs, issue 6).
 */
export function isCountedTask(task: ContextStatusData, select: TaskSelector, seen: ReadonlyMap<string, string> = new Map()): boolean {
  if (!isInScope(task, select)) return false
  if (seen.has(taskIdentity(task))) return true
  const { staleTasks = [] } = select
  // No snapshot: only a task seen unfinished is surely this sync's; a finished one may be an earlier sync's.
  if (staleTasks === 'unknown') return !isTerminalStatus(task.status)
  return !staleTasks.some((stale) => isSameFinishedTask(stale, task))
}

/** A task of this sync's direction, context and path (whoever started it). */
const isInScope = (task: ContextStatusData, select: TaskSelector): boolean =>
  (select.mode === undefined || task.taskType === select.mode) &&
  (select.contextId === undefined || task.contextId === select.contextId) &&
  (select.path === undefined || task.path === select.path)

/**
 * The tasks one poll counts. Once the grace period is over with nothing of this sync seen, tasks
 * that look exactly like pre-trigger ones count after all: times have one-second resolution, so a
 * sync that ended within the same second as the previous one, with the same result, cannot be told
 * apart from it. Reporting that task's state is safer than reading "no tasks" as success (issue 6).
 * With the pre-trigger snapshot unknown, every task in scope counts once the grace period is over,
 * whatever else was seen: a mount whose task finished before the first poll must not be dropped
 * because another mount's task was seen running.
 */
export function countedTasks(
  tasks: readonly ContextStatusData[],
  select: TaskSelector,
  seen: ReadonlyMap<string, string>,
  graceOver: boolean,
): ContextStatusData[] {
  if (graceOver && select.staleTasks === 'unknown') return tasks.filter((task) => isInScope(task, select))
  const counted = tasks.filter((task) => isCountedTask(task, select, seen))
  if (counted.length > 0 || seen.size > 0 || !graceOver) return counted
  return tasks.filter((task) => isCountedTask(task, { ...select, staleTasks: [] }))
}

/** The same terminal task as seen before the trigger: same identity and the same final state. */
export const isSameFinishedTask = (before: ContextStatusData, now: ContextStatusData): boolean =>
  isTerminalStatus(before.status) && taskIdentity(before) === taskIdentity(now) && taskState(before) === taskState(now)
