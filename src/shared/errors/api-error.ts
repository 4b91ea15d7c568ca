import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** The service answered HTTP 2xx with \`Success: false\` (protocol §2.2, channel 2), with or without a \`Code\`. */
export class ApiError extends AgentBayError {
  override readonly name = 'ApiError' as const
  readonly kind = 'api' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isApiError = (value: unknown): value is ApiError =>
  value instanceof ApiError || (value instanceof Error && value.name === 'ApiError')
