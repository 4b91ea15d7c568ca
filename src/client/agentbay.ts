import { defer, filter, map, type Observable } from 'rxjs'
import { failureFields, lastValueWithSignal, type AsyncOptions } from '../shared/adapters.js'
import { AGENTBAY_OPTION_KEYS, normalizeConfig, optionalFunction, resolveApiKey, type AgentBayOptions, type NormalizedConfig } from '../http/config.js'
import { ContextService } from '../contexts/context-service.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { SIGNAL_ONLY, describeChoice, requireOptions, requireText, withSignal, type KnownKeys } from '../shared/arguments.js'
import { toOutcome, type Outcome } from '../shared/outcome.js'
import { createSessionEvents } from '../sessions/create.js'
import { LIST_SESSIONS_FORM, fetchSession, listSessionPage, listSessions } from '../sessions/lookup.js'
import {
  CREATE_SESSION_KEYS,
  DELETE_SESSION_KEYS,
  SESSION_PAGE_KEYS,
  type CreateSessionOptions,
  type DeleteSessionOptions,
  type DeleteSessionResult,
  type SessionInfo,
  type SessionListOptions,
  type SessionPageOptions,
} from '../sessions/types.js'
import { createRedactor } from '../shared/redact.js'
import {
  coalescingInterceptor,
  loggingInterceptor,
  redactingInterceptor,
  redactingLogger,
  retryingInterceptor,
} from '../rpc/interceptors.js'
import { createKyTransport } from '../http/ky-transport.js'
import { PollCoalescer } from '../rpc/poll-coalescer.js'
import { createRpc, type Rpc } from '../rpc/rpc.js'
import type { Transport } from '../http/transport.js'
import { Session, type CreateSessionResult, type SessionCreateEvent, type SessionFetched, type SessionPage } from '../sessions/session.js'

/** What `create()` emits: the ready `Session` (default) or every creation event. */
export type CreateObserve = 'session' | 'events'

const CREATE_KEYS = { ...CREATE_SESSION_KEYS, observe: true } as const satisfies KnownKeys<CreateSessionOptions & { readonly observe?: CreateObserve }>

/** The form `create$` (deprecated) points to. */
const CREATE_FORM = 'agentBay.create({ imageId, labels, contextSync, browserContext, downloadWait })'

const isReady = (event: SessionCreateEvent): event is Extract<SessionCreateEvent, { kind: 'session' }> => event.kind === 'session'

/** Options of `new AgentBay()`, plus the transport seam used by `agentbay-rx/testing`. */
export interface AgentBayClientOptions extends AgentBayOptions {
  /** Replace the HTTP transport (tests: `createFakeTransport()` from `agentbay-rx/testing`). */
  readonly transport?: Transport
  /** Random source for retry jitter (tests make it deterministic). Default `Math.random`. */
  readonly random?: () => number
}

// Compile-time: every client option is one `new AgentBay()` accepts (unknown keys are refused, issue 12).
AGENTBAY_OPTION_KEYS satisfies KnownKeys<AgentBayClientOptions>

/**
 * The AgentBay client. Reads configuration once, at construction (never at import).
 *
 * Sessions: `create` / `createAsync`, `get` / `getAsync`, `list` / `listPage` /
 * `listPageAsync`; contexts: `context`. Observables are cold; each `…Async` is the Promise form,
 * where remote failures resolve to `{ success: false, errorMessage, error }` and invalid
 * arguments reject with `ValidationError`.
 *
 * @example
 * const agentBay = new AgentBay({ apiKey: process.env.AGENTBAY_API_KEY })
 * const { session } = await agentBay.createAsync({ contextSync: [{ contextId: 'SdkCtx-1', path: '/home/wuying/data' }] })
 */
export class AgentBay {
  /** Resolved configuration. It holds no API key: only the closures of the transport and the redactor do (issue 9 item 10). */
  readonly config: NormalizedConfig
  /**
   * Calls one action through this client's interceptors (redaction → coalescing → retry →
   * logging, the last with a user `logger` only) and transport → decode; the building block of every service. Per-call options ride
   * on the call: `rpc('GetContextInfo', params, { retry: false })`.
   */
  readonly rpc: Rpc
  /** Contexts: lookup, lifecycle, paging, files, clear. */
  readonly context: ContextService
  /** @internal This client's shared polls (tests check that none is left in flight). */
  readonly coalescer: PollCoalescer

