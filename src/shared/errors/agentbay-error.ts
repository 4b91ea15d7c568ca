import { redactText } from '../redact.js'

/** What every AgentBay error may carry about the failed call. */
export interface ErrorDetails {
  readonly action?: string
  readonly requestId?: string
  readonly code?: string
  readonly httpStatus?: number
  readonly cause?: unknown
}

export type ErrorKind = 'api' | 'http' | 'throttling' | 'network' | 'timeout' | 'decode' | 'validation' | 'tool' | 'unconfirmed'

/**
 * Base of the tagged error family. `kind` discriminates; messages read
 * "<Action> failed: <reason> (requestId …)" and never contain the API key.
 */
export abstract class AgentBayError extends Error {
  abstract override readonly name: string
  abstract readonly kind: ErrorKind
  readonly action?: string
  readonly requestId?: string
  readonly code?: string
  readonly httpStatus?: number

  protected constructor(reason: string, details: ErrorDetails = {}) {
    super(formatMessage(reason, details), details.cause === undefined ? undefined : { cause: details.cause })
    if (details.action !== undefined) this.action = details.action
    if (details.requestId !== undefined) this.requestId = details.requestId
    if (details.code !== undefined) this.code = details.code
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus
  }

  /** Serializable view without the cause chain (which may hold raw transport objects). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      action: this.action,
      requestId: this.requestId,
      code: this.code,
      httpStatus: this.httpStatus,
    }
  }
}

function formatMessage(reason: string, { action, requestId }: ErrorDetails): string {
  const head = action === undefined ? reason : `${action} failed: ${reason}`
  return redactText(requestId === undefined ? head : `${head} (requestId ${requestId})`)
}

export const isAgentBayError = (value: unknown): value is AgentBayError =>
  value instanceof AgentBayError ||
  (value instanceof Error && typeof (value as { kind?: unknown }).kind === 'string' && ERROR_NAMES.has(value.name))

const ERROR_NAMES = new Set([
  'ApiError',
  'HttpError',
  'ThrottlingError',
  'NetworkError',
  'RequestTimeoutError',
  'DecodeError',
  'ValidationError',
  'ToolError',
  'SyncUnconfirmedError',
])
