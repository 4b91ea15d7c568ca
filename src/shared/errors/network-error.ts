import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** The request never got an HTTP answer: connection refused or reset, DNS failure, truncated body. */
export class NetworkError extends AgentBayError {
  override readonly name = 'NetworkError' as const
  readonly kind = 'network' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

/**
 * What a failed fetch says, for a `NetworkError` message: its message, the cause's code (e.g.
 * `ECONNRESET`) and the cause's message. Redact the result: fetch messages may quote a URL.
 */
export const describeFetchFailure = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: unknown }).cause
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined
  const causeMessage = cause instanceof Error ? cause.message : undefined
  return [error.message, typeof code === 'string' ? code : undefined, causeMessage].filter(Boolean).join(': ')
}

export const isNetworkError = (value: unknown): value is NetworkError =>
  value instanceof NetworkError || (value instanceof Error && value.name === 'NetworkError')
