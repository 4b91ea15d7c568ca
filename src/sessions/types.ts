import type { PollSchedule } from '../rpc/poll-schedule.js'
import type { SyncTimingOptions } from '../sync/sync-options.js'
import type { KnownKeys } from '../shared/arguments.js'
import type { ContextSyncResult } from '../sync/types.js'
import type { AgentBayFailure } from '../shared/errors/index.js'
import type { BrowserContextOptions } from '../wire/policy/browser-context.js'
import type { Labels } from '../wire/codecs/labels.js'
import type { ContextSync } from '../wire/policy/context-sync.js'
import type { NormalizedConfig } from '../http/config.js'
import type { Rpc } from '../rpc/rpc.js'

/** What a session and the session functions need from the client: its rpc and a few settings. */
export interface SessionDeps {
  readonly rpc: Rpc
  readonly config: Pick<NormalizedConfig, 'scheduler' | 'regionId' | 'logger' | 'fetch'>
}

/** protocol §3.6: the statuses `ListSession` accepts as a filter. */
export const SESSION_STATUSES = ['RUNNING', 'PAUSING', 'PAUSED', 'RESUMING', 'DELETING', 'DELETED'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]

/** What the service told us about a session when the handle was made (all optional). */
export interface SessionInfo {
  readonly status?: string
  readonly resourceUrl?: string
  /** Contexts mounted in the session (GetSession `Data.contexts`). */
  readonly contexts?: readonly { readonly id: string; readonly name: string }[]
  /** Ids of the contexts the session was created with (from `create`); what an unscoped sync expects. */
  readonly mountedContextIds?: readonly string[]
  /** Outcome of the creation-time download of mounted contexts (only on sessions from `create`). */
  readonly downloads?: ContextSyncResult
}

/** How `create` waits for the mounted contexts' download tasks (protocol §5.3 defaults). */
export interface DownloadWaitOptions {
  /** Poll budget. Default 50. */
  readonly maxPolls?: number
  /** Delay before each poll. Default: at once, then 500 ms growing ×1.1 per poll up to 5 s. */
  readonly schedule?: PollSchedule
  /**
   * Kept for symmetry with `sync()` (a new session has no earlier tasks to mistake). The wait never
   * ends early for lack of a task: if no download task appears within `maxPolls`, `downloads` is
   * `{ success: false, unconfirmed: true }`. Default 3000.
   */
  readonly noTaskGraceMs?: number
}

export interface CreateSessionOptions {
  /** e.g. `linux_latest`, `code_latest`. Omitted: the service's default image. */
  readonly imageId?: string
  /** Sent as the `Labels` JSON string; checked as `setLabels` checks them (a plain object of non-blank strings; `{}` allowed). */
  readonly labels?: Readonly<Record<string, string>>
  /** Contexts to mount; creation then waits for their downloads. */
  readonly contextSync?: readonly ContextSync[]
  /**
   * Persist a browser's data (cookies, local state) in a context, with optional extension and
   * fingerprint contexts: sent as the official SDKs' extra `PersistenceDataList` items at
   * `/tmp/agentbay_browser`, `/tmp/extensions/` and `/tmp/browser_fingerprint` (a plain object or
   * `new BrowserContext(contextId, autoUpload, extensionOption, fingerprintContext)`).
   */
  readonly browserContext?: BrowserContextOptions
  readonly downloadWait?: DownloadWaitOptions
}

export interface SessionListOptions {
  /** Only sessions carrying all these labels. `Labels` is always sent (`{}` without a filter). */
  readonly labels?: Readonly<Record<string, string>>
  readonly status?: SessionStatus
  /** Page size (≥ 1). Default 10. With `list()`, bound the total with `take(n)`. */
  readonly maxResults?: number
}

export interface SessionPageOptions extends SessionListOptions {
  readonly nextToken?: string
}

export interface DeleteSessionOptions {
  /** Upload the mounted contexts first (`context.sync({ mode: 'upload' })`). Default false. */
  readonly syncContext?: boolean
  /** Timing of that upload wait (`maxRetries`, `retryInterval`, …). */
  readonly sync?: SyncTimingOptions
  /**
   * Delete even when the upload before it failed or timed out. Default false: the session is kept
   * (its data is still there) and the result says why, so nothing is lost silently.
   */
  readonly force?: boolean
  /** Delay between `GetSessionDetail` probes, ms. Default 1000. */
  readonly pollIntervalMs?: number
  /** How long to wait for the session to be gone, ms; then `RequestTimeoutError`. Default 300000. */
  readonly timeoutMs?: number
}

// ---- known option keys (complete at compile time; unknown keys are refused, issue 12) -------------

export const DOWNLOAD_WAIT_KEYS = { maxPolls: true, schedule: true, noTaskGraceMs: true } as const satisfies KnownKeys<DownloadWaitOptions>
export const CREATE_SESSION_KEYS = { imageId: true, labels: true, contextSync: true, browserContext: true, downloadWait: true } as const satisfies KnownKeys<CreateSessionOptions>
export const SESSION_LIST_KEYS = { labels: true, status: true, maxResults: true } as const satisfies KnownKeys<SessionListOptions>
export const SESSION_PAGE_KEYS = { ...SESSION_LIST_KEYS, nextToken: true } as const satisfies KnownKeys<SessionPageOptions>
export const DELETE_SESSION_KEYS = { syncContext: true, sync: true, force: true, pollIntervalMs: true, timeoutMs: true } as const satisfies KnownKeys<DeleteSessionOptions>

export interface DeleteSessionResult {
  /** The DeleteSessionAsync request id (or the upload's, when the session was kept). */
  readonly requestId: string
  /** True only when the session is gone and the requested upload (if any) succeeded. */
  readonly success: boolean
  /** Whether the session was deleted. */
  readonly deleted: boolean
  readonly errorMessage?: string
  readonly error?: AgentBayFailure
  /** The upload before delete, when `syncContext` was set. */
  readonly upload?: ContextSyncResult
}

/** An entry of `session.fs.listDirectory` (defined with its parser, in the wire layer). */
export type { DirectoryEntry } from '../wire/file-tools.js'

/** What `session.setLabels` emits: the SetLabel acknowledgement. */
export interface LabelsSet {
  /** The SetLabel request id. */
  readonly requestId: string
}

/** What `session.getLabels` emits: the session's current labels (`{}` when it has none). */
export interface SessionLabels {
  /** The GetLabel request id. */
  readonly requestId: string
  /** The labels as the service holds them now. */
  readonly labels: Labels
}
