import type { Observable } from 'rxjs'
import type { AsyncOptions } from '../shared/adapters.js'
import { failureFields, lastValueWithSignal } from '../shared/adapters.js'
import { ContextManager } from '../sync/context-manager.js'
import type { ContextStatusData } from '../wire/codecs/context-status.js'
import type { ContextSyncResult } from '../sync/types.js'
import type { AgentBayFailure } from '../shared/errors/index.js'
import { SIGNAL_ONLY, requireOptions, withSignal } from '../shared/arguments.js'
import { deleteSession } from './delete.js'
import { getSessionLabels, setSessionLabels } from './labels.js'
import { ContextService } from '../contexts/context-service.js'
import { FileSystem } from './file-system.js'
import { FileTransfer } from './file-transfer.js'
import type { Labels } from '../wire/codecs/labels.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import { DELETE_SESSION_KEYS, type DeleteSessionOptions, type DeleteSessionResult, type LabelsSet, type SessionDeps, type SessionInfo, type SessionLabels } from './types.js'

/**
 * A session handle. It holds what it needs of the client (`{ rpc, config }`), not the client: the
 * client builds sessions, sessions never reach back into it. `context` syncs the session's mounted contexts, `fs` reads and writes its
 * files, `files` transfers files between the caller's machine and the session, `delete()` ends it. The informational fields are what the service said when the handle
 * was made (`agentBay.session(id)` makes no call and knows none of them).
 *
 * @example
 * agentBay.session('s-1').context.sync({ mode: 'upload' }).subscribe(console.log)
 */
export class Session {
  readonly context: ContextManager
  readonly fs: FileSystem
  readonly status?: string
  readonly resourceUrl?: string
  readonly contexts?: readonly { readonly id: string; readonly name: string }[]
  /** From `agentBay.create`: the outcome of the mounted contexts' download at creation. */
  readonly downloads?: ContextSyncResult
  /** `files`, once used (ES-private: not an own property, so not in spreads or snapshots of the handle). */
  #files: FileTransfer | undefined

  constructor(
    readonly sessionId: string,
    protected readonly deps: SessionDeps,
    info: SessionInfo = {},
  ) {
    this.context = new ContextManager(sessionId, {
      rpc: deps.rpc,
      scheduler: deps.config.scheduler,
      logger: deps.config.logger,
      // What is mounted, when known (created here, or read by GetSession): an unscoped sync then
      // knows what to expect without asking.
      ...mountedIds(info),
    })
    this.fs = new FileSystem(sessionId, deps.rpc, deps.config.scheduler)
    if (info.status !== undefined) this.status = info.status
    if (info.resourceUrl !== undefined) this.resourceUrl = info.resourceUrl
    if (info.contexts !== undefined) this.contexts = info.contexts
    if (info.downloads !== undefined) this.downloads = info.downloads
  }

