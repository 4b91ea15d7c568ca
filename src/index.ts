// agentbay-rx: RxJS-first client for AgentBay contexts. Named exports only (style §12).

// ---- client --------------------------------------------------------------------------------------
export { AgentBay, type AgentBayClientOptions } from './agentbay.js'
export { Session } from './session.js'
export type { AgentBayOptions, Logger, RetryOptions, NormalizedConfig } from './config.js'
export { endpointToBaseUrl, isLoopbackHost } from './config.js'

// ---- context -------------------------------------------------------------------------------------
export { ContextManager, type ContextManagerDeps, type SyncAsyncOptions } from './context/context-manager.js'
export { toSyncResult, summarizeSync } from './context/sync-result.js'
export { fixedSchedule, adaptiveSchedule, type PollSchedule, type AdaptiveScheduleOptions } from './context/poll-schedule.js'
export { SYNC_DEFAULTS, type SyncOptions } from './context/sync-options.js'
export type {
  ContextInfoFilter,
  ContextInfoResult,
  ContextSyncResult,
  SyncTaskStatus,
} from './context/types.js'
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

// ---- wire ----------------------------------------------------------------------------------------
export { API_VERSION, DEFAULT_ENDPOINT, TASK_STATUS, type Action, type SyncMode } from './wire/protocol.js'
