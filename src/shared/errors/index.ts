export { AgentBayError, isAgentBayError, type ErrorDetails, type ErrorKind } from './agentbay-error.js'
export { ApiError, isApiError } from './api-error.js'
export { HttpError, isHttpError } from './http-error.js'
export { ThrottlingError, isThrottlingError } from './throttling-error.js'
export { NetworkError, isNetworkError } from './network-error.js'
export { RequestTimeoutError, isRequestTimeoutError } from './request-timeout-error.js'
export { DecodeError, isDecodeError } from './decode-error.js'
export { ValidationError, isValidationError } from './validation-error.js'
export { ToolError, isToolError } from './tool-error.js'
export { SyncUnconfirmedError, isSyncUnconfirmedError } from './sync-unconfirmed-error.js'

import type { ApiError } from './api-error.js'
import type { DecodeError } from './decode-error.js'
import type { HttpError } from './http-error.js'
import type { NetworkError } from './network-error.js'
import type { RequestTimeoutError } from './request-timeout-error.js'
import type { ThrottlingError } from './throttling-error.js'
import type { ValidationError } from './validation-error.js'
import type { ToolError } from './tool-error.js'
import type { SyncUnconfirmedError } from './sync-unconfirmed-error.js'

/** Every error this SDK emits, as a union discriminated by `kind`. */
export type AgentBayFailure =
  | ApiError
  | HttpError
  | ThrottlingError
  | NetworkError
  | RequestTimeoutError
  | DecodeError
  | ValidationError
  | ToolError
  | SyncUnconfirmedError