  /** Throws `ValidationError` (naming the option) for a missing key or any mistyped option. */
  constructor(options: AgentBayClientOptions = {}) {
    this.config = normalizeConfig(options)
    const customTransport = optionalFunction(options.transport, 'transport')
    const apiKey = resolveApiKey(options)
    // State of this client only (issue 10): its key lives in the redactor's closure, its polls in its coalescer.
    const redactor = createRedactor([apiKey])
    const logger = redactingLogger(this.config.logger, redactor)
    this.coalescer = new PollCoalescer(this.config.scheduler)
    const transport = customTransport ?? createKyTransport(this.config, apiKey, redactor)
    const interceptors = [
      redactingInterceptor(redactor),
      coalescingInterceptor(this.coalescer),
      retryingInterceptor(this.config.retry, this.config.scheduler, logger, optionalFunction(options.random, 'random')),
    ]
    // The silent default drops every line: without a logger of the user's, calls pay for no logging operator.
    if (options.logger !== undefined) interceptors.push(loggingInterceptor(logger, this.config.scheduler))
    this.rpc = createRpc(transport, interceptors)
    this.context = new ContextService({ rpc: this.rpc, config: this.config })
  }

  /** A handle for an existing session; makes no call. Throws `ValidationError` unless `sessionId` is a non-empty string. */
  session(sessionId: string): Session {
    // Checked here, not at the first call: every call of the handle would send this id.
    requireText(sessionId, 'sessionId')
    return new Session(sessionId, this)
  }

  // ---- sessions ------------------------------------------------------------------------------

  /**
   * Creates a session and, when contexts are mounted, waits for their downloads. Emits the ready
   * `Session`; check `session.downloads?.success` (a failed download does not error, so the
   * session is never lost). With `observe: 'events'` it emits the creation's progress instead:
   * `created`, then each download `task` update, then `session`.
   */
  create(options: CreateSessionOptions & { readonly observe: 'events' }): Observable<SessionCreateEvent>
  create(options?: CreateSessionOptions & { readonly observe?: 'session' }): Observable<Session>
  create(options: CreateSessionOptions & { readonly observe?: CreateObserve } = {}): Observable<Session | SessionCreateEvent> {
    return defer(() => {
      const { observe = 'session', ...createOptions } = requireOptions(options, 'agentBay.create(options)', "agentBay.create({ imageId, labels, contextSync, observe: 'events' })", CREATE_KEYS)
      if (observe !== 'session' && observe !== 'events') throw new ValidationError(`observe must be 'session' or 'events', got ${describeChoice(observe, ['session', 'events'])}`)
      const events$ = createSessionEvents(this, createOptions, this.makeSession)
      return observe === 'events' ? events$ : events$.pipe(filter(isReady), map((event) => event.session))
    })
  }

  /** @deprecated Use `create({ ...options, observe: 'events' })`: `$` no longer names an event stream. */
  create$(options: CreateSessionOptions = {}): Observable<SessionCreateEvent> {
    return defer(() => createSessionEvents(this, requireOptions(options, 'agentBay.create(options)', CREATE_FORM, CREATE_SESSION_KEYS), this.makeSession))
  }

  /**
   * Promise form of `create`. `success` is false when CreateMcpSession failed (no `session`) or
   * when a mounted context's download failed or timed out (`session` set, `downloads` says which).
   */
  async createAsync(options: CreateSessionOptions & AsyncOptions = {}): Promise<CreateSessionResult> {
    const { signal, ...createOptions } = requireOptions(options, 'agentBay.createAsync(options)', 'agentBay.createAsync({ imageId, labels, contextSync, signal })', withSignal(CREATE_SESSION_KEYS))
    const ready$ = createSessionEvents(this, createOptions, this.makeSession).pipe(filter(isReady))
    return lastValueWithSignal(ready$, signal).then(
      ({ requestId, session, downloads }): CreateSessionResult => {
        if (downloads === undefined) return { requestId, success: true, session }
        if (downloads.success) return { requestId, success: true, session, downloads }
        return {
          requestId,
          success: false,
          session,
          downloads,
          errorMessage: `session ${session.sessionId} was created but its contexts were not downloaded: ${downloads.errorMessage ?? 'unknown reason'}`,
          ...(downloads.error === undefined ? {} : { error: downloads.error }),
        }
      },
      (error: unknown): CreateSessionResult => failureFields(error),
    )
  }

