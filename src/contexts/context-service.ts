import { Observable, concatMap, defer, distinctUntilChanged, filter, map, startWith } from 'rxjs'
import type { AsyncOptions } from '../shared/adapters.js'
import type { NormalizedConfig } from '../http/config.js'
import { pollUntil } from '../rpc/poll.js'
import { requireDeadline, requireDelay } from '../shared/duration.js'
import { RequestTimeoutError } from '../shared/errors/request-timeout-error.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import type { Rpc } from '../rpc/rpc.js'
import { SIGNAL_ONLY, requireBoolean, requireOptions, requireText, requirePositiveInteger, requireString, withSignal, type KnownKeys } from '../shared/arguments.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import { walkPages } from '../rpc/paging.js'
import { ClearStatusBody, clearStateOf, type ClearState } from '../wire/codecs/clear-state.js'
import { decodeOrThrow } from '../wire/codecs/decode.js'
import {
  checkTransferOptions,
  getPresigned,
  isAsyncIterable,
  openPresignedStream,
  putPresigned,
  type DownloadDone,
  type DownloadEvent,
  type DownloadStream,
  type TransferOptions,
  type UploadData,
  type UploadDone,
  type UploadEvent,
} from '../http/transfer.js'
import {
  CLEAR_KEYS,
  CONTEXT_LIST_KEYS,
  CONTEXT_PAGE_KEYS,
  GET_CONTEXT_KEYS,
  LIST_FILES_KEYS,
  toContext,
  toFileEntry,
  type Acknowledged,
  type ClearOptions,
  type ClearResult,
  type Context,
  type ContextFilePage,
  type ContextListOptions,
  type ContextPage,
  type ContextPageOptions,
  type GetContextOptions,
  type ListFilesOptions,
  type PresignedUrl,
} from './types.js'

/** What the context service needs from its client. */
export interface ContextServiceDeps {
  readonly rpc: Rpc
  readonly config: Pick<NormalizedConfig, 'scheduler' | 'regionId' | 'fetch' | 'logger'>
}

export const CLEAR_DEFAULTS = { pollIntervalMs: 2000, timeoutMs: 60_000 } as const
const LIST_DEFAULT_MAX_RESULTS = 10

/** A context together with the request that produced it (the Promise forms need the id). */
interface Fetched {
  readonly requestId: string
  readonly context: Context
}

/**
 * `agentBay.context`: contexts and their files. Every method returning an Observable is cold
 * (nothing is sent before subscribe, unsubscribing aborts) and validates its arguments inside
 * the subscription. Each `…Async` method is its Promise form: remote failures resolve to
 * `{ success: false, requestId, errorMessage, error }`; invalid arguments reject with `ValidationError`.
 *
 * @example
 * const ctx = await firstValueFrom(agentBay.context.create('my-data'))
 * agentBay.context.list().pipe(take(5)).subscribe((c) => console.log(c.name))
 */
export class ContextService {
  constructor(private readonly deps: ContextServiceDeps) {}

  // ---- lookup and lifecycle ------------------------------------------------------------------

  /** GetContext by name; with `create: true` the service creates it when missing (AllowCreate). */
  get(name: string, options: GetContextOptions = {}): Observable<Context> {
    return defer(() => this.fetchByName(name, getOptions(options, 'get', GET_CONTEXT_KEYS).create ?? false)).pipe(map((fetched) => fetched.context))
  }

  /** GetContext by id (`ContextId`, `AllowCreate=false`). */
  getById(id: string): Observable<Context> {
    return this.fetchById(id).pipe(map((fetched) => fetched.context))
  }

  /** Gets or creates the context called `name`. */
  create(name: string): Observable<Context> {
    return this.fetchByName(name, true).pipe(map((fetched) => fetched.context))
  }

  /** Renames a context (ModifyContext `Id` + `Name`). */
  update(context: Pick<Context, 'id' | 'name'>): Observable<Acknowledged> {
    return defer(() => {
      requireText(context?.id, 'context.id')
      requireText(context.name, 'context.name')
      return this.deps.rpc('ModifyContext', { Id: context.id, Name: context.name })
    }).pipe(map(acknowledged))
  }

