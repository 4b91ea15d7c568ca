import { EMPTY, Observable, Subscription, concat, defer, takeWhile, throwError, type SchedulerLike } from 'rxjs'
import { runAfter } from '../shared/duration.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { isTransientError } from './retry.js'
import type { PollSchedule } from './poll-schedule.js'
import { describeValue } from '../shared/arguments.js'

/**
 * How `poll` repeats a request. A caller passes only what differs between waits (request,
 * schedule, budget); the rules for faults are the operator's own, the same for every wait:
 *
 * - A transient failure (`isTransientError`: network, timeout, 5xx, throttling — already retried
 *   inside the rpc) skips that poll; the next one goes out on schedule, within the budget.
 * - Any other failure ends the wait at once with that error.
 * - The deadline is wall-clock time on `scheduler`, the request in flight included: when it
 *   passes, that request is unsubscribed (aborted) and polling ends.
 * - Polling that ends with no poll answered and some failed errors with the last failure, never
 *   with an empty completion or a made-up outcome.
 */
export interface PollOptions<T> {
  /** One poll: emits its answer and completes (only the last value counts). */
  readonly request: () => Observable<T>
  /** The delay before poll n (0-based), counted from the answer of poll n−1 (or from subscribe, for poll 0); it also gets the time since subscribe. */
  readonly schedule: PollSchedule
  /** At most this many polls. Default: no limit (the deadline or the subscriber ends it). */
  readonly maxPolls?: number
  /**
   * Scheduler time (`scheduler.now()` units) at which polling stops, in-flight request included:
   * the request is unsubscribed (aborted) and the stream completes. Default: none.
   */
  readonly deadline?: number
  readonly scheduler: SchedulerLike
}

/**
 * Repeats `request` on `schedule` and emits each answer. Lazy: the next poll is scheduled only
 * after the previous one answered, so memory is O(1) whatever `maxPolls` or the deadline are
 * (issue 9: `range(0, maxPolls)` buffered the whole budget). Stop on a condition by unsubscribing
 * (`takeWhile` downstream): nothing more is sent.
 *
 * Ends by completing when `maxPolls` polls were made or the deadline passed; if by then no poll
 * answered at all and some failed transiently, it errors with the last failure instead, because
 * an empty completion would read as "nothing happened" (issue 6). Other failures end it at once.
 *
 * Written as one subscriber holding at most two scheduled actions (the wait or the request in
 * flight, and the deadline), not as a chain of operators per poll: a thousand concurrent syncs
 * each hold one of these while they wait (issue 13 goal 4).
 */
export function poll<T>(options: PollOptions<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const { scheduler } = options
    const startedAt = scheduler.now()
    const maxPolls = options.maxPolls ?? Infinity
    let answered = false
    let lastFailure: { readonly error: unknown } | undefined
    /** The wait before the next poll, or the poll in flight: one at a time. */
    let step: Subscription | undefined

    const end = (): void => {
      step?.unsubscribe()
      if (!answered && lastFailure !== undefined) subscriber.error(lastFailure.error)
      else subscriber.complete()
    }
    const attempt = (index: number): void => {
      let delay: number
      try {
        delay = delayBefore(options.schedule, index, scheduler.now() - startedAt)
      } catch (error) {
        return subscriber.error(error)
      }
      step = runAfter(delay, scheduler, () => send(index))
    }
    const send = (index: number): void => {
      // Only the last value counts, taken when the request ends on its own (never cancelled for it).
      let last: { readonly value: T } | undefined
      const inFlight = new Subscription()
      step = inFlight
      const settle = (): void => {
        if (last !== undefined) {
          answered = true
          subscriber.next(last.value)
        }
        if (subscriber.closed) return
        if (index + 1 < maxPolls) attempt(index + 1)
        else end()
      }
      // A transient failure skips this poll; any other ends the wait.
      const failed = (error: unknown): void => {
        if (!isTransientError(error)) return subscriber.error(error)
        lastFailure = { error }
        last = undefined
        settle()
      }
      try {
        inFlight.add(options.request().subscribe({ next: (value) => (last = { value }), error: failed, complete: settle }))
      } catch (error) {
        failed(error)
      }
    }

    // The deadline's timer goes first, so a poll due at the same instant loses to it.
    const deadline = options.deadline === undefined ? undefined : runAfter(options.deadline - scheduler.now(), scheduler, end)
    attempt(0)
    return () => {
      deadline?.unsubscribe()
      step?.unsubscribe()
    }
  })
}

function delayBefore(schedule: PollSchedule, index: number, elapsedMs: number): number {
  const delay = schedule(index, elapsedMs)
  if (typeof delay !== 'number' || Number.isNaN(delay) || delay < 0) {
    throw new ValidationError(`schedule(${index}) must return a number of ms ≥ 0, got ${describeValue(delay)}`)
  }
  return delay
}

/** `poll` with a stop condition, for waits that must reach it (clear, delete). */
export interface PollUntilOptions<T> extends PollOptions<T> {
  /** The stop condition: the first answer that meets it is the last one emitted, and nothing more is sent. */
  readonly until: (answer: T) => boolean
  /** The error when polling ended (deadline or `maxPolls`) before an answer met `until`. */
  readonly timeoutError: () => Error
}

/** Polls until an answer meets `until` (emitting every answer up to it), else errors with `timeoutError()`. */
export function pollUntil<T>(options: PollUntilOptions<T>): Observable<T> {
  return defer(() => {
    let reached = false
    const answers$ = poll(options).pipe(
      takeWhile((answer) => {
        reached = options.until(answer)
        return !reached
      }, true),
    )
    return concat(answers$, defer(() => (reached ? EMPTY : throwError(options.timeoutError))))
  })
}
