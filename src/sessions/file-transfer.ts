import type { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import {
  EMPTY,
  Observable,
  catchError,
  concat,
  concatMap,
  defer,
  filter,
  finalize,
  ignoreElements,
  map,
  mergeMap,
  of,
  share,
  tap,
  type SchedulerLike,
} from 'rxjs'
import { isDone, openFileStream, withoutKind, type ContextService } from '../contexts/context-service.js'
import type { Logger } from '../http/config.js'
import { checkTransferOptions, isAsyncIterable, isWebStream, type DownloadStream, type TransferOptions } from '../http/transfer.js'
import type { Rpc } from '../rpc/rpc.js'
import type { AsyncOptions } from '../shared/adapters.js'
import { SIGNAL_ONLY, describeValue, requireBoolean, requireNonBlank, requireOptions, requireText, withSignal, type KnownKeys } from '../shared/arguments.js'
import { requireDeadline, withDeadline } from '../shared/duration.js'
import { ApiError } from '../shared/errors/api-error.js'
import { RequestTimeoutError } from '../shared/errors/request-timeout-error.js'
import { SyncUnconfirmedError } from '../shared/errors/sync-unconfirmed-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import type { ContextManager } from '../sync/context-manager.js'
import { requireSyncTimingOptions, type SyncTimingOptions } from '../sync/sync-options.js'
import { INITIAL_SYNC_FOLD, foldSyncTask, syncResultOf } from '../sync/sync-result.js'
import type { ContextSyncResult, SyncTaskStatus } from '../sync/types.js'
import type { SyncMode } from '../wire/protocol.js'
import type { CheckedSource, OpenedSource } from './local-files.js'

/** Node's streams, crypto and fs promises load with the first transfer that reads or writes a local file or stream, not with the SDK. */
const localFiles = (): Promise<typeof import('./local-files.js')> => import('./local-files.js')

// ---- model ---------------------------------------------------------------------------------------

/** `upload`: caller → session; `download`: session → caller. */
export type FileTransferDirection = 'upload' | 'download'

/**
 * What `files.upload` sends: a **local file path** (a string is a path here, not text), bytes, or a
 * stream (Node `Readable`, web `ReadableStream`, any `AsyncIterable<Uint8Array>`). A stream is read
 * once: subscribing again to the same upload cannot resend it.
 */
export type FileSource = string | Uint8Array | Readable | WebReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** The session's file-transfer context (calls doc §4.1), as `GetAndLoadInternalContext` answered. */
export interface FileTransferContext {
  /** The GetAndLoadInternalContext request. */
  readonly requestId: string
  /** The internal context's id (not listed by `context.list()`; removed with the session). */
  readonly contextId: string
  /** The folder in the session it mirrors, typically `/tmp/file-transfer/`; remote paths must lie below it. */
  readonly contextPath: string
}

/** What every file-transfer event carries: where, which way, through which context. */
export interface FileTransferEventBase {
  readonly direction: FileTransferDirection
  /** The file's absolute path in the session, as given. */
  readonly remotePath: string
  /** The session's file-transfer context the bytes pass through. */
  readonly contextId: string
  /** That context's folder in the session (typically `/tmp/file-transfer/`). */
  readonly contextPath: string
}

/** Bytes moved so far between the caller and the transfer context's storage (presigned PUT or GET). */
export interface FileTransferProgress extends FileTransferEventBase {
  readonly kind: 'progress'
  /** Bytes moved so far (monotonic). */
  readonly transferredBytes: number
  /** When known: the file's size, the bytes' length, `contentLength`, or the GET's Content-Length. */
  readonly totalBytes?: number
}

/** A state of the sync task between the storage and the session (`Pending`, `Running`, `Success`). */
export interface FileTransferSyncState extends FileTransferEventBase {
  readonly kind: 'sync'
  /** The task as `session.context.sync` emits it: `status`, `taskType`, `path`, `errorMessage`, the trigger's `requestId`. */
  readonly task: SyncTaskStatus
}

/** The last event of an upload: the file is at `remotePath` in the session. */
export interface FileUploadDone extends FileTransferEventBase {
  readonly kind: 'done'
  readonly direction: 'upload'
  /** The `SyncContext` request that placed the file in the session. */
  readonly requestId: string
  /** Bytes the PUT sent. */
  readonly transferredBytes: number
  /** The storage's `ETag` for the PUT, when it sent one. */
  readonly etag?: string
}

/** The last event of a download: the bytes, or where they were written. */
export interface FileDownloadDone extends FileTransferEventBase {
  readonly kind: 'done'
  readonly direction: 'download'
  /** The `SyncContext` request that copied the file out of the session. */
  readonly requestId: string
  /** Bytes the GET received. */
  readonly transferredBytes: number
  /** The file's bytes (without `to`). */
  readonly data?: Uint8Array
  /** Where the file was written (with `to`). */
  readonly localPath?: string
}

/** What `files.upload` emits: `progress`…, then `sync`…, then `done`. */
export type FileUploadEvent = FileTransferProgress | FileTransferSyncState | FileUploadDone
/** What `files.download` emits: `sync`…, then `progress`…, then `done`. */
export type FileDownloadEvent = FileTransferProgress | FileTransferSyncState | FileDownloadDone
/** What `uploadAsync` resolves to on success (inside the `Outcome`). */
export type FileUploadResult = Omit<FileUploadDone, 'kind'>
/** What `downloadAsync` resolves to on success (inside the `Outcome`). */
export type FileDownloadResult = Omit<FileDownloadDone, 'kind'>

/** How the sync step polls (`session.context.sync` options; the context, path and mode are the transfer's). */
export type FileTransferSyncOptions = SyncTimingOptions

/** Options of `files.upload` (checked before any request). */
export interface FileUploadOptions {
  /** Sent as `Content-Type` with the PUT. */
  readonly contentType?: string
  /** A stream's length in bytes (sent as Content-Length and used as `totalBytes`); paths and bytes know theirs. */
  readonly contentLength?: number
  /** Timing of the sync that places the file in the session (ms). Default: `SYNC_DEFAULTS`. */
  readonly sync?: FileTransferSyncOptions
  /** Deadline for the whole transfer, ms; then `RequestTimeoutError` and everything is aborted. Default: none (the sync has its own budget). */
  readonly timeoutMs?: number
}

/** Options of `files.download` (checked before any request). */
export interface FileDownloadOptions {
  /** Write the file here (through a temporary file renamed into place) instead of emitting its bytes. */
  readonly to?: string
  /** With `to`: replace an existing file. Default true; false refuses (ValidationError) before any request. */
  readonly overwrite?: boolean
  /** Timing of the sync that copies the file out of the session (ms). Default: `SYNC_DEFAULTS`. */
  readonly sync?: FileTransferSyncOptions
  /** Deadline for the whole transfer, ms; then `RequestTimeoutError` and everything is aborted. Default: none. */
  readonly timeoutMs?: number
}

/** What `FileTransfer` needs: the session's rpc and sync, and the context service's byte movers. */
export interface FileTransferDeps {
  readonly sessionId: string
  readonly rpc: Rpc
  readonly context: Pick<ContextManager, 'sync'>
  readonly storage: Pick<ContextService, 'upload' | 'download' | 'getFileDownloadUrl' | 'deleteFile'>
  /** Used to stream a download to a local file (`to`). Default: the global `fetch`. */
  readonly fetch?: typeof fetch | undefined
  readonly scheduler: SchedulerLike
  readonly logger: Logger
}

/** calls doc §4.1: the internal context type the SDKs ask for. */
export const FILE_TRANSFER_CONTEXT_TYPE = 'file_transfer'

const UPLOAD_KEYS = { contentType: true, contentLength: true, sync: true, timeoutMs: true } as const satisfies KnownKeys<FileUploadOptions>
const DOWNLOAD_KEYS = { to: true, overwrite: true, sync: true, timeoutMs: true } as const satisfies KnownKeys<FileDownloadOptions>

// ---- the service ---------------------------------------------------------------------------------

/**
 * `session.files`: file transfer between the caller's machine and the session, as the official
 * `uploadFile`/`downloadFile` do it (calls doc §4): through the session's file-transfer context
 * (`GetAndLoadInternalContext`), a presigned PUT or GET, and a context sync with the file's path.
 * Each transfer is one cold Observable of typed events — bytes moved, then the sync task's states,
 * then `done` — that completes on success, errors with a typed error (a `Failed` task is an
 * `ApiError` carrying the task's message), and aborts every request and poll on unsubscribe.
 * `…Async` forms resolve to `{ success, requestId, errorMessage?, … }`.
 *
 * @example
 * session.files.upload('./report.pdf', '/tmp/file-transfer/report.pdf').subscribe((event) => console.log(event.kind))
 * const back = await session.files.downloadAsync('/tmp/file-transfer/report.pdf', { to: './copy.pdf' })
 */
export class FileTransfer {
  /** calls doc §4.1: the SDKs ask once per session object; so does this (on success). */
  private known: FileTransferContext | undefined
  /**
   * The lookup in flight, shared by every transfer waiting for it: one request for transfers
   * started together. It ends (aborted) only when none of them waits any more, and is forgotten
   * once answered, so a failure is not kept: the next transfer asks again.
   */
  private readonly lookup$: Observable<FileTransferContext> = defer(() => this.loadContext()).pipe(share())

  constructor(private readonly deps: FileTransferDeps) {}

  /** The session's file-transfer context (`GetAndLoadInternalContext`), asked once per handle. */
  transferContext(): Observable<FileTransferContext> {
    return defer(() => (this.known !== undefined ? of(this.known) : this.lookup$))
  }

  /**
   * Uploads `source` to `remotePath` in the session (absolute, below the transfer context's path,
   * e.g. `/tmp/file-transfer/a.bin`): presigned PUT into the transfer context, then a download
   * sync into the session. The file appears at `remotePath` only once every byte arrived.
   */
  upload(source: FileSource, remotePath: string, options: FileUploadOptions = {}): Observable<FileUploadEvent> {
    return defer(() => {
      requireRemotePath(remotePath)
      requireSource(source)
      const checked = uploadOptions(options)
      const opened$ =
        source instanceof Uint8Array
          ? of<OpenedSource>({ totalBytes: source.byteLength, open: () => ({ body: source, close: () => undefined }) })
          : defer(localFiles).pipe(concatMap((files) => files.openSource(source, checked.contentLength)))
      return transferDeadline(
        opened$.pipe(concatMap((opened) => this.uploadFlow(opened, remotePath, checked))),
        checked.timeoutMs,
        this.deps.scheduler,
        `the upload to ${remotePath}`,
      )
    })
  }

  /**
   * Downloads `remotePath` from the session: an upload sync copies it into the transfer context,
   * then a presigned GET brings it back. `done` carries the bytes, or with `to` the local path
   * (written to a temporary file first, so `to` never holds half a file).
   */
  download(remotePath: string, options: FileDownloadOptions = {}): Observable<FileDownloadEvent> {
    return defer(() => {
      requireRemotePath(remotePath)
      const checked = downloadOptions(options)
      const to = checked.to
      const checkTarget$ = to === undefined ? EMPTY : defer(localFiles).pipe(concatMap((files) => files.requireWritableTarget(to, checked.overwrite)))
      return transferDeadline(
        concat(checkTarget$, this.downloadFlow(remotePath, checked)),
        checked.timeoutMs,
        this.deps.scheduler,
        `the download of ${remotePath}`,
      )
    })
  }

  // ---- Promise forms -------------------------------------------------------------------------

  /** Promise form of `transferContext()`. */
  async transferContextAsync(options: AsyncOptions = {}): Promise<Outcome<FileTransferContext>> {
    const { signal } = requireOptions(options, 'files.transferContextAsync(options)', 'files.transferContextAsync({ signal })', SIGNAL_ONLY)
    return toOutcome(this.transferContext(), signal)
  }

  /** Promise form of `upload`: resolves once the file is in the session. */
  async uploadAsync(source: FileSource, remotePath: string, options: FileUploadOptions & AsyncOptions = {}): Promise<Outcome<FileUploadResult>> {
    const { signal, ...rest } = requireOptions(options, 'files.uploadAsync(source, remotePath, options)', UPLOAD_FORM.replace('upload(', 'uploadAsync('), withSignal(UPLOAD_KEYS))
    return toOutcome(this.upload(source, remotePath, rest).pipe(filter(isDone), map(withoutKind)), signal)
  }

  /** Promise form of `download`: resolves with the bytes, or once the file is at `to`. */
  async downloadAsync(remotePath: string, options: FileDownloadOptions & AsyncOptions = {}): Promise<Outcome<FileDownloadResult>> {
    const { signal, ...rest } = requireOptions(options, 'files.downloadAsync(remotePath, options)', DOWNLOAD_FORM.replace('download(', 'downloadAsync('), withSignal(DOWNLOAD_KEYS))
    return toOutcome(this.download(remotePath, rest).pipe(filter(isDone), map(withoutKind)), signal)
  }

  // ---- flows ---------------------------------------------------------------------------------

  /** calls doc §4.2: context, presigned PUT, SyncContext(download) and its wait, DeleteContextFile. */
  private uploadFlow(opened: OpenedSource, remotePath: string, options: CheckedUpload): Observable<FileUploadEvent> {
    return this.contextFor(remotePath).pipe(
      concatMap((context) => {
        const base = eventBase('upload', remotePath, context)
        let put: { transferredBytes: number; etag?: string } = { transferredBytes: 0 }
        const transfer: TransferOptions = {
          ...(opened.totalBytes === undefined ? {} : { contentLength: opened.totalBytes }),
          ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
        }
        const bytes$ = defer(() => {
          const data = opened.open()
          return this.deps.storage.upload(context.contextId, remotePath, data.body, transfer).pipe(finalize(data.close))
        }).pipe(
          mergeMap((event) => {
            if (event.kind === 'progress') return of(progressEvent(base, event))
            put = { transferredBytes: event.transferredBytes, ...(event.etag === undefined ? {} : { etag: event.etag }) }
            return EMPTY
          }),
        )
        return this.syncThenFinish(base, 'download', options.sync, bytes$, (requestId): Observable<FileUploadEvent> =>
          of({ ...base, kind: 'done', direction: 'upload', requestId, ...put }),
        )
      }),
    )
  }

  /** calls doc §4.3: context, SyncContext(upload) and its wait, presigned GET, DeleteContextFile. */
  private downloadFlow(remotePath: string, options: CheckedDownload): Observable<FileDownloadEvent> {
    return this.contextFor(remotePath).pipe(
      concatMap((context) => {
        const base = eventBase('download', remotePath, context)
        return this.syncThenFinish(base, 'upload', options.sync, EMPTY, (requestId): Observable<FileDownloadEvent> => {
          if (options.to === undefined) {
            return this.deps.storage.download(context.contextId, remotePath).pipe(
              map((event): FileDownloadEvent => {
                if (event.kind === 'progress') return progressEvent(base, event)
                return { ...base, kind: 'done', direction: 'download', requestId, transferredBytes: event.transferredBytes, data: event.data }
              }),
            )
          }
          const to = options.to
          let written = 0
          return this.saveTo(context.contextId, remotePath, to, options.overwrite).pipe(
            map((event) => progressEvent(base, event)),
            tap((event) => (written = event.transferredBytes)),
            (progress$) => concat(progress$, defer(() => of<FileDownloadEvent>({ ...base, kind: 'done', direction: 'download', requestId, transferredBytes: written, localPath: to }))),
          )
        })
      }),
    )
  }

  /**
   * `before$`, then the sync (its task states as events; a `Failed` or unfinished task is an error),
   * then `after(requestId)`, then the staging object's removal (TS SDK step 6; a failure is only
   * logged), then `after`'s last event (`done`), so the stream completes with nothing left running.
   */
  private syncThenFinish<E extends FileUploadEvent | FileDownloadEvent>(
    base: FileTransferEventBase,
    mode: SyncMode,
    syncOptions: FileTransferSyncOptions,
    before$: Observable<E>,
    after: (requestId: string) => Observable<E>,
  ): Observable<E> {
    return defer(() => {
      // The tasks folded by the one sync fold, judged by the one sync result (`syncResultOf`).
      let fold = INITIAL_SYNC_FOLD
      const sync$ = this.deps.context.sync({ ...syncOptions, contextId: base.contextId, path: base.remotePath, mode }).pipe(
        tap((task) => (fold = foldSyncTask(fold, task))),
        map((task) => ({ ...base, kind: 'sync', task }) as E),
      )
      const afterSync$ = defer(() => {
        const requestId = requireSynced(syncResultOf(fold), base, mode)
        let done: E | undefined
        const rest$ = after(requestId).pipe(
          mergeMap((event) => {
            if (event.kind !== 'done') return of(event)
            done = event
            return EMPTY
          }),
        )
        return concat(rest$, this.removeStaged(base), defer(() => (done === undefined ? EMPTY : of(done))))
      })
      return concat(before$, sync$, afterSync$)
    })
  }

  private removeStaged(base: FileTransferEventBase): Observable<never> {
    return defer(() => this.deps.storage.deleteFile(base.contextId, base.remotePath)).pipe(
      ignoreElements(),
      catchError((error: unknown) => {
        this.deps.logger.warn(`file transfer: could not remove the staged copy of ${base.remotePath} from context ${base.contextId}`, error)
        return EMPTY
      }),
    )
  }

  /** The transfer context, and a check that `remotePath` lies below its path (before any byte moves). */
  private contextFor(remotePath: string): Observable<FileTransferContext> {
    return this.transferContext().pipe(
      tap((context) => {
        const root = context.contextPath.replace(/\/+$/, '')
        const rest = remotePath.startsWith(`${root}/`) ? remotePath.slice(root.length).replace(/^\/+/, '') : ''
        if (rest === '') throw new ValidationError(`remotePath must name a file below the session's file-transfer folder ${context.contextPath}, got ${JSON.stringify(remotePath)}`)
      }),
    )
  }

  private loadContext(): Observable<FileTransferContext> {
    return this.deps.rpc('GetAndLoadInternalContext', { SessionId: this.deps.sessionId, 'ContextTypes.1': FILE_TRANSFER_CONTEXT_TYPE }).pipe(
      map((body) => {
        const requestId = body.RequestId ?? ''
        // calls doc §4.1: the first item having both an id and a path.
        const item = body.Data.find((candidate) => candidate.ContextId && candidate.ContextPath)
        if (item === undefined) throw new ApiError('the answer names no context with both ContextId and ContextPath', { action: 'GetAndLoadInternalContext', requestId })
        const context: FileTransferContext = { requestId, contextId: item.ContextId!, contextPath: item.ContextPath! }
        this.known = context
        return context
      }),
    )
  }

  /**
   * The presigned GET (`openFileStream`) into a local file through a temporary one (`saveStream`).
   * Unsubscribing aborts the GET and removes the temporary file.
   */
  private saveTo(contextId: string, remotePath: string, to: string, overwrite: boolean): Observable<BytesMoved> {
    return openFileStream(this.deps.storage, this.deps.fetch ?? globalThis.fetch, contextId, remotePath).pipe(
      concatMap((opened) => saveStream(opened, to, overwrite)),
    )
  }
}

// ---- steps and checks ----------------------------------------------------------------------------

const UPLOAD_FORM = 'files.upload(source, remotePath, { contentType, contentLength, sync, timeoutMs })'
const DOWNLOAD_FORM = 'files.download(remotePath, { to, overwrite, sync, timeoutMs })'

interface CheckedUpload {
  readonly contentType: string | undefined
  readonly contentLength: number | undefined
  readonly sync: FileTransferSyncOptions
  readonly timeoutMs: number | undefined
}

interface CheckedDownload {
  readonly to: string | undefined
  readonly overwrite: boolean
  readonly sync: FileTransferSyncOptions
  readonly timeoutMs: number | undefined
}

/** Absolute, naming a file, without `..`: checked before any request. */
function requireRemotePath(remotePath: unknown): asserts remotePath is string {
  requireText(remotePath, 'remotePath')
  // Not a path at all, it may be anything (a key given by mistake): shown as every bad value is.
  if (!remotePath.startsWith('/')) throw new ValidationError(`remotePath must be an absolute path in the session (e.g. /tmp/file-transfer/a.txt), got ${describeValue(remotePath)}`)
  if (remotePath.endsWith('/')) throw new ValidationError(`remotePath must name a file, not a folder, got ${JSON.stringify(remotePath)}`)
  if (remotePath.split('/').includes('..')) throw new ValidationError(`remotePath must not contain '..', got ${JSON.stringify(remotePath)}`)
}

function uploadOptions(options: FileUploadOptions): CheckedUpload {
  const { contentType, contentLength, sync, timeoutMs } = requireOptions(options, 'files.upload(source, remotePath, options)', UPLOAD_FORM, UPLOAD_KEYS)
  checkTransferOptions({ contentType, contentLength })
  // The sync step's options, checked now (not after the bytes moved); its context, path and mode are the transfer's.
  return { contentType, contentLength, sync: requireSyncTimingOptions(sync, 'sync option'), timeoutMs: deadlineOption(timeoutMs) }
}

function downloadOptions(options: FileDownloadOptions): CheckedDownload {
  const { to, overwrite = true, sync, timeoutMs } = requireOptions(options, 'files.download(remotePath, options)', DOWNLOAD_FORM, DOWNLOAD_KEYS)
  if (to !== undefined) requireNonBlank(to, 'to')
  requireBoolean(overwrite, 'overwrite')
  return { to, overwrite, sync: requireSyncTimingOptions(sync, 'sync option'), timeoutMs: deadlineOption(timeoutMs) }
}

function deadlineOption(timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined
  requireDeadline(timeoutMs, 'timeoutMs')
  return timeoutMs
}

/** `source$` until `timeoutMs` (when given), then a `RequestTimeoutError` naming `what`; unsubscribing the source aborts it. */
function transferDeadline<T>(source$: Observable<T>, timeoutMs: number | undefined, scheduler: SchedulerLike, what: string): Observable<T> {
  if (timeoutMs === undefined) return source$
  return withDeadline(source$, timeoutMs, scheduler, () => new RequestTimeoutError(`${what} did not finish within ${timeoutMs} ms`))
}

/**
 * The sync must have succeeded (`syncResultOf`'s judgement); returns the SyncContext request id.
 * Unlike `syncResultOf`, no task at all is not a success here: the transfer needs its file's task
 * (the sync names one context and path), so an unseen outcome is a `SyncUnconfirmedError`.
 */
function requireSynced(result: ContextSyncResult, base: FileTransferEventBase, mode: SyncMode): string {
  const what = `the ${mode} sync of ${base.remotePath} (context ${base.contextId})`
  // The sync's scope is one mount and direction, so the result holds at most this one task.
  const [task] = result.tasks
  if (task === undefined) throw new SyncUnconfirmedError(`no task of ${what} was seen: its outcome is unknown`)
  if (result.success) return result.requestId
  const details = { action: 'SyncContext', requestId: result.requestId }
  if (result.timedOut) throw new RequestTimeoutError(`${what} was still ${task.status} when its budget ran out`, details)
  throw new ApiError(`${what} failed: ${task.errorMessage || 'no reason given'}`, details)
}

const eventBase = (direction: FileTransferDirection, remotePath: string, context: FileTransferContext): FileTransferEventBase => ({
  direction,
  remotePath,
  contextId: context.contextId,
  contextPath: context.contextPath,
})

const progressEvent = (base: FileTransferEventBase, moved: { readonly transferredBytes: number; readonly totalBytes?: number }): FileTransferProgress => ({
  ...base,
  kind: 'progress',
  transferredBytes: moved.transferredBytes,
  ...(moved.totalBytes === undefined ? {} : { totalBytes: moved.totalBytes }),
})

// ---- sources -------------------------------------------------------------------------------------

/** Checks `source`'s type before anything loads or runs (a path is checked as a file when opened). */
function requireSource(source: unknown): asserts source is CheckedSource | Uint8Array {
  if (typeof source === 'string') return requireNonBlank(source, 'source')
  // A Node `Readable` is an AsyncIterable too: telling it apart waits for node:stream (local-files.ts).
  if (source instanceof Uint8Array || isWebStream(source) || isAsyncIterable(source)) return
  throw new ValidationError('source must be a local file path, a Uint8Array, a Readable, a web ReadableStream or an AsyncIterable<Uint8Array>')
}

// ---- local files ---------------------------------------------------------------------------------

/** Bytes written so far; `totalBytes` when the GET named its length. */
interface BytesMoved {
  readonly transferredBytes: number
  readonly totalBytes?: number
}

/**
 * Writes `opened` to `to` through a temporary file (`writeInPlace`, in local-files.ts).
 * Emits the bytes written. Unsubscribing destroys the stream (which ends the GET) and removes the
 * temporary file.
 */
function saveStream(opened: DownloadStream, to: string, overwrite: boolean): Observable<BytesMoved> {
  return new Observable<BytesMoved>((subscriber) => {
    const controller = new AbortController()
    let received = 0
    const at = (): BytesMoved => (opened.totalBytes === undefined ? { transferredBytes: received } : { transferredBytes: received, totalBytes: opened.totalBytes })
    subscriber.next(at())
    localFiles()
      .then((files) =>
        files.writeInPlace(opened.stream, to, overwrite, controller.signal, (bytes) => {
          received += bytes
          subscriber.next(at())
        }),
      )
      .then(
        () => subscriber.complete(),
        (error: unknown) => {
          if (!controller.signal.aborted) subscriber.error(error)
        },
      )
    return () => controller.abort()
  })
}
