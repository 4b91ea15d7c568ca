import { Observable, lastValueFrom } from 'rxjs'
import { InterruptedError } from './exit.js'

/**
 * Runs `source` to its last value; Ctrl-C (the signal) unsubscribes it, which aborts any request
 * in flight, and rejects with `InterruptedError` (exit 130).
 */
export function lastValueUntilAborted<T>(source: Observable<T>, signal: AbortSignal): Promise<T> {
  return lastValueFrom(untilAborted(source, signal))
}

/** `source`, erroring with `InterruptedError` once `signal` aborts (and unsubscribing from `source`). */
export function untilAborted<T>(source: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    if (signal.aborted) {
      subscriber.error(new InterruptedError())
      return undefined
    }
    const onAbort = (): void => subscriber.error(new InterruptedError())
    signal.addEventListener('abort', onAbort, { once: true })
    const subscription = source.subscribe(subscriber)
    return () => {
      signal.removeEventListener('abort', onAbort)
      subscription.unsubscribe()
    }
  })
}

/** Resolves after `ms`, or rejects with `InterruptedError` on abort. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new InterruptedError())
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new InterruptedError())
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