  /** Deletes a context and its stored data (DeleteContext `Id`). */
  delete(context: Pick<Context, 'id'>): Observable<Acknowledged> {
    return defer(() => {
      requireText(context?.id, 'context.id')
      return this.deps.rpc('DeleteContext', { Id: context.id })
    }).pipe(map(acknowledged))
  }

  // ---- listing -------------------------------------------------------------------------------

  /**
   * Every context, page by page: a page is requested only when the previous one has been emitted
   * and the subscriber still listens, so `list().pipe(take(5))` sends one request.
   */
  list(options: ContextListOptions = {}): Observable<Context> {
    return defer(() => {
      requireOptions(options, 'context.list(options)', 'context.list({ maxResults: 50 })', CONTEXT_LIST_KEYS)
      return this.listAll(options)
    })
  }

  private listAll(options: ContextListOptions): Observable<Context> {
    return walkPages((nextToken) =>
      this.listPage({ ...options, ...(nextToken === undefined ? {} : { nextToken }) }).pipe(
        map((page) => ({ items: page.contexts, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) })),
      ),
    )
  }

  /** One `ListContexts` page. */
  listPage(options: ContextPageOptions = {}): Observable<ContextPage> {
    return defer(() => {
      requireOptions(options, 'context.listPage(options)', 'context.listPage({ maxResults: 50, nextToken })', CONTEXT_PAGE_KEYS)
      const maxResults = options.maxResults ?? LIST_DEFAULT_MAX_RESULTS
      // The protocol documents no upper bound for page sizes, so none is invented here.
      requirePositiveInteger(maxResults, 'maxResults')
      if (options.nextToken !== undefined) requireString(options.nextToken, 'nextToken')
      if (options.sessionId !== undefined) requireText(options.sessionId, 'sessionId')
      return this.deps.rpc('ListContexts', {
        MaxResults: String(maxResults),
        NextToken: options.nextToken === '' ? undefined : options.nextToken,
        SessionId: options.sessionId,
      })
    }).pipe(
      map((body) => {
        const page: ContextPage = {
          requestId: body.RequestId ?? '',
          contexts: body.Data.map(toContext),
          ...(body.NextToken === undefined || body.NextToken === '' ? {} : { nextToken: body.NextToken }),
          ...(body.MaxResults === undefined ? {} : { maxResults: body.MaxResults }),
          ...(body.TotalCount === undefined ? {} : { totalCount: body.TotalCount }),
        }
        return page
      }),
    )
  }

  // ---- files ---------------------------------------------------------------------------------

  /** Files in one folder of a context's storage (DescribeContextFiles). */
  listFiles(contextId: string, folder: string, options: ListFilesOptions = {}): Observable<ContextFilePage> {
    return defer(() => {
      requireText(contextId, 'contextId')
      requireText(folder, 'folder')
      requireOptions(options, 'context.listFiles(contextId, folder, options)', LIST_FILES_FORM, LIST_FILES_KEYS)
      const pageNumber = options.pageNumber ?? 1
      const pageSize = options.pageSize ?? 50
      requirePositiveInteger(pageNumber, 'pageNumber')
      requirePositiveInteger(pageSize, 'pageSize')
      return this.deps.rpc('DescribeContextFiles', {
        ContextId: contextId,
        ParentFolderPath: folder,
        PageNumber: String(pageNumber),
        PageSize: String(pageSize),
      })
    }).pipe(
      map((body) => ({
        requestId: body.RequestId ?? '',
        entries: body.Data.map(toFileEntry),
        ...(body.Count === undefined ? {} : { count: body.Count }),
      })),
    )
  }

  /** A presigned URL to PUT a file into the context (GetContextFileUploadUrl). */
  getFileUploadUrl(contextId: string, path: string): Observable<PresignedUrl> {
    return this.presignedUrl('GetContextFileUploadUrl', contextId, path)
  }

  /** A presigned URL to GET a file from the context (GetContextFileDownloadUrl). */
  getFileDownloadUrl(contextId: string, path: string): Observable<PresignedUrl> {
    return this.presignedUrl('GetContextFileDownloadUrl', contextId, path)
  }

  /** Deletes one file from the context's storage (DeleteContextFile). */
  deleteFile(contextId: string, path: string): Observable<Acknowledged> {
    return defer(() => {
      requireText(contextId, 'contextId')
      requireText(path, 'path')
      return this.deps.rpc('DeleteContextFile', { ContextId: contextId, FilePath: path })
    }).pipe(map(acknowledged))
  }

  /**
   * Uploads `data` to the context at `path`: asks for a presigned URL, then PUTs the bytes,
   * streamed. Emits `{ kind: 'progress', transferredBytes, totalBytes? }` as the body is sent, then
   * `{ kind: 'done', … }`. Unsubscribing aborts the transfer.
   */
  upload(contextId: string, path: string, data: UploadData, options: TransferOptions = {}): Observable<UploadEvent> {
    return defer(() => {
      requireData(data)
      requireOptions(options, 'context.upload(contextId, path, data, options)', 'context.upload(contextId, path, data, { contentLength })', TRANSFER_KEYS)
      checkTransferOptions(options)
      return this.getFileUploadUrl(contextId, path)
    }).pipe(concatMap((presigned) => putPresigned(this.fetch(), presigned.url, data, presigned.requestId, options)))
  }

  /**
   * Downloads the file at `path`: asks for a presigned URL, then GETs it. Emits progress per chunk
   * and finally `{ kind: 'done', data }` with all the bytes. For files too large to hold in
   * memory use `downloadStreamAsync`. Unsubscribing aborts the transfer.
   */
  download(contextId: string, path: string): Observable<DownloadEvent> {
    return this.getFileDownloadUrl(contextId, path).pipe(
      concatMap((presigned) => getPresigned(this.fetch(), presigned.url, presigned.requestId)),
    )
  }

  // ---- clear ---------------------------------------------------------------------------------

  /**
   * Clears a context's data and waits: `startClear`, then a `clearStatus` probe every
   * `pollIntervalMs`. Emits the state (`clearing`, `pre-available`, …) whenever it changes and
   * completes once it is `available`; errors with `RequestTimeoutError` when that takes longer than
   * `timeoutMs`, and with `DecodeError` on a state outside the protocol's.
   */
  clear(contextId: string, options: ClearOptions = {}): Observable<ClearState> {
    return defer(() => this.clearStates(contextId, requireOptions(options, 'context.clear(contextId, options)', clearForm('clear'), CLEAR_KEYS))).pipe(map((step) => step.state))
  }

  /**
   * Starts clearing a context's data and does not wait: one `ClearContext` call, then emits
   * `clearing` once the service acknowledged it (the official `clearAsync` / `clear_async`; here
   * `…Async` names Promise forms, so the start-only form is `startClear`). Follow it with
   * `clearStatus()`, or use `clear()` to wait.
   *
   * @example
   * await lastValueFrom(agentBay.context.startClear(ctx.id)) // 'clearing'
   */
  startClear(contextId: string): Observable<ClearState> {
    return this.clearTrigger(contextId).pipe(map((step) => step.state))
  }

  /**
   * One clear-status probe (`GetContext` by id, the official `getClearStatus` / `get_clear_status`):
   * emits the context's state — `clearing` or `pre-available` while in progress, `available` when
   * done — and completes. A missing `State` reads as `clearing` (as the official SDKs read it);
   * any state outside the protocol's is a `DecodeError`; an unknown context an `ApiError`.
   */
  clearStatus(contextId: string): Observable<ClearState> {
    return this.clearProbe(contextId).pipe(map((step) => step.state))
  }

  // ---- Promise forms -------------------------------------------------------------------------

  async getAsync(name: string, options: GetContextOptions & AsyncOptions = {}): Promise<Outcome<Fetched & { contextId: string }>> {
    const { create = false, signal } = getOptions(options, 'getAsync', withSignal(GET_CONTEXT_KEYS))
    return toOutcome(this.fetchByName(name, create).pipe(map(withContextId)), signal)
  }

  async getByIdAsync(id: string, options: AsyncOptions = {}): Promise<Outcome<Fetched & { contextId: string }>> {
    const { signal } = asyncOptions(options, 'getByIdAsync(id, options)')
    return toOutcome(this.fetchById(id).pipe(map(withContextId)), signal)
  }

  async createAsync(name: string, options: AsyncOptions = {}): Promise<Outcome<Fetched & { contextId: string }>> {
    const { signal } = asyncOptions(options, 'createAsync(name, options)')
    return toOutcome(this.fetchByName(name, true).pipe(map(withContextId)), signal)
  }

  async updateAsync(context: Pick<Context, 'id' | 'name'>, options: AsyncOptions = {}): Promise<Outcome<Acknowledged>> {
    const { signal } = asyncOptions(options, 'updateAsync(context, options)')
    return toOutcome(this.update(context), signal)
  }

  async deleteAsync(context: Pick<Context, 'id'>, options: AsyncOptions = {}): Promise<Outcome<Acknowledged>> {
    const { signal } = asyncOptions(options, 'deleteAsync(context, options)')
    return toOutcome(this.delete(context), signal)
  }

  /** One page (the reference `list()` result shape); `list()` walks all pages. */
  async listPageAsync(options: ContextPageOptions & AsyncOptions = {}): Promise<Outcome<ContextPage>> {
    const { signal, ...pageOptions } = requireOptions(options, 'context.listPageAsync(options)', 'context.listPageAsync({ maxResults: 50, nextToken })', withSignal(CONTEXT_PAGE_KEYS))
    return toOutcome(this.listPage(pageOptions), signal)
  }

  async listFilesAsync(contextId: string, folder: string, options: ListFilesOptions & AsyncOptions = {}): Promise<Outcome<ContextFilePage>> {
    const { signal, ...listOptions } = requireOptions(options, 'context.listFilesAsync(contextId, folder, options)', LIST_FILES_FORM.replace('listFiles', 'listFilesAsync'), withSignal(LIST_FILES_KEYS))
    return toOutcome(this.listFiles(contextId, folder, listOptions), signal)
  }

  async getFileUploadUrlAsync(contextId: string, path: string, options: AsyncOptions = {}): Promise<Outcome<PresignedUrl>> {
    const { signal } = asyncOptions(options, 'getFileUploadUrlAsync(contextId, path, options)')
    return toOutcome(this.getFileUploadUrl(contextId, path), signal)
  }

  async getFileDownloadUrlAsync(contextId: string, path: string, options: AsyncOptions = {}): Promise<Outcome<PresignedUrl>> {
    const { signal } = asyncOptions(options, 'getFileDownloadUrlAsync(contextId, path, options)')
    return toOutcome(this.getFileDownloadUrl(contextId, path), signal)
  }

  async deleteFileAsync(contextId: string, path: string, options: AsyncOptions = {}): Promise<Outcome<Acknowledged>> {
    const { signal } = asyncOptions(options, 'deleteFileAsync(contextId, path, options)')
    return toOutcome(this.deleteFile(contextId, path), signal)
  }

  /** Promise form of `upload`: resolves when the PUT succeeded. */
  async uploadAsync(contextId: string, path: string, data: UploadData, options: TransferOptions & AsyncOptions = {}): Promise<Outcome<Omit<UploadDone, 'kind'>>> {
    const { signal, ...transfer } = requireOptions(options, 'context.uploadAsync(contextId, path, data, options)', 'context.uploadAsync(contextId, path, data, { contentLength, signal })', withSignal(TRANSFER_KEYS))
    return toOutcome(this.upload(contextId, path, data, transfer).pipe(filter(isDone), map(withoutKind)), signal)
  }

  /** Promise form of `download`: resolves with all the bytes. */
  async downloadAsync(contextId: string, path: string, options: AsyncOptions = {}): Promise<Outcome<Omit<DownloadDone, 'kind'>>> {
    const { signal } = asyncOptions(options, 'downloadAsync(contextId, path, options)')
    return toOutcome(this.download(contextId, path).pipe(filter(isDone), map(withoutKind)), signal)
  }

  /** Stream form: resolves once the GET answered 200, with the body as a Node `Readable`; nothing is buffered. */
  async downloadStreamAsync(contextId: string, path: string, options: AsyncOptions = {}): Promise<Outcome<DownloadStream>> {
    const { signal } = asyncOptions(options, 'downloadStreamAsync(contextId, path, options)')
    return toOutcome(openFileStream(this, this.fetch(), contextId, path, signal), signal)
  }

  /** Promise form of `clear()`: resolves when the context is `available` again. */
  async clearAsync(contextId: string, options: ClearOptions & AsyncOptions = {}): Promise<Outcome<ClearResult>> {
    const { signal, ...rest } = requireOptions(options, 'context.clearAsync(contextId, options)', clearForm('clearAsync'), withSignal(CLEAR_KEYS))
    return toOutcome(this.clearStates(contextId, rest), signal)
  }

  /**
   * Promise form of `startClear()`: resolves once `ClearContext` was acknowledged, with
   * `state: 'clearing'` and that call's `requestId`. Unlike the official `clearAsync`, which is
   * start-only, this SDK's `clearAsync` waits; this is the start-only Promise.
   */
  async startClearAsync(contextId: string, options: AsyncOptions = {}): Promise<Outcome<ClearResult>> {
    const { signal } = asyncOptions(options, 'startClearAsync(contextId, options)')
    return toOutcome(this.clearTrigger(contextId), signal)
  }

  /** Promise form of `clearStatus()`: `{ success, requestId, contextId, state }` (the official `getClearStatus`). */
  async clearStatusAsync(contextId: string, options: AsyncOptions = {}): Promise<Outcome<ClearResult>> {
    const { signal } = asyncOptions(options, 'clearStatusAsync(contextId, options)')
    return toOutcome(this.clearProbe(contextId), signal)
  }

  // ---- deprecated names (before the one naming rule, issue 10) --------------------------------

  /** @deprecated Use `upload()`: an unsuffixed method is the Observable. */
  upload$(...args: Parameters<ContextService['upload']>): Observable<UploadEvent> {
    return this.upload(...args)
  }

  /** @deprecated Use `download()`: an unsuffixed method is the Observable. */
  download$(...args: Parameters<ContextService['download']>): Observable<DownloadEvent> {
    return this.download(...args)
  }

  /** @deprecated Use `uploadAsync()`: the Promise form is `…Async`. */
  uploadFile(...args: Parameters<ContextService['uploadAsync']>): ReturnType<ContextService['uploadAsync']> {
    return this.uploadAsync(...args)
  }

  /** @deprecated Use `downloadAsync()`: the Promise form is `…Async`. */
  downloadFile(...args: Parameters<ContextService['downloadAsync']>): ReturnType<ContextService['downloadAsync']> {
    return this.downloadAsync(...args)
  }

  /** @deprecated Use `downloadStreamAsync()`: the Promise form is `…Async`. */
  downloadFileStream(...args: Parameters<ContextService['downloadStreamAsync']>): ReturnType<ContextService['downloadStreamAsync']> {
    return this.downloadStreamAsync(...args)
  }

  // ---- internals -----------------------------------------------------------------------------

  private fetchByName(name: string, allowCreate: boolean): Observable<Fetched> {
    return defer(() => {
      requireText(name, 'name')
      return this.deps.rpc('GetContext', {
        Name: name,
        AllowCreate: String(allowCreate),
        // protocol §3.7: the region only accompanies a create.
        LoginRegionId: allowCreate ? this.deps.config.regionId : undefined,
      })
    }).pipe(map((body) => ({ requestId: body.RequestId ?? '', context: toContext(body.Data) })))
  }

  private fetchById(id: string): Observable<Fetched> {
    return defer(() => {
      requireText(id, 'id')
      return this.deps.rpc('GetContext', { ContextId: id, AllowCreate: 'false' })
    }).pipe(map((body) => ({ requestId: body.RequestId ?? '', context: toContext(body.Data) })))
  }

  private presignedUrl(action: 'GetContextFileUploadUrl' | 'GetContextFileDownloadUrl', contextId: string, path: string): Observable<PresignedUrl> {
    return defer(() => {
      requireText(contextId, 'contextId')
      requireText(path, 'path')
      return this.deps.rpc(action, { ContextId: contextId, FilePath: path })
    }).pipe(
      map((body) => ({
        requestId: body.RequestId ?? '',
        url: body.Data.Url,
        ...(body.Data.ExpireTime === undefined ? {} : { expireTime: body.Data.ExpireTime }),
      })),
    )
  }

  /** `ClearContext`; the acknowledgement carries no state, so it is `clearing` (calls doc §7). */
  private clearTrigger(contextId: string): Observable<ClearResult> {
    return defer(() => {
      requireText(contextId, 'contextId')
      return this.deps.rpc('ClearContext', { Id: contextId })
    }).pipe(map((body): ClearResult => ({ requestId: body.RequestId ?? '', contextId, state: 'clearing' })))
  }

  /** `GetContext` by id, its `State` decoded strictly (calls doc §7). */
  private clearProbe(contextId: string): Observable<ClearResult> {
    return defer(() => {
      requireText(contextId, 'contextId')
      return this.deps.rpc('GetContext', { ContextId: contextId, AllowCreate: 'false' })
    }).pipe(
      map((body): ClearResult => {
        const requestId = body.RequestId ?? ''
        const status = decodeOrThrow(ClearStatusBody, body, { action: 'GetContext', requestId, body: JSON.stringify(body) })
        return { requestId, contextId, state: clearStateOf(status) }
      }),
    )
  }

  /**
   * The waiting clear: `clearTrigger` once, then `clearProbe` on the one `poll` operator, each
   * probe `pollIntervalMs` after the previous answer (the first after the trigger, as the reference
   * does: clearing takes time). `timeoutMs` counts from the trigger's answer.
   */
  private clearStates(contextId: string, options: ClearOptions): Observable<ClearResult> {
    return defer(() => {
      requireText(contextId, 'contextId')
      const pollIntervalMs = options.pollIntervalMs ?? CLEAR_DEFAULTS.pollIntervalMs
      const timeoutMs = options.timeoutMs ?? CLEAR_DEFAULTS.timeoutMs
      requireDelay(pollIntervalMs, 'pollIntervalMs')
      requireDeadline(timeoutMs, 'timeoutMs')
      const { scheduler } = this.deps.config
      return this.clearTrigger(contextId).pipe(
        concatMap((started) => {
          const states$ = pollUntil({
            request: () => this.clearProbe(contextId).pipe(map((probed) => probed.state)),
            schedule: () => pollIntervalMs,
            deadline: scheduler.now() + timeoutMs,
            until: (state) => state === 'available',
            timeoutError: () =>
              new RequestTimeoutError(`context ${contextId} was not available again within ${timeoutMs} ms`, { action: 'ClearContext', requestId: started.requestId }),
            scheduler,
          })
          return states$.pipe(
            startWith(started.state),
            distinctUntilChanged(),
            map((state): ClearResult => ({ ...started, state })),
          )
        }),
      )
    })
  }

  private fetch(): typeof fetch {
    return this.deps.config.fetch ?? globalThis.fetch
  }
}

