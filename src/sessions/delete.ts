import { catchError, concatMap, defer, filter, map, of, throwError, type Observable } from 'rxjs'
import { failureFields } from '../shared/adapters.js'
import type { ContextManager } from '../sync/context-manager.js'
import { pollUntil } from '../rpc/poll.js'
import { fixedSchedule } from '../rpc/poll-schedule.js'
import { toSyncResult } from '../sync/sync-result.js'
import type { ContextSyncResult } from '../sync/types.js'
import { isAgentBayError } from '../shared/errors/agentbay-error.js'
import { RequestTimeoutError } from '../shared/errors/request-timeout-error.js'
import { CODE_SESSION_NOT_FOUND, SESSION_STATUS_FINISH } from '../wire/protocol.js'
import { requireBoolean, requireOptions } from '../shared/arguments.js'
import { requireDeadline, requireDelay } from '../shared/duration.js'
import { requireSyncTimingOptions } from '../sync/sync-options.js'
import { DELETE_SESSION_KEYS, type DeleteSessionOptions, type DeleteSessionResult, type SessionDeps } from './types.js'

/** protocol §5.4: probe every second for up to 300 s. */
export const DELETE_DEFAULTS = { pollIntervalMs: 1000, timeoutMs: 300_000 } as const

/**
 * Deletes a session: optionally uploads its contexts first, then DeleteSessionAsync, then waits
 * until `GetSessionDetail` reports `FINISH` or fails with `InvalidMcpSession.NotFound` (by code).
 * A failed upload keeps the session unless `force` is set (protocol §7.4: no silent data loss).
 * Emits one `DeleteSessionResult`; remote failures of the delete itself are errors.
 */
export function deleteSession(client: SessionDeps, sessionId: string, context: ContextManager, options: DeleteSessionOptions): Observable<DeleteSessionResult> {
  return defer(() => {
    // `delete(true)` is the official SDK's syncContext flag: read as {} it would skip the upload.
    requireOptions(options, 'session.delete(options)', 'session.delete({ syncContext: true })', DELETE_SESSION_KEYS)
    // Checked whether or not syncContext asks for the upload: a bad value is a mistake either way.
    requireSyncTimingOptions(options.sync, 'session.delete(options): sync')
    if (options.syncContext !== undefined) requireBoolean(options.syncContext, 'syncContext')
    if (options.force !== undefined) requireBoolean(options.force, 'force')
    const pollIntervalMs = options.pollIntervalMs ?? DELETE_DEFAULTS.pollIntervalMs
    const timeoutMs = options.timeoutMs ?? DELETE_DEFAULTS.timeoutMs
    requireDelay(pollIntervalMs, 'pollIntervalMs')
    requireDeadline(timeoutMs, 'timeoutMs')
    const upload$: Observable<ContextSyncResult | undefined> = options.syncContext === true ? uploadFirst(context, options) : of(undefined)
    return upload$.pipe(
      concatMap((upload) => {
        if (upload !== undefined && !upload.success && options.force !== true) {
          return of<DeleteSessionResult>({
            requestId: upload.requestId,
            success: false,
            deleted: false,
            errorMessage: `session ${sessionId} was not deleted because the upload before delete failed (${upload.errorMessage ?? 'unknown reason'}); retry, or pass force: true to delete anyway`,
            ...(upload.error === undefined ? {} : { error: upload.error }),
            upload,
          })
        }
        return client.rpc('DeleteSessionAsync', { SessionId: sessionId }).pipe(
          concatMap((body) => {
            const requestId = body.RequestId ?? ''
            return waitUntilGone(client, sessionId, requestId, pollIntervalMs, timeoutMs).pipe(
              map((): DeleteSessionResult => {
                if (upload === undefined || upload.success) return { requestId, success: true, deleted: true, ...(upload === undefined ? {} : { upload }) }
                return {
                  requestId,
                  success: false,
                  deleted: true,
                  errorMessage: `session ${sessionId} was deleted (force) although the upload before delete failed: ${upload.errorMessage ?? 'unknown reason'}`,
                  upload,
                }
              }),
            )
          }),
        )
      }),
    )
  })
}

/** The upload before delete, folded to a result; a remote failure becomes a failed result, not an error. */
function uploadFirst(context: ContextManager, options: DeleteSessionOptions): Observable<ContextSyncResult> {
  return context.sync({ ...options.sync, mode: 'upload' }).pipe(
    toSyncResult(),
    catchError((error: unknown) => of(failedUpload(error))),
  )
}

/**
 * A remote failure of the upload before delete as a failed upload result, so `force` decides
 * on it like on a Failed task (the CLI's `session delete --sync --force` uses it too, issue 9
 * item 12). Aborts, invalid arguments and programming errors are rethrown.
 */
export const failedUpload = (error: unknown): ContextSyncResult => ({ ...failureFields(error), timedOut: false, tasks: [] })

/**
 * Probes `GetSessionDetail` every `pollIntervalMs` (counted from the previous answer) until the
 * session is gone, on the one `poll` operator: a transient probe failure skips that probe, any
 * other error ends the wait, and after `timeoutMs` (the probe in flight included, and aborted) it
 * errors with `RequestTimeoutError`.
 */
export function waitUntilGone(client: SessionDeps, sessionId: string, requestId: string, pollIntervalMs: number, timeoutMs: number): Observable<true> {
  return defer(() => {
    const { scheduler } = client.config
    const isGone$ = (): Observable<boolean> =>
      client.rpc('GetSessionDetail', { SessionId: sessionId }).pipe(
        map((body) => body.Data.Status === SESSION_STATUS_FINISH),
        catchError((error: unknown) => (isAgentBayError(error) && error.code === CODE_SESSION_NOT_FOUND ? of(true) : throwError(() => error))),
      )
    return pollUntil({
      request: isGone$,
      schedule: fixedSchedule(pollIntervalMs),
      deadline: scheduler.now() + timeoutMs,
      until: (gone) => gone,
      timeoutError: () => new RequestTimeoutError(`session ${sessionId} still exists ${timeoutMs} ms after DeleteSessionAsync`, { action: 'DeleteSessionAsync', requestId }),
      scheduler,
    }).pipe(
      filter((gone) => gone),
      map(() => true as const),
    )
  })
}
