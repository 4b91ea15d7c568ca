// agentbay-rx: RxJS-first client for AgentBay contexts. Named exports only (style §12).

// ---- client --------------------------------------------------------------------------------------
export { AgentBay, type AgentBayClientOptions } from './agentbay.js'
export { Session } from './session.js'
export type { AgentBayOptions, Logger, RetryOptions, NormalizedConfig } from './config.js'
export { endpointToBaseUrl, isLoopbackHost } from './config.js'

// ---- context -------------------------------------------------------------------------------------
export { ContextManager, type ContextManagerDeps, type SyncAsyncOptions, type SyncCallbackOptions } from './context/context-manager.js'
export { toSyncResult, summarizeSync } from './context/sync-result.js'
export { fixedSchedule, adaptiveSchedule, type PollSchedule, type AdaptiveScheduleOptions } from './context/poll-schedule.js'
export { SYNC_DEFAULTS, type SyncOptions } from './context/sync-options.js'
export type {
  ContextInfoFilter,
  ContextInfoResult,
  ContextSyncResult,
  SyncTaskStatus,
  SyncTriggerResult,
} from './context/types.js'
export { MAX_DELAY_MS } from './duration.js'
export type { AsyncOptions } from './adapters.js'

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
  type ErrorKind,
} from './errors/index.js'

// ---- codecs --------------------------------------------------------------------------------------
export { ContextStatusData, ContextStatusFromString, EpochSeconds } from './codecs/context-status.js'
export { JsonFromString } from './codecs/json-from-string.js'
export { Envelope } from './codecs/envelope.js'
export { ContextRecord, ContextFileRecord, RESPONSE_CODECS } from './codecs/actions.js'
export { decodeContextStatusData, decodeContextStatus } from './codecs/from-dict.js'

// ---- transport (for custom transports) -----------------------------------------------------------
export type { Transport, RawResponse, RpcRequest } from './transport/transport.js'
export type { Rpc, RpcResponse } from './transport/rpc.js'
export { redactUrl } from './transport/redact.js'

// ---- version ------------------------------------------------------------------------------------
export { SDK_VERSION } from './version.js'

// ---- wire ----------------------------------------------------------------------------------------
export { API_VERSION, DEFAULT_ENDPOINT, TASK_STATUS, type Action, type SyncMode } from './wire/protocol.js'

// ---- context service (agentBay.context) ----------------------------------------------------------
export { ContextService, CLEAR_DEFAULTS, type ContextServiceDeps } from './context-service/context-service.js'
export type { Outcome } from './context-service/outcome.js'
export { walkPages, type Page } from './context-service/paging.js'
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
export { FileSystem, parseDirectoryListing, type ReadFileOptions, type WriteFileOptions, type ToolOutput } from './sessions/file-system.js'
export { DOWNLOAD_WAIT_DEFAULTS, downloadWaitSchedule } from './sessions/create.js'
export { DELETE_DEFAULTS } from './sessions/delete.js'
export { SESSION_STATUSES } from './sessions/types.js'
export type {
  CreateSessionOptions,
  CreateSessionResult,
  DeleteSessionOptions,
  DeleteSessionResult,
  DirectoryEntry,
  DownloadWaitOptions,
  SessionCreateEvent,
  SessionFetched,
  SessionInfo,
  SessionListOptions,
  SessionPage,
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
  serializePolicy,
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
export { serializePersistenceDataList, type ContextSync } from './policy/context-sync.js'
