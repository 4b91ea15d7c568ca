import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** The service answered HTTP ≥ 400 (protocol §2.2, channel 1), with or without a JSON body. */
export class HttpError extends AgentBayError {
  override readonly name = 'HttpError' as const
  readonly kind = 'http' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isHttpError = (value: unknown): value is HttpError =>
  value instanceof HttpError || (value instanceof Error && value.name === 'HttpError')
