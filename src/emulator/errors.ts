import { CODE_CONTEXT_NOT_FOUND, CODE_SESSION_NOT_FOUND, CODE_UNKNOWN_ACTION } from '../wire/protocol.js'

/**
 * Error codes the emulator answers with. The protocol fixes the first three (§2.2); the real
 * service's codes for bad keys, bad parameters and limits are unknown (§2.2 "Unknown"), so these
 * follow the Alibaba Cloud naming style and are documented here as the emulator's contract.
 */
export const EMULATOR_CODES = {
  sessionNotFound: CODE_SESSION_NOT_FOUND,
  unknownAction: CODE_UNKNOWN_ACTION,
  contextNotFound: CODE_CONTEXT_NOT_FOUND,
  /** HTTP 401: `Authorization` missing, not `Bearer <key>`, or not a configured key. */
  invalidApiKey: 'InvalidApiKey',
  /** HTTP 400: a required parameter is absent or empty. */
  missingParameter: 'MissingParameter',
  /** HTTP 400: a parameter has the wrong shape (bad JSON, bad number, bad enum value). */
  invalidParameter: 'InvalidParameter',
  /** HTTP 400: a path would leave the sandbox or context storage (`..`, NUL, symlink). */
  invalidPath: 'InvalidParameter.Path',
  /** HTTP 400: the session exists but cannot be used now: it is being deleted, or is paused (PAUSING, PAUSED, RESUMING). */
  invalidSession: 'InvalidSession',
  /** HTTP 400: context name clash on rename/create. */
  invalidContext: 'InvalidContext',
  /** HTTP 400: DeleteContext of a context a live (running or deleting) session mounts. */
  contextInUse: 'Context.InUse',
  /** HTTP 400 (RPC) or 404 (presigned GET): no such file in the context. */
  fileNotFound: 'File.NotFound',
  /** HTTP 403: presigned URL token is wrong or was issued for another file/operation. */
  invalidToken: 'InvalidToken',
  /** HTTP 403: presigned URL is past its expiry. */
  tokenExpired: 'TokenExpired',
  /** HTTP 413: form body or upload exceeds the configured limit. */
  requestTooLarge: 'RequestTooLarge',
  /** HTTP 408: a request body sent nothing for `bodyIdleTimeoutMs`; the connection is closed. */
  requestTimeout: 'RequestTimeout',
  /** HTTP 400: an official action the emulator cannot serve (it runs no browser); never a 404. */
  notSupported: 'NotSupportedByEmulator',
  /** HTTP 404/405: not `/` or `/files/…`, or a method those paths do not serve. */
  notFound: 'NotFound',
  methodNotAllowed: 'MethodNotAllowed',
  /** HTTP 429 (fault injection): one of the codes the SDK core maps to ThrottlingError (§2.2). */
  throttling: 'Throttling',
  /** HTTP 500 (fault injection or an emulator bug). */
  internalError: 'InternalError',
  /** HTTP 503 (fault injection, or the emulator is shutting down). */
  serviceUnavailable: 'ServiceUnavailable',
} as const
export type EmulatorCode = (typeof EMULATOR_CODES)[keyof typeof EMULATOR_CODES]

/**
 * A request the emulator refuses: carries the envelope `Code`, the HTTP status and a message.
 * Handlers throw it; the HTTP layer turns it into an error envelope, so a bad request is never
 * a crash.
 */
export class RpcFailure extends Error {
  override readonly name = 'RpcFailure'
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message)
  }
}

// ---- constructors for the common refusals ------------------------------------------------------

export const missingParameter = (name: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.missingParameter, `${name} is required`)

export const invalidParameter = (name: string, reason: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.invalidParameter, `${name} is invalid: ${reason}`)

export const invalidPath = (name: string, reason: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.invalidPath, `${name} is not a safe path: ${reason}`)

export const sessionNotFound = (sessionId: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.sessionNotFound, `Session ${sessionId} not found`)

export const contextNotFound = (what: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.contextNotFound, `Context ${what} not found`)

export const contextInUse = (contextId: string, sessionId: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.contextInUse, `Context ${contextId} is in use by session ${sessionId}; delete the session first`)
