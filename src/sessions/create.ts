import { SDK_VERSION } from '../shared/version.js'
import { EMPTY, catchError, concat, concatMap, defer, map, of, tap, type Observable } from 'rxjs'
import type { PollSchedule } from '../rpc/poll-schedule.js'
import { INITIAL_SYNC_FOLD, failedSyncResult, foldSyncTask, syncResultOf } from '../sync/sync-result.js'
import { latestTasks } from '../wire/task-model.js'
import { watchTasks } from '../sync/task-watch.js'
import type { ContextSyncResult } from '../sync/types.js'
import { requireOptions, requirePositiveInteger, requireText } from '../shared/arguments.js'
import { requireDelay } from '../shared/duration.js'
import { ApiError } from '../shared/errors/api-error.js'
import { SyncUnconfirmedError } from '../shared/errors/sync-unconfirmed-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { browserPersistenceItems, type PersistenceItem } from '../wire/policy/browser-context.js'
import { requireSyncList, serializePersistenceDataList } from '../wire/policy/context-sync.js'
import { serializeLabels } from './labels.js'
import type { SessionCreateEvent, SessionFactory } from './session.js'
import { DOWNLOAD_WAIT_KEYS, type CreateSessionOptions, type DownloadWaitOptions, type SessionDeps, type SessionInfo } from './types.js'

/** Sent as `SdkStats` on every CreateMcpSession (protocol §3.1). */
export const SDK_STATS = JSON.stringify({ source: 'sdk', sdk_language: 'typescript', sdk_version: SDK_VERSION, is_release: true, framework: '' })

/** protocol §5.3: poll at once, then 500 ms growing ×1.1 per poll, capped at 5 s. */
export const downloadWaitSchedule =
  (initialMs = 500, factor = 1.1, capMs = 5000): PollSchedule =>
  (pollIndex) =>
    pollIndex === 0 ? 0 : Math.min(capMs, initialMs * factor ** (pollIndex - 1))

export const DOWNLOAD_WAIT_DEFAULTS = { maxPolls: 50, noTaskGraceMs: 3000 } as const

/**
 * CreateMcpSession, then — when contexts are mounted — the wait for their download tasks through
 * the shared `watchTasks` pipeline. Emits `created`, each `task` update, and finally `session`
 * whose `downloads` tells whether every download succeeded. A failed wait never loses the session.
 * The caller has checked that `options` is one object of known keys (each entry point once, with its
 * own call form); the values are checked here, at subscribe.
 */
export function createSessionEvents(client: SessionDeps, options: CreateSessionOptions, makeSession: SessionFactory): Observable<SessionCreateEvent> {
  return defer(() => {
    // official-sdk-calls §5.1: a browser context is extra PersistenceDataList items, after the user's.
    const browserItems = options.browserContext === undefined ? [] : browserPersistenceItems(options.browserContext)
    const params = createParams(options, browserItems, client.config.regionId)
    const wait = normalizeDownloadWait(options.downloadWait)
    // A mount whose policy turns autoDownload off gets no download task: nothing to wait for. The
    // browser items all download (their policies leave autoDownload on or to the server's default).
    const mounts = (options.contextSync ?? []).filter((sync) => sync.policy?.downloadPolicy?.autoDownload !== false).length + browserItems.length
    return client.rpc('CreateMcpSession', params).pipe(
      concatMap((body) => {
        const requestId = body.RequestId ?? ''
        // protocol §3.1: `Data.Success === false` is a failure even inside a successful envelope.
        if (body.Data.Success === false) {
          throw new ApiError(body.Data.ErrMsg ?? 'the service reported Data.Success=false', { action: 'CreateMcpSession', requestId })
        }
        const sessionId = body.Data.SessionId
        const info: SessionInfo = {
          ...(body.Data.ResourceUrl === undefined ? {} : { resourceUrl: body.Data.ResourceUrl }),
          // What the session was created with: its unscoped syncs need not ask GetSession (issue 9).
          mountedContextIds: [...(options.contextSync ?? []).map((sync) => sync.contextId), ...browserItems.map((item) => item.ContextId)],
        }
        const created: SessionCreateEvent = { kind: 'created', requestId, session: makeSession(sessionId, info) }
        if (mounts === 0) return of(created, { kind: 'session', requestId, session: makeSession(sessionId, info) } as const)
        return concat(of(created), waitForDownloads(client, sessionId, requestId, mounts, wait, info, makeSession))
      }),
    )
  })
}