  /**
   * File transfer between the caller's machine and the session (upload, download). Built on first
   * use, once per handle: most handles (a `list()` page, `agentBay.session(id)`) never transfer.
   */
  get files(): FileTransfer {
    this.#files ??= new FileTransfer({
      sessionId: this.sessionId,
      rpc: this.deps.rpc,
      context: this.context,
      storage: new ContextService(this.deps),
      fetch: this.deps.config.fetch,
      scheduler: this.deps.config.scheduler,
      logger: this.deps.config.logger,
    })
    return this.#files
  }

  /**
   * Deletes the session (DeleteSessionAsync) and waits until it is gone. With `syncContext`, the
   * mounted contexts are uploaded first; if that upload fails the session is **kept** (unless
   * `force`) and the result says why. Emits one `DeleteSessionResult`; remote failures of the
   * delete itself are errors.
   */
  delete(options: DeleteSessionOptions = {}): Observable<DeleteSessionResult> {
    return deleteSession(this.deps, this.sessionId, this.context, options)
  }

  /** Promise form of `delete()`: remote failures resolve to `{ success: false, deleted: false, … }`. */
  async deleteAsync(options: DeleteSessionOptions & AsyncOptions = {}): Promise<DeleteSessionResult> {
    const { signal, ...deleteOptions } = requireOptions(options, 'session.deleteAsync(options)', 'session.deleteAsync({ syncContext: true })', withSignal(DELETE_SESSION_KEYS))
    return lastValueWithSignal(this.delete(deleteOptions), signal).catch((error: unknown) => ({ ...failureFields(error), deleted: false }))
  }

  // ---- labels (official-sdk-calls §2) -----------------------------------------------------------

  /**
   * Replaces the session's labels (SetLabel). Labels are checked as the official SDKs check them
   * (a plain, non-empty object; keys and values non-blank strings): bad labels are a
   * `ValidationError` and nothing is sent. Emits `{ requestId }` once.
   *
   * @example
   * session.setLabels({ project: 'demo', env: 'test' }).subscribe()
   */
  setLabels(labels: Labels): Observable<LabelsSet> {
    return setSessionLabels(this.deps, this.sessionId, labels)
  }

  /** Promise form of `setLabels`: `{ requestId, success: true }`, or `{ success: false, errorMessage, error }`. */
  async setLabelsAsync(labels: Labels, options: AsyncOptions = {}): Promise<Outcome<LabelsSet>> {
    const { signal } = requireOptions(options, 'session.setLabelsAsync(labels, options)', 'session.setLabelsAsync(labels, { signal })', SIGNAL_ONLY)
    return toOutcome(this.setLabels(labels), signal)
  }

  /** The session's labels (GetLabel), `{}` when it has none; a malformed answer is a `DecodeError`. */
  getLabels(): Observable<SessionLabels> {
    return getSessionLabels(this.deps, this.sessionId)
  }

  /** Promise form of `getLabels`: `{ requestId, success: true, labels }`, or the failure fields. */
  async getLabelsAsync(options: AsyncOptions = {}): Promise<Outcome<SessionLabels>> {
    const { signal } = requireOptions(options, 'session.getLabelsAsync(options)', 'session.getLabelsAsync({ signal })', SIGNAL_ONLY)
    return toOutcome(this.getLabels(), signal)
  }

  toJSON(): Record<string, unknown> {
    return { sessionId: this.sessionId, status: this.status }
  }
}

const mountedIds = (info: SessionInfo): { readonly mountedContextIds?: readonly string[] } => {
  const ids = info.mountedContextIds ?? info.contexts?.map((context) => context.id)
  return ids === undefined ? {} : { mountedContextIds: ids }
}

/** Builds a `Session` from what the service said (the client passes its own). */
export type SessionFactory = (sessionId: string, info: SessionInfo) => Session

/**
 * What `create({ observe: 'events' })` emits: `created` as soon as CreateMcpSession answered (so the caller always
 * holds a handle to clean up), `task` for each download task update, then `session` once ready.
 */
export type SessionCreateEvent =
  | { readonly kind: 'created'; readonly requestId: string; readonly session: Session }
  | { readonly kind: 'task'; readonly task: ContextStatusData }
  | { readonly kind: 'session'; readonly requestId: string; readonly session: Session; readonly downloads?: ContextSyncResult }

/**
 * The Promise result of `createAsync`. Unlike the official SDKs, a failed or timed-out download of a
 * mounted context makes `success` false (with `errorMessage` and `downloads`), and `session` is still
 * set so the caller can delete it.
 */
export interface CreateSessionResult {
  readonly requestId: string
  readonly success: boolean
  readonly session?: Session
  readonly errorMessage?: string
  readonly error?: AgentBayFailure
  readonly downloads?: ContextSyncResult
}

/** A `GetSession` / `ListSession` answer wrapped for the Promise forms. */
export interface SessionFetched {
  readonly requestId: string
  readonly session: Session
}

export interface SessionPage {
  readonly requestId: string
  readonly sessions: readonly Session[]
  readonly nextToken?: string
  readonly maxResults?: number
  readonly totalCount?: number
}
