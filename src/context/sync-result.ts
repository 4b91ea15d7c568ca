import { catchError, map, of, throwError, toArray, type OperatorFunction } from 'rxjs'
import { pickContextStatusData, type ContextStatusData } from '../codecs/context-status.js'
import { failureFields } from '../adapters.js'
import { isSyncUnconfirmedError } from '../errors/sync-unconfirmed-error.js'
import { TASK_STATUS, isTerminalStatus } from '../wire/protocol.js'
import { mountKey } from './task-watch.js'
import type { ContextSyncResult } from './types.js'

/**
 * Folds a sync stream into a `ContextSyncResult`: `success` only when every task ended `Success`
 * and none was left in progress (a timeout). A `SyncUnconfirmedError` (contexts mounted, no task
 * seen) becomes `{ success: false, unconfirmed: true }`; other errors stay errors.
 *
 * @example
 * const result = await lastValueFrom(session.context.sync({ mode: 'upload' }).pipe(toSyncResult()))
 */
export function toSyncResult(
  requestId?: string,
): OperatorFunction<ContextStatusData & { readonly requestId?: string }, ContextSyncResult> {
  return (source) =>
    source.pipe(
      toArray(),
      map((seen) =>
        summarizeSync(requestId || seen.find((task) => task.requestId)?.requestId || '', seen.map(pickContextStatusData)),
      ),
      catchError((error: unknown) => (isSyncUnconfirmedError(error) ? of(failedSyncResult(error, requestId)) : throwError(() => error))),
    )
}

/**
 * The result for a sync whose tasks ended in these states. Only the last task seen per mount and
 * direction counts: GetContextInfo shows the latest task of a mount, so a task superseded by a
 * newer sync on the same mount is never seen to finish, and the newer task's outcome covers it
 * (issue 6: overlapping syncs were reported as timed out).
 */
export function summarizeSync(requestId: string, seen: readonly ContextStatusData[]): ContextSyncResult {
  const latest = new Map<string, ContextStatusData>()
  for (const task of seen) latest.set(mountKey(task), task) // a mount keeps the place where it first appeared
  const tasks = [...latest.values()]
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