// ---- helpers -------------------------------------------------------------------------------------

/**
 * A context file's presigned GET opened as a Node stream once it answered 200, nothing buffered:
 * the one way from a context file to a stream (`downloadStreamAsync`, and `session.files` writing a
 * download to a local file). Cold: unsubscribing before the stream is handed over aborts the GET
 * (and destroys a stream that opens too late); after that the stream is the subscriber's. `signal`
 * aborts the GET and, after the hand-over, the stream.
 */
export function openFileStream(
  storage: Pick<ContextService, 'getFileDownloadUrl'>,
  fetchImpl: typeof fetch,
  contextId: string,
  path: string,
  signal?: AbortSignal,
): Observable<DownloadStream> {
  return storage.getFileDownloadUrl(contextId, path).pipe(
    concatMap(
      (presigned) =>
        new Observable<DownloadStream>((subscriber) => {
          const controller = new AbortController()
          let handedOver = false
          // The caller's signal is followed by a listener removed once the stream closed, not through
          // AbortSignal.any: on Node 20 each any() stays among a long-lived signal's dependants until it aborts.
          const follow = (): void => controller.abort(signal?.reason)
          const unfollow = (): void => signal?.removeEventListener('abort', follow)
          if (signal?.aborted === true) follow()
          else signal?.addEventListener('abort', follow, { once: true })
          openPresignedStream(fetchImpl, presigned.url, presigned.requestId, controller.signal).then(
            (opened) => {
              if (subscriber.closed) {
                unfollow()
                return void opened.stream.destroy()
              }
              handedOver = true
              opened.stream.once('close', unfollow)
              subscriber.next(opened)
              subscriber.complete()
            },
            (error: unknown) => {
              unfollow()
              subscriber.error(error)
            },
          )
          return () => {
            if (handedOver) return
            unfollow()
            controller.abort()
          }
        }),
    ),
  )
}

