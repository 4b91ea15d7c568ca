// agentbay-rx: RxJS-first client for AgentBay contexts. Named exports only (style §12). The root holds
// what a user calls; codecs, protocol constants and the seams below the client are in
// `agentbay-rx/wire` (src/wire/index.ts). Surface changes show in test/api/*.api.md (issue 10 item 6).

// ---- client --------------------------------------------------------------------------------------
export { AgentBay, type AgentBayClientOptions, type CreateObserve } from './agentbay.js'
export { Session, type CreateSessionResult, type SessionCreateEvent, type SessionFetched, type SessionPage } from './session.js'
export type { AgentBayOptions, Logger, RetryOptions, NormalizedConfig, NormalizedRetry } from './config.js'

// ---- context -------------------------------------------------------------------------------------
export { ContextManager, type SyncAsyncOptions, type SyncCallbackOptions } from './context/context-manager.js'
export { toSyncResult, summarizeSync } from './context/sync-result.js'
export { fixedSchedule, adaptiveSchedule, type PollSchedule, type AdaptiveScheduleOptions } from './context/poll-schedule.js'
export { SYNC_DEFAULTS, type SyncOptions } from './context/sync-options.js'
export type {
  ContextInfoFilter,
  ContextInfoResult,
  ContextStatusData,
  ContextSyncResult,
  SyncTaskStatus,
  SyncTriggerResult,
} from './context/types.js'
export { MAX_DELAY_MS } from './duration.js'
export type { AsyncOptions, FailureFields } from './adapters.js'

// ---- errors --------------------------------------------------------------------------------------
export {
  AgentBayError,
  ApiError,
  HttpError,
  ThrottlingError,
  NetworkError,
  RequestTimeoutError,
  DecodeError,
  ValidationError,
  isAgentBayError,
  isApiError,
  isHttpError,
  isThrottlingError,
  isNetworkError,
  isRequestTimeoutError,
  isDecodeError,
  isValidationError,
  type AgentBayFailure,
  type ErrorDetails,
  type ErrorKind,
} from './errors/index.js'

// ---- transport (the `transport` option) -----------------------------------------------------------
export type { Transport, RawResponse, RpcRequest } from './transport/transport.js'

// ---- version ------------------------------------------------------------------------------------
export { SDK_VERSION } from './version.js'

// ---- protocol values users pass ------------------------------------------------------------------
export type { Action, SyncMode } from './wire/protocol.js'

// ---- context service (agentBay.context) ----------------------------------------------------------
export { ContextService, CLEAR_DEFAULTS } from './context-service/context-service.js'
export type { Outcome } from './context-service/outcome.js'
export type {
  Acknowledged,
  ClearOptions,
  ClearResult,
  Context,
  ContextFileEntry,
  ContextFilePage,
  ContextListOptions,
  ContextPage,
  ContextPageOptions,
  ContextState,
  ListFilesOptions,
  PresignedUrl,
} from './context-service/types.js'
export type {
  DownloadDone,
  DownloadEvent,
  DownloadStream,
  TransferOptions,
  TransferProgress,
  UploadData,
  UploadDone,
  UploadEvent,
} from './context-service/transfer.js'

// ---- sessions ------------------------------------------------------------------------------------
export { FileSystem, type ReadFileOptions, type WriteFileOptions, type ToolOutput } from './sessions/file-system.js'
export { DOWNLOAD_WAIT_DEFAULTS, downloadWaitSchedule } from './sessions/create.js'
export { DELETE_DEFAULTS } from './sessions/delete.js'
export { SESSION_STATUSES } from './sessions/types.js'
export type {
  CreateSessionOptions,
  DeleteSessionOptions,
  DeleteSessionResult,
  DirectoryEntry,
  DownloadWaitOptions,
  SessionInfo,
  SessionListOptions,
  SessionPageOptions,
  SessionStatus,
} from './sessions/types.js'
export { ToolError, isToolError } from './errors/index.js'
export { SyncUnconfirmedError, isSyncUnconfirmedError } from './errors/index.js'

// ---- sync policies -------------------------------------------------------------------------------
export {
  DEFAULT_SYNC_POLICY,
  DOWNLOAD_STRATEGIES,
  LIFECYCLES,
  UPLOAD_MODES,
  UPLOAD_STRATEGIES,
  syncPolicy,
  validateSyncPolicy,
  type BWList,
  type DeletePolicy,
  type DownloadPolicy,
  type DownloadStrategy,
  type ExtractPolicy,
  type Lifecycle,
  type MappingPolicy,
  type RecyclePolicy,
  type SyncPolicy,
  type SyncPolicyInput,
  type UploadMode,
  type UploadPolicy,
  type UploadStrategy,
  type WhiteList,
} from './policy/sync-policy.js'
export type { ContextSync } from './policy/context-sync.js'
