import { EmptyError, lastValueFrom, type Observable, type Subscription } from 'rxjs'
import type { AgentBayFailure } from './errors/index.js'
import { isAgentBayError } from './errors/agentbay-error.js'
import { ValidationError, isValidationError } from './errors/validation-error.js'

/** Options every Promise adapter accepts. */
export interface AsyncOptions {
  /** Aborting unsubscribes: timers stop and any request in flight is aborted. */
  readonly signal?: AbortSignal
}

/**
 * `lastValueFrom` with an `AbortSignal` bridge. Aborting rejects with the signal's reason, even if
 * the source had already emitted; a source that ends on its own settles exactly like `lastValueFrom`.
 * The listener is removed when the promise settles.
 */
export function lastValueWithSignal<T>(source: Observable<T>, signal?: AbortSignal): Promise<T> {
  try {
    requireAbortSignal(signal)
  } catch (error) {
    return Promise.reject(error)
  }
  if (signal === undefined) return lastValueFrom(source)
  if (signal.aborted) return Promise.reject(abortReason(signal))
  // One subscriber and one listener, no operators: a thousand waiting syncs each hold one (issue 13
  // goal 4). The first of end and abort decides, synchronously, so an abort that lands after the
  // source ended (but before the promise callbacks run) does not turn a finished call into an
  // abort, nor the reverse.
  return new Promise<T>((resolve, reject) => {
    let last: { readonly value: T } | undefined
    let settled = false
    let subscription: Subscription | undefined
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      signal.removeEventListener('abort', onAbort)
      return true
    }
    const onAbort = (): void => {
      if (!settle()) return
      subscription?.unsubscribe()
      reject(abortReason(signal))
    }
    signal.addEventListener('abort', onAbort)
    subscription = source.subscribe({
      next: (value) => (last = { value }),
      error: (error: unknown) => {
        if (settle()) reject(error)
      },
      complete: () => {
        if (!settle()) return
        if (last === undefined) reject(new EmptyError())
        else resolve(last.value)
      },
    })
    if (settled) subscription.unsubscribe() // aborted while subscribing
  })
}

/** `signal` must be an `AbortSignal` (or absent): `signal: {}` would otherwise never abort (issue 9). */
export function requireAbortSignal(signal: unknown): asserts signal is AbortSignal | undefined {
  if (signal === undefined) return
  const looksLikeSignal =
    signal instanceof AbortSignal ||
    (typeof signal === 'object' &&
      signal !== null &&
      typeof (signal as AbortSignal).aborted === 'boolean' &&
      typeof (signal as AbortSignal).addEventListener === 'function' &&
      typeof (signal as AbortSignal).removeEventListener === 'function')
  if (!looksLikeSignal) throw new ValidationError(`signal must be an AbortSignal (e.g. AbortController().signal), got ${signal === null ? 'null' : typeof signal}`)
}

/** Why `signal` aborted: its reason, or an `AbortError` when it gives none. */
export const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('The operation was aborted', 'AbortError')

/** What a remote failure looks like in the reference result shapes. */
export interface FailureFields {
  readonly requestId: string
  readonly success: false
  readonly errorMessage: string
  readonly error: AgentBayFailure
}

/**
 * Maps a rejection to the reference style: remote failures become `{ success: false, … }`;
 * invalid arguments, aborts and programming errors still reject.
 */
export function failureFields(error: unknown): FailureFields {
  if (!isAgentBayError(error) || isValidationError(error)) throw error
  return {
    requestId: error.requestId ?? '',
    success: false,
    errorMessage: error.message,
    error: error as AgentBayFailure,
  }
}
