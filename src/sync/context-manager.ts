import { Observable, catchError, concatMap, defer, filter, forkJoin, map, of, throwError, type MonoTypeOperatorFunction, type Observer, type SchedulerLike, type Subscriber } from 'rxjs'
import type { ContextStatusData } from '../wire/codecs/context-status.js'
import type { AsyncOptions } from '../shared/adapters.js'
import { failureFields, lastValueWithSignal, requireAbortSignal } from '../shared/adapters.js'
import type { Logger } from '../http/config.js'
import { withDeadline } from '../shared/duration.js'
import { RequestTimeoutError } from '../shared/errors/request-timeout-error.js'
import { SyncUnconfirmedError } from '../shared/errors/sync-unconfirmed-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { PollCursor } from '../rpc/poll-coalescer.js'
import { isTransientError } from '../rpc/retry.js'
import type { Rpc } from '../rpc/rpc.js'
import { isTerminalStatus } from '../wire/protocol.js'
import { SIGNAL_ONLY, requireOptions, withSignal, type KnownKeys } from '../shared/arguments.js'
import { SYNC_FORM, SYNC_OPTION_KEYS, normalizeSyncOptions, requireOptionsObject, requireSyncScope, type NormalizedSyncOptions, type SyncOptions } from './sync-options.js'
import { SyncRun, type SyncEvent } from './sync-run.js'
import { watchTasks, type TaskSelector } from './task-watch.js'
import type { ContextInfoFilter, ContextInfoResult, ContextSyncResult, SyncTaskStatus, SyncTriggerResult } from './types.js'

/** What a `ContextManager` needs from its client. */
export interface ContextManagerDeps {
  readonly rpc: Rpc
  readonly scheduler: SchedulerLike
  readonly logger: Logger
  /**
   * Ids of the contexts mounted in the session, when the handle knows them (`agentBay.get`).
   * Unknown: an unscoped sync asks `GetSession` (protocol §3.5).
   */
  readonly mountedContextIds?: readonly string[]
}

/** Options of `syncAsync`: the sync options and an `AbortSignal`. */
export type SyncAsyncOptions = SyncOptions & AsyncOptions

/** The reference callback form of `syncAsync`. */
export interface SyncCallbackOptions extends SyncAsyncOptions {
  /**
   * Called exactly once with the outcome when the sync ends (`false` on failure, timeout, an
   * unconfirmed sync or an abort). The promise itself only reports the trigger.
   */
  readonly callback: (success: boolean) => void
}

const isTaskEvent = (event: SyncEvent): event is Extract<SyncEvent, { kind: 'task' }> => event.kind === 'task'

const INFO_FORM = 'info({ contextId, path, taskType })'
const SYNC_ASYNC_FORM = 'syncAsync({ contextId, path, mode, signal, callback })'
const INFO_FILTER_KEYS = { contextId: true, path: true, taskType: true } as const satisfies KnownKeys<ContextInfoFilter>
const SYNC_ASYNC_KEYS = { ...withSignal(SYNC_OPTION_KEYS), callback: true } as const satisfies KnownKeys<SyncCallbackOptions>

/**
 * Context sync for one session: `info()` and `sync()` as cold observables, with Promise adapters.
 *
 * @example
 * session.context.sync({ mode: 'upload' }).subscribe((task) => console.log(task.status))
 */
export class ContextManager {
  constructor(
    readonly sessionId: string,
    private readonly deps: ContextManagerDeps,
  ) {}

  /**
   * One `GetContextInfo` call as a cold observable: nothing is sent before subscribe,
   * unsubscribing aborts the request. Emits one result and completes; failures are errors.
   */
  info(filter: ContextInfoFilter = {}): Observable<ContextInfoResult> {
    const argumentCount = arguments.length
    return defer(() => {
      requireOptionsObject(filter, argumentCount, 'info', INFO_FORM, INFO_FILTER_KEYS)
      requireSyncScope(filter.contextId, filter.path, filter.taskType, 'taskType')
      return this.deps.rpc('GetContextInfo', infoParams(this.sessionId, filter))
    }).pipe(
      map((body) => ({
        requestId: body.RequestId ?? '',
        success: true,
        contextStatusData: body.Data?.ContextStatus ?? [],
      })),
    )
  }

