import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** The service throttled the call (HTTP 429 or a `Throttling*` code); `retryAfterMs` comes from `Retry-After`. */
export class ThrottlingError extends AgentBayError {
  override readonly name = 'ThrottlingError' as const
  readonly kind = 'throttling' as const
  readonly retryAfterMs?: number
  constructor(reason: string, details: ErrorDetails & { readonly retryAfterMs?: number } = {}) {
    super(reason, details)
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs
  }
}

export const isThrottlingError = (value: unknown): value is ThrottlingError =>
  value instanceof ThrottlingError || (value instanceof Error && value.name === 'ThrottlingError')
