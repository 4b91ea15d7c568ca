import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** The request never got an HTTP answer: connection refused or reset, DNS failure, truncated body. */
export class NetworkError extends AgentBayError {
  override readonly name = 'NetworkError' as const
  readonly kind = 'network' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isNetworkError = (value: unknown): value is NetworkError =>
  value instanceof NetworkError || (value instanceof Error && value.name === 'NetworkError')