  /**
   * Triggers `SyncContext`, then polls `GetContextInfo` and emits this sync's tasks as they change.
   * Completes when the latest task of every mount is terminal (a `Failed` task is emitted, not
   * thrown) or when the budget ends (a timeout: the fold sees a task still in progress). With
   * nothing mounted in its scope it completes at once after the trigger; with contexts mounted and
   * no task of this sync seen by the end of the budget it errors with `SyncUnconfirmedError`.
   */
  sync(options: SyncOptions = {}): Observable<SyncTaskStatus> {
    const argumentCount = arguments.length
    const checked = (): NormalizedSyncOptions => {
      requireOptionsObject(options, argumentCount, 'sync', SYNC_FORM, SYNC_OPTION_KEYS)
      return normalizeSyncOptions(options)
    }
    return this.syncEvents(checked).pipe(
      filter(isTaskEvent),
      map((event) => event.task),
    )
  }

  /** @deprecated Use `info()`: an unsuffixed method is the Observable (one naming rule, issue 10). */
  info$(...args: [filter?: ContextInfoFilter]): Observable<ContextInfoResult> {
    return this.info(...args)
  }

  /** @deprecated Use `sync()`: an unsuffixed method is the Observable (one naming rule, issue 10). */
  sync$(...args: [options?: SyncOptions]): Observable<SyncTaskStatus> {
    return this.sync(...args)
  }

  /** Promise form of `info()`: remote failures resolve to `{ success: false, errorMessage, error }`. */
  async infoAsync(filter: ContextInfoFilter = {}, options: AsyncOptions = {}): Promise<ContextInfoResult> {
    const { signal } = requireOptions(options, 'session.context.infoAsync(filter, options)', 'session.context.infoAsync(filter, { signal })', SIGNAL_ONLY)
    return lastValueWithSignal(this.info(filter), signal).catch((error: unknown) => ({
      ...failureFields(error),
      contextStatusData: [],
    }))
  }

  /**
   * Promise form of `sync()`, resolving to a `ContextSyncResult` when the sync ends. With
   * `callback` (the reference form) it resolves right after the trigger to a `SyncTriggerResult`,
   * which only says whether the sync started, and reports the outcome through the callback.
   * Invalid arguments reject (and the callback is never called).
   */
  syncAsync(options: SyncCallbackOptions): Promise<SyncTriggerResult>
  syncAsync(options?: SyncAsyncOptions): Promise<ContextSyncResult>
  syncAsync(options: SyncAsyncOptions | SyncCallbackOptions = {}): Promise<ContextSyncResult | SyncTriggerResult> {
    try {
      requireOptionsObject(options, arguments.length, 'syncAsync', SYNC_ASYNC_FORM, SYNC_ASYNC_KEYS)
      requireAbortSignal(options.signal)
      const { callback } = options as Partial<SyncCallbackOptions>
      if (callback !== undefined && typeof callback !== 'function') {
        throw new ValidationError(`callback must be a function (success: boolean) => void, got ${typeof callback}`)
      }
    } catch (error) {
      return Promise.reject(error)
    }
    const { callback, signal, ...syncOptions } = options as Partial<SyncCallbackOptions>
    // The object and its keys were checked above: only the values are left to check, at subscribe.
    const events$ = this.syncEvents(() => normalizeSyncOptions(syncOptions))
    return new Promise<ContextSyncResult | SyncTriggerResult>((resolve, reject) => new SyncRun(resolve, reject, signal, callback, this.deps.logger).start(events$))
  }

  // ---- internals ---------------------------------------------------------------------------------

  /** The sync's events; `options` checks and fills its options at subscribe (throwing `ValidationError`). */
  private syncEvents(options: () => NormalizedSyncOptions): Observable<SyncEvent> {
    return defer(() => this.syncEventsOf(options()))
  }

