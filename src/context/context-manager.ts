import { concatMap, defer, filter, map, mergeMap, startWith, tap, toArray, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs'
import { pickContextStatusData, type ContextStatusData } from '../codecs/context-status.js'
import type { AsyncOptions } from '../adapters.js'
import { failureFields, lastValueWithSignal } from '../adapters.js'
import type { Logger } from '../config.js'
import { ValidationError } from '../errors/validation-error.js'
import type { Rpc } from '../transport/rpc.js'
import { isSyncMode, isTerminalStatus } from '../wire/protocol.js'
import { normalizeSyncOptions, type SyncOptions } from './sync-options.js'
import { summarizeSync } from './sync-result.js'
import { coalescerFor, type PollAnswer, type PollFreshness } from './poll-coalescer.js'
import { watchTasks } from './task-watch.js'
import type { ContextInfoFilter, ContextInfoResult, ContextSyncResult, SyncTaskStatus } from './types.js'

/** What a `ContextManager` needs from its client. */
export interface ContextManagerDeps {
  readonly rpc: Rpc
  readonly scheduler: SchedulerLike
  readonly logger: Logger
}

/** Options of `syncAsync`: the sync options, an `AbortSignal`, and the reference callback form. */
export interface SyncAsyncOptions extends SyncOptions, AsyncOptions {
  /**
   * Callback form: the promise resolves right after the trigger and `callback(success)` is called
   * exactly once when the sync ends (also with `false` on failure or abort).
   */
  readonly callback?: (success: boolean) => void
}

type SyncEvent = { readonly kind: 'triggered'; readonly requestId: string } | { readonly kind: 'task'; readonly task: SyncTaskStatus }

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
    return defer(() => {
      validateInfoFilter(filter)
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
   * Completes when every task is terminal (a `Failed` task is emitted, not thrown), when no task
   * shows up within the grace period, or when the poll budget runs out.
   */
  sync(options: SyncOptions = {}): Observable<SyncTaskStatus> {
    return this.syncEvents(options).pipe(
      filter((event): event is Extract<SyncEvent, { kind: 'task' }> => event.kind === 'task'),
      map((event) => event.task),
    )
  }

  /** Alias of `info()`, under the `$` name the product docs use for observables. */
  info$(filter: ContextInfoFilter = {}): Observable<ContextInfoResult> {
    return this.info(filter)
  }

  /** Alias of `sync()`, under the `$` name the product docs use for observables. */
  sync$(options: SyncOptions = {}): Observable<SyncTaskStatus> {
    return this.sync(options)
  }

  /** Promise form of `info()`: remote failures resolve to `{ success: false, errorMessage, error }`. */
  infoAsync(filter: ContextInfoFilter = {}, options: AsyncOptions = {}): Promise<ContextInfoResult> {
    return lastValueWithSignal(this.info(filter), options.signal).catch((error: unknown) => ({
      ...failureFields(error),
      contextStatusData: [],
    }))
  }

  /**
   * Promise form of `sync()`, resolving to a `ContextSyncResult` when the sync ends; with
   * `callback`, resolves right after the trigger and reports the outcome through the callback.
   */
  syncAsync(options: SyncAsyncOptions = {}): Promise<ContextSyncResult> {
    const { callback, signal, ...syncOptions } = options
    if (callback === undefined) return this.syncResult(this.syncEvents(syncOptions), signal)
    return new Promise<ContextSyncResult>((resolve, reject) => {
      let triggered = false
      const events$ = this.syncEvents(syncOptions).pipe(
        tap((event) => {
          if (event.kind !== 'triggered') return
          triggered = true
          resolve({ requestId: event.requestId, success: true, timedOut: false, tasks: [] })
        }),
      )
      this.syncResult(events$, signal).then(
        (outcome) => {
          resolve(outcome) // no-op once resolved at the trigger; carries a trigger failure otherwise
          this.reportOnce(callback, outcome.success)
        },
        (error: unknown) => {
          // Invalid arguments reject and nothing was started, so there is nothing to report;
          // an abort after the trigger ends the sync, which the callback learns as `false`.
          reject(error)
          if (triggered) this.reportOnce(callback, false)
        },
      )
    })
  }

  // ---- internals ---------------------------------------------------------------------------------

  private syncEvents(options: SyncOptions): Observable<SyncEvent> {
    return defer(() => {
      const normalized = normalizeSyncOptions(options)
      const scope = { contextId: normalized.contextId, path: normalized.path }
      // This subscription's own view of the shared polls: never older than the trigger, never the same answer twice.
      let lastSentAt: number | undefined
      const poll = (notBefore: number): Observable<readonly ContextStatusData[]> =>
        this.pollTasks(scope, { notBefore, ...(lastSentAt === undefined ? {} : { after: lastSentAt }) }).pipe(
          map(({ answer, sentAt }) => {
            lastSentAt = sentAt
            return answer
          }),
        )
      // Terminal tasks seen before the trigger belong to earlier syncs and must never end this one (protocol §7.3).
      const baseline$ = poll(this.deps.scheduler.now()).pipe(
        map((tasks) => tasks.filter((task) => isTerminalStatus(task.status))),
      )
      return baseline$.pipe(
        concatMap((staleTasks) =>
          this.deps
            .rpc('SyncContext', {
              SessionId: this.sessionId,
              ContextId: normalized.contextId,
              Path: normalized.path,
              Mode: normalized.mode,
            })
            .pipe(map((body) => ({ requestId: body.RequestId ?? '', staleTasks }))),
        ),
        mergeMap(({ requestId, staleTasks }) => {
          const triggeredAt = this.deps.scheduler.now()
          const tasks$ = watchTasks({
            poll: () => poll(triggeredAt),
            select: { ...scope, mode: normalized.mode, staleTasks },
            schedule: normalized.schedule,
            maxPolls: normalized.maxRetries,
            budgetMs: normalized.budgetMs,
            noTaskGraceMs: normalized.noTaskGraceMs,
            scheduler: this.deps.scheduler,
          }).pipe(map((task): SyncEvent => ({ kind: 'task', task: { ...task, requestId } })))
          return tasks$.pipe(startWith<SyncEvent>({ kind: 'triggered', requestId }))
        }),
      )
    })
  }

  /**
   * One `GetContextInfo` poll of this session and scope, shared with identical polls of other
   * streams when fresh enough for this one (see `PollCoalescer`).
   */
  private pollTasks(scope: ContextInfoFilter, freshness: PollFreshness): Observable<PollAnswer<readonly ContextStatusData[]>> {
    const params = infoParams(this.sessionId, scope)
    return coalescerFor<readonly ContextStatusData[]>(this.deps.rpc, this.deps.scheduler).poll(
      JSON.stringify(params),
      freshness,
      () => this.deps.rpc('GetContextInfo', params).pipe(map((body) => body.Data?.ContextStatus ?? [])),
    )
  }

  private syncResult(events$: Observable<SyncEvent>, signal: AbortSignal | undefined): Promise<ContextSyncResult> {
    return lastValueWithSignal(events$.pipe(foldSyncEvents()), signal).catch(
      (error: unknown): ContextSyncResult => ({ ...failureFields(error), timedOut: false, tasks: [] }),
    )
  }

  /** protocol §7.7: the reference may call a callback twice; ours is called once, even if it throws. */
  private reportOnce(callback: (success: boolean) => void, success: boolean): void {
    try {
      callback(success)
    } catch (error) {
      this.deps.logger.warn('sync callback threw; it is not called again', error)
    }
  }
}

/** Folds sync events into the reference result shape (`summarizeSync` keeps the last state per mount). */
const foldSyncEvents = (): OperatorFunction<SyncEvent, ContextSyncResult> => (source) =>
  source.pipe(
    toArray(),
    map((events) => {
      const requestId = events.find((event) => event.kind === 'triggered')?.requestId ?? ''
      const tasks = events.flatMap((event) => (event.kind === 'task' ? [pickContextStatusData(event.task)] : []))
      return summarizeSync(requestId, tasks)
    }),
  )

const infoParams = (sessionId: string, filter: ContextInfoFilter): Record<string, string | undefined> => ({
  SessionId: sessionId,
  ContextId: filter.contextId,
  Path: filter.path,
  TaskType: filter.taskType,
})

function validateInfoFilter(filter: ContextInfoFilter): void {
  if (filter.taskType !== undefined && !isSyncMode(filter.taskType)) {
    throw new ValidationError(`taskType must be 'upload' or 'download', got ${JSON.stringify(filter.taskType)}`)
  }
}