  /** GetSession → a `Session` with its status, resource URL and mounted contexts. */
  get(sessionId: string): Observable<Session> {
    return fetchSession(this, sessionId, this.makeSession).pipe(map((fetched) => fetched.session))
  }

  async getAsync(sessionId: string, options: AsyncOptions = {}): Promise<Outcome<SessionFetched>> {
    const { signal } = requireOptions(options, 'agentBay.getAsync(sessionId, options)', 'agentBay.getAsync(sessionId, { signal })', SIGNAL_ONLY)
    return toOutcome(fetchSession(this, sessionId, this.makeSession), signal)
  }

  /** Every matching session, pages fetched lazily: `list().pipe(take(5))` sends one request. */
  list(options: SessionListOptions = {}): Observable<Session> {
    return listSessions(this, options, this.makeSession)
  }

  /** One ListSession page. */
  listPage(options: SessionPageOptions = {}): Observable<SessionPage> {
    return listSessionPage(this, options, this.makeSession)
  }

  async listPageAsync(options: SessionPageOptions & AsyncOptions = {}): Promise<Outcome<SessionPage>> {
    const { signal, ...pageOptions } = requireOptions(options, 'agentBay.listPageAsync(options)', LIST_SESSIONS_FORM, withSignal(SESSION_PAGE_KEYS))
    return toOutcome(this.listPage(pageOptions), signal)
  }

  /**
   * Deletes a session, given as a `Session` or its id: the official `agentBay.delete(session,
   * syncContext)`, with the options of `session.delete` (it is that call). With `syncContext`,
   * the mounted contexts are uploaded first and the session is kept if that upload fails (unless
   * `force`). Emits one `DeleteSessionResult`; remote failures of the delete itself are errors.
   * A session id makes a handle that knows nothing of what is mounted: prefer the `Session`.
   *
   * @example
   * agentBay.delete(session, { syncContext: true }).subscribe((result) => console.log(result.deleted))
   */
  delete(session: Session | string, options: DeleteSessionOptions = {}): Observable<DeleteSessionResult> {
    return defer(() => {
      // `delete(session, true)` is the official positional syncContext: refused, not read as {}.
      requireOptions(options, 'agentBay.delete(session, options)', 'agentBay.delete(session, { syncContext: true })', DELETE_SESSION_KEYS)
      return this.sessionToDelete(session).delete(options)
    })
  }

  /** Promise form of `delete`: remote failures resolve to `{ success: false, deleted: false, … }`. */
  async deleteAsync(session: Session | string, options: DeleteSessionOptions & AsyncOptions = {}): Promise<DeleteSessionResult> {
    requireOptions(options, 'agentBay.deleteAsync(session, options)', 'agentBay.deleteAsync(session, { syncContext: true })', withSignal(DELETE_SESSION_KEYS))
    return this.sessionToDelete(session).deleteAsync(options)
  }

  /** Keeps the API key out of logs and snapshots. */
  toJSON(): Record<string, unknown> {
    return { endpoint: this.config.baseUrl, regionId: this.config.regionId, timeoutMs: this.config.timeoutMs }
  }

  /** The session `delete` acts on: a `Session` as is, an id as a fresh handle; anything else is refused. */
  private sessionToDelete(session: Session | string): Session {
    if (session instanceof Session) return session
    if (typeof session === 'string') {
      // Checked here, under the parameter's own name; `this.session()` would check it again as sessionId.
      requireText(session, 'session')
      return new Session(session, this)
    }
    throw new ValidationError(`session must be a Session or a session id string, got ${session === null ? 'null' : typeof session}`)
  }

  private readonly makeSession = (sessionId: string, info: SessionInfo): Session => new Session(sessionId, this, info)
}