  /**
   * `syncEvents` once its options are checked. A method of its own, so the closures a waiting sync
   * keeps (its poll, its `nothingSeen`) do not keep `syncEvents`' scope, and through it the caller's
   * (issue 13 goal 4).
   */
  private syncEventsOf(normalized: NormalizedSyncOptions): Observable<SyncEvent> {
    const { scheduler } = this.deps
    // issue 9: the budget is a wall-clock deadline from subscribe, requests in flight included.
    const deadline = normalized.budgetMs > 0 ? scheduler.now() + normalized.budgetMs : undefined
    const scope = { contextId: normalized.contextId, path: normalized.path }
    // This subscription's own view of the shared polls: never older than the trigger, never the same answer twice.
    const cursor = new PollCursor()
    // Bound, not closures: a closure would keep this whole scope (and a context) for the sync's whole wait (issue 13 goal 4).
    const poll: () => Observable<readonly ContextStatusData[]> = this.pollTasks.bind(this, scope, cursor)
    // Terminal tasks seen before the trigger belong to earlier syncs and must never end this one (protocol §7.3).
    // A snapshot the official SDK never makes must not cost the sync its trigger: lost transiently, it is unknown.
    const baseline$ = poll().pipe(
      map((tasks): StaleTasks => tasks.filter((task) => isTerminalStatus(task.status))),
      this.unlessTransient<StaleTasks>('unknown', 'the pre-trigger task snapshot'),
    )
    const trigger$ = forkJoin([baseline$, this.expectedMounts(normalized)]).pipe(
      concatMap(([staleTasks, expected]) =>
        this.deps
          .rpc('SyncContext', {
            SessionId: this.sessionId,
            ContextId: normalized.contextId,
            Path: normalized.path,
            Mode: normalized.mode,
          })
          .pipe(map((body) => ({ requestId: body.RequestId ?? '', staleTasks, expected }))),
      ),
    )
    const triggerInTime$ =
      deadline === undefined
        ? trigger$
        : withDeadline(trigger$, normalized.budgetMs, scheduler, () => new RequestTimeoutError(`the sync was not triggered within its budget of ${normalized.budgetMs} ms`, { action: 'SyncContext' }))
    return triggerThenTasks(triggerInTime$, ({ requestId, staleTasks, expected }) => {
      // Nothing mounted in scope: no task can appear, so there is nothing to wait for (issue 9).
      if (expected === 0) return undefined
      cursor.restart()
      return watchTasks({
        poll,
        // Spelled out: on Node 20 (V8 11) `{ ...scope, more }` gives every object a hidden class of its own, held by each waiting sync.
        select: { contextId: scope.contextId, path: scope.path, mode: normalized.mode, staleTasks },
        schedule: normalized.schedule,
        maxPolls: normalized.maxRetries,
        ...(deadline === undefined ? {} : { deadline }),
        noTaskGraceMs: normalized.noTaskGraceMs,
        nothingSeen: unconfirmed.bind(undefined, expected, requestId),
        scheduler,
      })
    })
  }

  /**
   * How many mounted contexts this sync expects tasks from (`undefined`: some, number unknown).
   * A named `contextId` + `path` always expects its task; otherwise the session's mounts count,
   * from the handle when it knows them, else from `GetSession` (protocol §3.5).
   */
  private expectedMounts(options: NormalizedSyncOptions): Observable<number | undefined> {
    if (options.contextId !== undefined) return of(1)
    if (this.deps.mountedContextIds !== undefined) return of(this.deps.mountedContextIds.length)
    // A GetSession without a context list tells nothing: expect tasks rather than assume none. One lost
    // transiently tells nothing either; the trigger goes out anyway.
    return this.deps.rpc('GetSession', { SessionId: this.sessionId }).pipe(
      map((body) => body.Data.contexts?.length),
      this.unlessTransient<number | undefined>(undefined, 'GetSession (the mounts a sync expects)'),
    )
  }

