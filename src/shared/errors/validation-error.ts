import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/** Invalid arguments, raised before any I/O. */
export class ValidationError extends AgentBayError {
  override readonly name = 'ValidationError' as const
  readonly kind = 'validation' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isValidationError = (value: unknown): value is ValidationError =>
  value instanceof ValidationError || (value instanceof Error && value.name === 'ValidationError')
