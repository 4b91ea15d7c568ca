import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** One attempt took longer than \`timeoutMs\`. */
export class RequestTimeoutError extends AgentBayError {
  override readonly name = 'RequestTimeoutError' as const
  readonly kind = 'timeout' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isRequestTimeoutError = (value: unknown): value is RequestTimeoutError =>
  value instanceof RequestTimeoutError || (value instanceof Error && value.name === 'RequestTimeoutError')