  /**
   * A pre-trigger read that failed transiently (after the rpc's own retries) yields `unknown`, so the
   * sync is still triggered; any other failure stays an error: the trigger would fail the same way.
   */
  private unlessTransient<T>(unknown: T, what: string): MonoTypeOperatorFunction<T> {
    return catchError((error: unknown) => {
      if (!isTransientError(error)) return throwError(() => error)
      this.deps.logger.debug(`sync: ${what} failed transiently; triggering without it`, error)
      return of(unknown)
    })
  }

  /**
   * One `GetContextInfo` poll of this session and scope, shared with identical polls of other
   * streams when fresh enough for this one (see `PollCoalescer`).
   */
  private pollTasks(scope: ContextInfoFilter, cursor: PollCursor): Observable<readonly ContextStatusData[]> {
    return this.deps.rpc('GetContextInfo', infoParams(this.sessionId, scope), { coalesce: cursor }).pipe(map((body) => body.Data?.ContextStatus ?? []))
  }

}

type StaleTasks = NonNullable<TaskSelector['staleTasks']>

interface Trigger {
  readonly requestId: string
  readonly staleTasks: StaleTasks
  readonly expected: number | undefined
}

/**
 * The `triggered` event of `trigger$`'s one value, then the tasks `watch(trigger)` emits (none to
 * wait for: `undefined`), ending with them: what `mergeMap` and `concat` do for a source of one
 * value, as one subscriber (issue 13 goal 4: a thousand waiting syncs each hold it).
 */
function triggerThenTasks(trigger$: Observable<Trigger>, watch: (trigger: Trigger) => Observable<ContextStatusData> | undefined): Observable<SyncEvent> {
  // The subscriber holds the trigger's subscription, then the watch's: no Subscription of its own (issue 13 goal 4).
  return new Observable<SyncEvent>((subscriber) => {
    subscriber.add(trigger$.subscribe(triggerObserver(subscriber, watch)))
  })
}

/**
 * `triggerThenTasks`'s observer of the trigger. Its handlers are made here, not where `trigger$` is
 * in scope, so a waiting sync does not keep the trigger's operator chain alive through them.
 */
function triggerObserver(subscriber: Subscriber<SyncEvent>, watch: (trigger: Trigger) => Observable<ContextStatusData> | undefined): Partial<Observer<Trigger>> {
  let watching = false
  return {
    next: (trigger) => {
      const { requestId } = trigger
      subscriber.next({ kind: 'triggered', requestId })
      if (subscriber.closed) return
      try {
        const tasks$ = watch(trigger)
        if (tasks$ === undefined) return
        watching = true
        subscriber.add(tasks$.subscribe(new TaskEvents(subscriber, requestId)))
      } catch (error) {
        subscriber.error(error)
      }
    },
    error: (error: unknown) => subscriber.error(error),
    // Once tasks are watched, they end the sync.
    complete: () => {
      if (!watching) subscriber.complete()
    },
  }
}

/** The observer of the watched tasks: each one as a `task` event under the trigger's requestId (an object, not closures: issue 13 goal 4). */
class TaskEvents implements Observer<ContextStatusData> {
  constructor(
    private readonly subscriber: Subscriber<SyncEvent>,
    private readonly requestId: string,
  ) {}

  next(task: ContextStatusData): void {
    // Not `{ ...task, requestId }`: see `select` in `syncEvents` (the sync's fold keeps this copy).
    this.subscriber.next({ kind: 'task', task: Object.assign({}, task, { requestId: this.requestId }) })
  }

  error(error: unknown): void {
    this.subscriber.error(error)
  }

  complete(): void {
    this.subscriber.complete()
  }
}

const unconfirmed = (expected: number | undefined, requestId: string, waitedMs: number): SyncUnconfirmedError =>
  new SyncUnconfirmedError(
    `no sync task appeared within ${Math.round(waitedMs)} ms of the trigger, although ${expected === undefined ? 'contexts are' : `${expected} context(s) are`} mounted in its scope: its outcome is unknown`,
    { requestId }, // no action: SyncContext itself succeeded
  )

const infoParams = (sessionId: string, filter: ContextInfoFilter): Record<string, string | undefined> => ({
  SessionId: sessionId,
  ContextId: filter.contextId,
  Path: filter.path,
  TaskType: filter.taskType,
})
