import type { Observable, Observer, Subscription } from 'rxjs'
import type { Logger } from '../http/config.js'
import { abortReason } from '../shared/adapters.js'
import { INITIAL_WATCH_STATE, latestTasks, nextState } from '../wire/task-model.js'
import { INITIAL_SYNC_FOLD, failedSyncResult, foldSyncTask, syncResultOf } from './sync-result.js'
import type { ContextSyncResult, SyncTaskStatus, SyncTriggerResult } from './types.js'

/** What `ContextManager.syncEvents` emits: the trigger's answer, then this sync's tasks. */
export type SyncEvent = { readonly kind: 'triggered'; readonly requestId: string } | { readonly kind: 'task'; readonly task: SyncTaskStatus }

/**
 * One `syncAsync` call while it runs: it folds the sync's events into the outcome (the watch's own
 * reducer, `foldSyncTask`, under the trigger's requestId), bridges the `AbortSignal`, and settles
 * the promise (and, in the callback form, reports the outcome once). One object with prototype
 * methods, which is also the events' observer: a thousand waiting syncs each
 * hold one, where a Promise adapter, an outcome fold and a callback bridge held a dozen closures
 * (issue 13 goal 4).
 *
 * Settling follows `lastValueWithSignal`: the first of end and abort decides, synchronously; an
 * abort rejects with the signal's reason, and the listener is removed once settled. A failure
 * becomes `failedSyncResult` (remote failures and unconfirmed syncs resolve, the rest reject).
 */
export class SyncRun implements Observer<SyncEvent> {
  /**
   * The latest task of each mount, in the order the mounts first appeared: all the outcome is judged
   * on. Not the whole fold (its table of emitted states duplicates the watch's, which already emits
   * only changes): a waiting sync holds this array rather than a second pair of Maps (issue 13 goal 4).
   */
  private latest: readonly SyncTaskStatus[] = []
  private requestId = ''
  private triggered = false
  private settled = false
  private subscription: Subscription | undefined
  /**
   * The abort listener, a function: `requireAbortSignal` admits any object with `addEventListener`,
   * and one that calls its listeners would not call an object's `handleEvent`. Made only with a signal.
   */
  private onAbort: (() => void) | undefined

  /**
   * Without `callback`, `resolve` gets the outcome. With it (the reference form), `resolve` gets the
   * trigger's result as soon as it is known, and `callback` the outcome's success.
   */
  constructor(
    private resolve: (result: ContextSyncResult | SyncTriggerResult) => void,
    private reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
    private readonly callback: ((success: boolean) => void) | undefined,
    private readonly logger: Logger,
  ) {}

  start(events$: Observable<SyncEvent>): void {
    const { signal } = this
    if (signal?.aborted) return this.fail(abortReason(signal))
    if (signal !== undefined) {
      this.onAbort = () => this.abort()
      signal.addEventListener('abort', this.onAbort)
    }
    const subscription = events$.subscribe(this)
    this.subscription = subscription
    if (this.settled) subscription.unsubscribe() // aborted while subscribing
  }

  next(event: SyncEvent): void {
    if (event.kind === 'task') {
      this.latest = latestTasks(nextState(INITIAL_WATCH_STATE, [...this.latest, event.task]))
      return
    }
    this.requestId = event.requestId
    if (this.callback === undefined) return
    this.triggered = true
    this.resolve({ requestId: event.requestId, success: true, triggered: true })
    // Settled: the promise's resolving functions (and through them the promise and its result) are not kept while the sync waits.
    this.resolve = ignore
    this.reject = ignore
  }

  error(error: unknown): void {
    if (this.settle()) this.fail(error)
  }

  complete(): void {
    if (this.settle()) this.finish(syncResultOf(this.latest.reduce(foldSyncTask, INITIAL_SYNC_FOLD), this.requestId))
  }

  private abort(): void {
    if (!this.settle()) return
    this.subscription?.unsubscribe()
    this.fail(abortReason(this.signal!))
  }

  /** The first of end and abort decides; the other then does nothing. */
  private settle(): boolean {
    if (this.settled) return false
    this.settled = true
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort)
    this.onAbort = undefined
    return true
  }

  private fail(error: unknown): void {
    let outcome: ContextSyncResult
    try {
      outcome = failedSyncResult(error, this.requestId)
    } catch (rethrown) {
      // Invalid arguments reject and nothing was started, so there is nothing to report;
      // an abort after the trigger ends the sync, which the callback learns as `false`.
      this.reject(rethrown)
      if (this.callback !== undefined && this.triggered) this.report(false)
      return
    }
    this.finish(outcome)
  }

  private finish(outcome: ContextSyncResult): void {
    if (this.callback === undefined) return this.resolve(outcome)
    // No-op once resolved at the trigger; otherwise the sync failed before it was triggered.
    if (!outcome.success) {
      this.resolve({ requestId: outcome.requestId, success: false, triggered: false, errorMessage: outcome.errorMessage ?? '', error: outcome.error as NonNullable<ContextSyncResult['error']> })
    }
    this.report(outcome.success)
  }

  /**
   * protocol §7.7: the reference may call a callback twice; ours is called once, even if it throws.
   * After the promise's own callbacks, as when the outcome came through a promise.
   */
  private report(success: boolean): void {
    const { callback } = this
    void Promise.resolve().then(() => {
      try {
        // Called as a plain function, as before: `this` is not the run.
        callback!(success)
      } catch (error) {
        this.logger.warn('sync callback threw; it is not called again', error)
      }
    })
  }
}

const ignore = (): void => undefined
