import type { NormalizedRetry } from '../http/config.js'
import { isAgentBayError } from '../shared/errors/agentbay-error.js'
import { isThrottlingError } from '../shared/errors/throttling-error.js'
import type { RpcRequest } from '../wire/messages.js'
import type { Action } from '../wire/protocol.js'

/**
 * Actions that read state and may be repeated safely, whatever their parameters (`isReadCall` adds
 * `GetContext` that cannot create). Only reads get transport-level retries; a repeated
 * CreateMcpSession or SyncContext could do the work twice.
 */
export const READ_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'GetSession',
  'GetSessionDetail',
  'ListSession',
  'ListContexts',
  'GetContextInfo',
  'DescribeContextFiles',
  'GetContextFileUploadUrl',
  'GetContextFileDownloadUrl',
  'GetLabel',
])

/**
 * Whether one call only reads, so it may be repeated (retried, or shared by identical polls): a
 * READ_ACTION, or `GetContext` unless `AllowCreate` is true (protocol §3.7: then it may create the
 * context, and a repeat could act twice).
 */
export function isReadCall(request: RpcRequest): boolean {
  if (request.action === 'GetContext') return request.params['AllowCreate']?.toLowerCase() !== 'true'
  return READ_ACTIONS.has(request.action)
}

/** Network errors, timeouts, 5xx and throttling are worth another attempt; nothing else is. */
export function isTransientError(error: unknown): boolean {
  if (!isAgentBayError(error)) return false
  switch (error.kind) {
    case 'network':
    case 'timeout':
    case 'throttling':
      return true
    case 'http':
      return error.httpStatus !== undefined && error.httpStatus >= 500
    default:
      return false
  }
}

const MAX_RETRY_AFTER_MS = 60_000

/** Exponential backoff with equal jitter (half fixed, half random); throttling waits at least `Retry-After` (capped at 60 s). */
export function retryDelayMs(
  error: unknown,
  retryCount: number,
  policy: NormalizedRetry,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryCount - 1))
  const backoff = ceiling / 2 + (random() * ceiling) / 2
  // Honour Retry-After, but never park a read for more than a minute on one server hint.
  const retryAfter = isThrottlingError(error) ? Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0
  return Math.max(backoff, retryAfter)
}
