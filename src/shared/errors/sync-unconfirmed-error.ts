import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/**
 * A sync was triggered on a session with contexts mounted in its scope, but no task of it appeared
 * before the deadline: its outcome is unknown, so it is never reported as success (issue 9).
 */
export class SyncUnconfirmedError extends AgentBayError {
  override readonly name = 'SyncUnconfirmedError' as const
  readonly kind = 'unconfirmed' as const
  constructor(reason: string, details: ErrorDetails = {}) {
    super(reason, details)
  }
}

export const isSyncUnconfirmedError = (value: unknown): value is SyncUnconfirmedError =>
  value instanceof SyncUnconfirmedError || (value instanceof Error && value.name === 'SyncUnconfirmedError')