const TRANSFER_KEYS = { contentLength: true, contentType: true } as const satisfies KnownKeys<TransferOptions>
const LIST_FILES_FORM = 'context.listFiles(contextId, folder, { pageNumber: 2, pageSize: 20 })'

/**
 * The options of `get` and `getAsync`, checked by one rule: `get(name, true)` is the official SDK's
 * create flag; here it is `{ create: true }`, and `create` is a boolean when given.
 */
function getOptions<O extends GetContextOptions>(options: O | undefined, method: 'get' | 'getAsync', keys: KnownKeys<O>): O {
  const checked = requireOptions(options, `context.${method}(name, options)`, `context.${method}(name, { create: true })`, keys)
  if (checked.create !== undefined) requireBoolean(checked.create, 'create')
  return checked
}

/** `clear(id, 30)` is the official SDK's timeout in seconds; here both durations are options in ms. */
const clearForm = (method: 'clear' | 'clearAsync'): string => `context.${method}(contextId, { timeoutMs: 30_000, pollIntervalMs: 2_000 }) (ms, not the official SDK's seconds)`

/** An options argument that only carries `signal`. */
const asyncOptions = (options: AsyncOptions | undefined, call: string): AsyncOptions =>
  requireOptions(options, `context.${call}`, `context.${call.replace(/options\)$/, '{ signal })')}`, SIGNAL_ONLY)

const acknowledged = (body: { readonly RequestId?: string }): Acknowledged => ({ requestId: body.RequestId ?? '' })
const withContextId = (fetched: Fetched): Fetched & { contextId: string } => ({ ...fetched, contextId: fetched.context.id })
/** A transfer's last event (`done`), and that event without its `kind`: what the Promise forms resolve to (here and in `session.files`). */
export const isDone = <E extends { readonly kind: string }>(event: E): event is Extract<E, { kind: 'done' }> => event.kind === 'done'
export const withoutKind = <E extends { readonly kind: string }>({ kind: _kind, ...rest }: E): Omit<E, 'kind'> => rest

function requireData(data: unknown): void {
  const ok =
    typeof data === 'string' ||
    data instanceof Uint8Array ||
    isAsyncIterable(data)
  if (!ok) throw new ValidationError('data must be a Uint8Array, a string or a Readable')
}
