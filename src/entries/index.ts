// agentbay-rx: RxJS-first client for AgentBay contexts. Named exports only (style §12). The root holds
// what a user calls; codecs, protocol constants and the seams below the client are in
// `agentbay-rx/wire` (src/entries/wire.ts). Surface changes show in test/api/*.api.md (issue 10 item 6).

// ---- client --------------------------------------------------------------------------------------
export { AgentBay, type AgentBayClientOptions, type CreateObserve } from '../client/agentbay.js'
export { Session, type CreateSessionResult, type SessionCreateEvent, type SessionFetched, type SessionPage } from '../sessions/session.js'
export type { AgentBayOptions, Logger, RetryOptions, NormalizedConfig, NormalizedRetry } from '../http/config.js'

// ---- context -------------------------------------------------------------------------------------
export { ContextManager, type SyncAsyncOptions, type SyncCallbackOptions } from '../sync/context-manager.js'
export { toSyncResult, summarizeSync } from '../sync/sync-result.js'
export { fixedSchedule, adaptiveSchedule, type PollSchedule, type AdaptiveScheduleOptions } from '../rpc/poll-schedule.js'
export { SYNC_DEFAULTS, type SyncOptions, type SyncTimingOptions } from '../sync/sync-options.js'
export type {
  ContextInfoFilter,
  ContextInfoResult,
  ContextStatusData,
  ContextSyncResult,
  SyncTaskStatus,
  SyncTriggerResult,
} from '../sync/types.js'
export { MAX_DELAY_MS } from '../shared/duration.js'
export type { AsyncOptions, FailureFields } from '../shared/adapters.js'

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
} from '../shared/errors/index.js'

// ---- transport (the `transport` option) -----------------------------------------------------------
export type { Transport } from '../http/transport.js'
export type { RawResponse, RpcRequest } from '../wire/messages.js'

// ---- version ------------------------------------------------------------------------------------
export { SDK_VERSION } from '../shared/version.js'

// ---- protocol values users pass ------------------------------------------------------------------
export type { Action, SyncMode } from '../wire/protocol.js'

// ---- context service (agentBay.context) ----------------------------------------------------------
export { ContextService, CLEAR_DEFAULTS } from '../contexts/context-service.js'
export type { Outcome } from '../shared/outcome.js'
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
  GetContextOptions,
  ListFilesOptions,
  PresignedUrl,
} from '../contexts/types.js'
export type { ClearState } from '../wire/codecs/clear-state.js'
export type {
  DownloadDone,
  DownloadEvent,
  DownloadStream,
  TransferOptions,
  TransferProgress,
  UploadData,
  UploadDone,
  UploadEvent,
} from '../http/transfer.js'

// ---- sessions ------------------------------------------------------------------------------------
export {
  FileSystem,
  WATCH_DEFAULTS,
  WRITE_MODES,
  type EditFileOptions,
  type FileEdit,
  type ReadFileOptions,
  type SearchFilesOptions,
  type ToolOutput,
  type WatchDirectoryOptions,
  type WriteFileOptions,
  type WriteMode,
} from '../sessions/file-system.js'
export { READ_CHUNK_BYTES, WRITE_CHUNK_BYTES, type FileChangeEvent, type FileInfo } from '../wire/file-tools.js'
export {
  FileTransfer,
  FILE_TRANSFER_CONTEXT_TYPE,
  type FileDownloadDone,
  type FileDownloadEvent,
  type FileDownloadOptions,
  type FileDownloadResult,
  type FileSource,
  type FileTransferContext,
  type FileTransferDirection,
  type FileTransferEventBase,
  type FileTransferProgress,
  type FileTransferSyncOptions,
  type FileTransferSyncState,
  type FileUploadDone,
  type FileUploadEvent,
  type FileUploadOptions,
  type FileUploadResult,
} from '../sessions/file-transfer.js'
export { DOWNLOAD_WAIT_DEFAULTS, downloadWaitSchedule } from '../sessions/create.js'
export { DELETE_DEFAULTS } from '../sessions/delete.js'
export { SESSION_STATUSES } from '../sessions/types.js'
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
} from '../sessions/types.js'
export { ToolError, isToolError } from '../shared/errors/index.js'
export { SyncUnconfirmedError, isSyncUnconfirmedError } from '../shared/errors/index.js'

// ---- sync policies -------------------------------------------------------------------------------
export {
  DEFAULT_SYNC_POLICY,
  DOWNLOAD_STRATEGIES,
  LIFECYCLES,
  UPLOAD_MODES,
  UPLOAD_STRATEGIES,
  syncPolicy,
  validateSyncPolicy,
  newSyncPolicy,
  newSyncPolicyWithDefaults,
  newUploadPolicy,
  newDownloadPolicy,
  newDeletePolicy,
  newExtractPolicy,
  newRecyclePolicy,
  type PolicyDefaults,
  type BWList,
  DeletePolicy,
  DownloadPolicy,
  type DownloadStrategy,
  ExtractPolicy,
  type Lifecycle,
  type MappingPolicy,
  RecyclePolicy,
  SyncPolicy,
  type SyncPolicyInput,
  type UploadMode,
  UploadPolicy,
  type UploadStrategy,
  type WhiteList,
} from '../wire/policy/sync-policy.js'
export { ContextSync, newContextSync } from '../wire/policy/context-sync.js'

// ---- browser persistence and labels ----------------------------------------------------------------
export {
  BROWSER_DATA_PATH,
  BROWSER_EXTENSIONS_PATH,
  BROWSER_FINGERPRINT_PATH,
  BrowserContext,
  BrowserFingerprintContext,
  ExtensionOption,
  type BrowserContextOptions,
} from '../wire/policy/browser-context.js'
export type { Labels } from '../wire/codecs/labels.js'
export type { LabelsSet, SessionLabels } from '../sessions/types.js'
