import { defer, map, retry, throwError, timer, type Observable } from 'rxjs'
import { RESPONSE_CODECS, type ResponseBody } from '../codecs/actions.js'
import type { Envelope } from '../codecs/envelope.js'
import type { NormalizedConfig, NormalizedRetry } from '../config.js'
import { isAgentBayError } from '../errors/agentbay-error.js'
import { isThrottlingError } from '../errors/throttling-error.js'
import type { Action } from '../wire/protocol.js'
import { decodeResponse } from './decode-response.js'
import type { Transport } from './transport.js'

/** A decoded answer: the envelope fields plus the action's own fields. */
export type RpcResponse<A extends Action> = Envelope & ResponseBody<A>

/** Calls one action: `(action, params)` → cold Observable of the decoded body. */
export type Rpc = <A extends Action>(
  action: A,
  params?: Readonly<Record<string, string | undefined>>,
) => Observable<RpcResponse<A>>

/**
 * Actions that read state and may be repeated safely. Only these get transport-level retries;
 * a repeated CreateMcpSession or SyncContext could do the work twice.
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
])

/** Composes transport → decode, plus bounded retries of transient failures for read actions. */
export function createRpc(
  transport: Transport,
  config: Pick<NormalizedConfig, 'retry' | 'scheduler' | 'logger'>,
  random: () => number = Math.random,
): Rpc {
  return <A extends Action>(action: A, params: Readonly<Record<string, string | undefined>> = {}) => {
    const once = defer(() => transport({ action, params })).pipe(
      map((raw) => decodeResponse(action, RESPONSE_CODECS[action], raw) as RpcResponse<A>),
    )
    if (!READ_ACTIONS.has(action) || config.retry.attempts <= 1) return once
    return once.pipe(
      retry({
        count: config.retry.attempts - 1,
        delay: (error: unknown, retryCount: number) => {
          if (!isTransientError(error)) return throwError(() => error)
          const wait = retryDelayMs(error, retryCount, config.retry, random)
          config.logger.debug(`${action}: transient failure, retry ${retryCount} in ${Math.round(wait)} ms`)
          return timer(wait, config.scheduler)
        },
      }),
    )
  }
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
