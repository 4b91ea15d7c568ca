import { catchError, retry, tap, throwError, timer, type Observable, type SchedulerLike } from 'rxjs'
import type { Logger, NormalizedRetry } from '../http/config.js'
import type { Redactor } from '../shared/redact.js'
import type { Action } from '../wire/protocol.js'
import type { PollCoalescer, PollCursor } from './poll-coalescer.js'
import { isReadCall, isTransientError, retryDelayMs } from './retry.js'
import type { RpcRequest } from '../wire/messages.js'

/**
 * Per-call switches, carried on the request through the whole chain (like Angular's
 * `HttpContext`), so one call can change how an interceptor treats it without a second code path.
 */
export interface RpcOptions {
  /** `false`: one attempt only, even for a read. Default: reads retry transient failures. */
  readonly retry?: boolean
  /** Share this read with identical ones (same action and parameters) that this cursor accepts. */
  readonly coalesce?: PollCursor
}

/** A call as it travels through the interceptors: the transport's request plus its options. */
export interface RpcCall extends RpcRequest {
  readonly options: RpcOptions
}

/** The rest of the chain: emits the decoded body of one call. */
export type RpcHandler = (call: RpcCall) => Observable<unknown>

/** One concern of every call, as Angular's `HttpInterceptorFn`: `(call, next) => Observable`. */
export type RpcInterceptor = (call: RpcCall, next: RpcHandler) => Observable<unknown>

/** The chain, built once: the first interceptor sees the call first and the answer last. */
export const chainInterceptors = (interceptors: readonly RpcInterceptor[], handler: RpcHandler): RpcHandler =>
  interceptors.reduceRight<RpcHandler>((next, interceptor) => (call) => interceptor(call, next), handler)

/** Scrubs every error leaving the chain with the client's redactor (its key included). */
export const redactingInterceptor =
  (redactor: Redactor): RpcInterceptor =>
  (call, next) =>
    next(call).pipe(catchError((error: unknown) => throwError(() => redactor.error(error))))

/** Identical reads that carry a cursor share one request (see `PollCoalescer`). Writes never do. */
export const coalescingInterceptor =
  (coalescer: PollCoalescer): RpcInterceptor =>
  (call, next) => {
    const cursor = call.options.coalesce
    if (cursor === undefined || !isReadCall(call)) return next(call)
    return coalescer.poll(coalescingKey(call.action, call.params), cursor, () => next(call))
  }

/** Action and parameters: two actions with the same parameters are different reads. */
const coalescingKey = (action: Action, params: RpcRequest['params']): string => JSON.stringify([action, params])

/**
 * Bounded retries of transient failures for read actions: exponential backoff with jitter, at
 * least `Retry-After`. Writes, and calls with `retry: false`, get one attempt.
 */
export const retryingInterceptor =
  (policy: NormalizedRetry, scheduler: SchedulerLike, logger: Logger, random: () => number = Math.random): RpcInterceptor =>
  (call, next) => {
    const once = next(call)
    if (!isReadCall(call) || call.options.retry === false || policy.attempts <= 1) return once
    return once.pipe(
      retry({
        count: policy.attempts - 1,
        delay: (error: unknown, retryCount: number) => {
          if (!isTransientError(error)) return throwError(() => error)
          const wait = retryDelayMs(error, retryCount, policy, random)
          logger.debug(`${call.action}: transient failure, retry ${retryCount} in ${Math.round(wait)} ms`)
          return timer(wait, scheduler)
        },
      }),
    )
  }

/** One debug line per attempt that failed, with how long it took (the logger redacts). */
export const loggingInterceptor =
  (logger: Logger, scheduler: SchedulerLike): RpcInterceptor =>
  (call, next) => {
    let startedAt = 0
    return next(call).pipe(
      tap({
        subscribe: () => (startedAt = scheduler.now()),
        error: (error: unknown) =>
          logger.debug(`${call.action}: attempt failed after ${scheduler.now() - startedAt} ms: ${error instanceof Error ? error.message : String(error)}`),
      }),
    )
  }

/** A logger whose messages and details pass through `redactor` first. */
export const redactingLogger = (logger: Logger, redactor: Redactor): Logger => {
  const scrub = (value: unknown): unknown => (typeof value === 'string' ? redactor.text(value) : redactor.error(value))
  return {
    debug: (message, ...details) => logger.debug(redactor.text(message), ...details.map(scrub)),
    warn: (message, ...details) => logger.warn(redactor.text(message), ...details.map(scrub)),
  }
}