/** protocol §3.1 request fields, in the order the reference inserts them. */
function createParams(options: CreateSessionOptions, browserItems: readonly PersistenceItem[], regionId: string | undefined): Record<string, string | undefined> {
  if (options.imageId !== undefined) requireText(options.imageId, 'imageId')
  const syncs = options.contextSync ?? []
  requireSyncList(syncs)
  return {
    ImageId: options.imageId,
    Labels: options.labels === undefined ? undefined : serializeLabels(options.labels, { allowEmpty: true }),
    LoginRegionId: regionId,
    PersistenceDataList: syncs.length + browserItems.length === 0 ? undefined : serializePersistenceDataList(syncs, browserItems),
    SdkStats: SDK_STATS,
  }
}

interface NormalizedDownloadWait {
  readonly maxPolls: number
  readonly schedule: PollSchedule
  readonly noTaskGraceMs: number
}

function normalizeDownloadWait(given: DownloadWaitOptions | undefined): NormalizedDownloadWait {
  const options = requireOptions(given, 'agentBay.create(options): downloadWait', 'downloadWait: { maxPolls, schedule, noTaskGraceMs }', DOWNLOAD_WAIT_KEYS)
  const maxPolls = options.maxPolls ?? DOWNLOAD_WAIT_DEFAULTS.maxPolls
  const noTaskGraceMs = options.noTaskGraceMs ?? DOWNLOAD_WAIT_DEFAULTS.noTaskGraceMs
  requirePositiveInteger(maxPolls, 'downloadWait.maxPolls')
  requireDelay(noTaskGraceMs, 'downloadWait.noTaskGraceMs')
  if (options.schedule !== undefined && typeof options.schedule !== 'function') throw new ValidationError('downloadWait.schedule must be a function')
  return { maxPolls, noTaskGraceMs, schedule: options.schedule ?? downloadWaitSchedule() }
}

/**
 * The creation-time download wait (protocol §5.3), on the one polling pipeline. Only download
 * tasks count; there are no stale tasks in a new session. Failed and timed-out downloads are
 * reported in `downloads` (protocol §7.4), and so are a poll that fails for good and a wait that
 * never saw a download task although `mounts` contexts download (`unconfirmed`), instead of
 * erroring, because the session exists and the caller must be able to delete it.
 */
function waitForDownloads(
  client: SessionDeps,
  sessionId: string,
  requestId: string,
  mounts: number,
  wait: NormalizedDownloadWait,
  info: SessionInfo,
  makeSession: SessionFactory,
): Observable<SessionCreateEvent> {
  return defer(() => {
    // The watch's tasks, folded by the one reducer as they come: a failure later still reports them.
    let fold = INITIAL_SYNC_FOLD
    const poll = () => client.rpc('GetContextInfo', { SessionId: sessionId }).pipe(map((body) => body.Data?.ContextStatus ?? []))
    let failure: ContextSyncResult | undefined
    const tasks$ = watchTasks({
      poll,
      select: { mode: 'download' },
      schedule: wait.schedule,
      maxPolls: wait.maxPolls,
      noTaskGraceMs: wait.noTaskGraceMs,
      nothingSeen: (waitedMs) =>
        new SyncUnconfirmedError(`no download task appeared within ${Math.round(waitedMs)} ms, although ${mounts} mounted context(s) download at creation`, { requestId }),
      scheduler: client.config.scheduler,
    }).pipe(
      tap((task) => (fold = foldSyncTask(fold, task))),
      map((task): SessionCreateEvent => ({ kind: 'task', task })),
      catchError((error: unknown) => {
        failure = failedSyncResult(error, requestId, latestTasks(fold.tasks))
        return EMPTY
      }),
    )
    const ready$ = defer(() => {
      const downloads = failure ?? syncResultOf(fold, requestId)
      if (!downloads.success) client.config.logger.warn(`session ${sessionId}: context download incomplete: ${downloads.errorMessage ?? ''}`)
      return of<SessionCreateEvent>({ kind: 'session', requestId, session: makeSession(sessionId, { ...info, downloads }), downloads })
    })
    return concat(tasks$, ready$)
  })
}
