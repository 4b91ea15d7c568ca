import { catchError, map, of, reduce, throwError, type OperatorFunction } from 'rxjs'
import { pickContextStatusData, type ContextStatusData } from '../wire/codecs/context-status.js'
import { failureFields } from '../shared/adapters.js'
import { isSyncUnconfirmedError } from '../shared/errors/sync-unconfirmed-error.js'
import { TASK_STATUS, isTerminalStatus } from '../wire/protocol.js'
import { INITIAL_WATCH_STATE, latestTasks, nextState, type WatchState } from '../wire/task-model.js'
import type { ContextSyncResult } from './types.js'

/**
 * Folds a sync stream into a `ContextSyncResult`: `success` only when every task ended `Success`
 * and none was left in progress (a timeout). A `SyncUnconfirmedError` (contexts mounted, no task
 * seen) becomes `{ success: false, unconfirmed: true }`; other errors stay errors. The fold is
 * the watch's own reducer (`foldSyncTasks`), so it keeps the latest task per mount, as the watch does.
 *
 * @example
 * const result = await lastValueFrom(session.context.sync({ mode: 'upload' }).pipe(toSyncResult()))
 */
export function toSyncResult(
  requestId?: string,
): OperatorFunction<ContextStatusData & { readonly requestId?: string }, ContextSyncResult> {
  return (source) =>
    source.pipe(
      foldSyncTasks(),
      map((fold) => syncResultOf(fold, requestId)),
      catchError((error: unknown) => (isSyncUnconfirmedError(error) ? of(failedSyncResult(error, requestId)) : throwError(() => error))),
    )
}

/** A sync's tasks folded by the one reducer, with the first `requestId` a task carried. */
export interface SyncFold {
  readonly tasks: WatchState<ContextStatusData>
  readonly requestId: string
}

export const INITIAL_SYNC_FOLD: SyncFold = { tasks: INITIAL_WATCH_STATE, requestId: '' }

/** One step of the sync fold: the watch's reducer (`nextState`) for one task. */
export const foldSyncTask = (fold: SyncFold, task: ContextStatusData & { readonly requestId?: string }): SyncFold => ({
  tasks: nextState(fold.tasks, [task]),
  requestId: fold.requestId || task.requestId || '',
})

/** Folds a task stream with `foldSyncTask`; emits the final fold once it completes (the initial one for no tasks). */
const foldSyncTasks = (): OperatorFunction<ContextStatusData & { readonly requestId?: string }, SyncFold> => (source) =>
  source.pipe(reduce(foldSyncTask, INITIAL_SYNC_FOLD))

/** The result of a folded sync; `requestId`, when given, wins over the one the tasks carried. */
export const syncResultOf = (fold: SyncFold, requestId?: string): ContextSyncResult =>
  summarizeLatest(requestId || fold.requestId, latestTasks(fold.tasks).map(pickContextStatusData))

/**
 * The result for a sync whose tasks ended in these states. Only the last task seen per mount and
 * direction counts: GetContextInfo shows the latest task of a mount, so a task superseded by a
 * newer sync on the same mount is never seen to finish, and the newer task's outcome covers it
 * (issue 6: overlapping syncs were reported as timed out).
 */
export function summarizeSync(requestId: string, seen: readonly ContextStatusData[]): ContextSyncResult {
  return summarizeLatest(requestId, latestTasks(nextState(INITIAL_WATCH_STATE, seen)))
}

/** The result for the latest task of each mount. */
function summarizeLatest(requestId: string, tasks: ContextStatusData[]): ContextSyncResult {
  const unfinished = tasks.filter((task) => !isTerminalStatus(task.status))
  const timedOut = unfinished.length > 0
  const failed = tasks.filter((task) => task.status === TASK_STATUS.failed)
  const success = !timedOut && failed.length === 0
  if (success) return { requestId, success, timedOut, tasks }
  const errorMessage = timedOut
    ? `sync timed out with ${unfinished.length} task(s) still in progress`
    : failed.map((task) => `${task.taskType} ${task.contextId}:${task.path} failed: ${task.errorMessage || 'no reason given'}`).join('; ')
  return { requestId, success, timedOut, tasks, errorMessage }
}

/**
 * A sync that ended in an error, in the result shape: remote failures and `SyncUnconfirmedError`
 * (then `unconfirmed: true`) resolve; invalid arguments, aborts and bugs are rethrown.
 */
export function failedSyncResult(error: unknown, requestId = '', tasks: readonly ContextStatusData[] = []): ContextSyncResult {
  const fields = failureFields(error)
  return {
    ...fields,
    requestId: fields.requestId || requestId,
    timedOut: false,
    ...(isSyncUnconfirmedError(error) ? { unconfirmed: true } : {}),
    tasks,
  }
}
