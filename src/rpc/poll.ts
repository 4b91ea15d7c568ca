import { EMPTY, Observable, Subscription, concat, defer, takeWhile, throwError, type Observer, type SchedulerAction, type SchedulerLike, type Unsubscribable } from 'rxjs'
import { MAX_DELAY_MS, runAfter } from '../shared/duration.js'
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
 * Written as one subscriber (`PollRun`), not as a chain of operators per poll: a thousand
 * concurrent syncs each hold one of these while they wait (issue 13 goal 4).
 */
export function poll<T>(options: PollOptions<T>): Observable<T> {
  return new Observable<T>((subscriber) => startPoll(options, subscriber))
}

/** What `startPoll` reports to: an observer that says when it no longer listens (like a `Subscriber`). */
export interface PollObserver<T> extends Observer<T> {
  readonly closed: boolean
}

/**
 * `poll`'s work without the Observable around it: starts polling into `observer` and returns the
 * teardown. For a caller that is itself one subscriber's observer (`watchTasks`), so a waiting
 * sync holds no subscriber pair of its own between the two (issue 13 goal 4).
 */
export function startPoll<T>(options: PollOptions<T>, observer: PollObserver<T>): Unsubscribable {
  const run = new PollRun(options, observer)
  run.attempt(0)
  return run
}

/**
 * One subscription of `poll`: its state machine as one object with prototype methods, which is
 * also the observer of the request in flight and the teardown. A thousand waiting syncs each hold
 * one, so it holds no closures and at most one scheduled action: the wait for the next poll or the
 * deadline, whichever comes first, and while a request is in flight, the deadline (issue 13 goal 4).
 */
class PollRun<T> {
  private readonly startedAt: number
  private readonly maxPolls: number
  private answered = false
  private lastFailure: { readonly error: unknown } | undefined
  /** Polls sent so far; the one in flight, if any, is number `sent - 1`. */
  private sent = 0
  /** The last value of the request in flight (only the last one counts). */
  private last: { readonly value: T } | undefined
  /** The one scheduled action: the next poll's wait (or the deadline, if earlier), or the deadline while a request is in flight. */
  private timer: Subscription | undefined
  /** The request in flight. */
  private inFlight: Subscription | undefined
  /** The scheduled action ends the wait (the deadline came first), rather than sending the next poll. */
  private timerEnds = false

  constructor(
    private readonly options: PollOptions<T>,
    private readonly subscriber: PollObserver<T>,
  ) {
    this.startedAt = options.scheduler.now()
    this.maxPolls = options.maxPolls ?? Infinity
  }

  /** Schedules poll `index`, or the deadline if it comes first (at the same instant, the deadline wins). */
  attempt(index: number): void {
    const { scheduler, deadline } = this.options
    let delay: number
    try {
      delay = delayBefore(this.options.schedule, index, scheduler.now() - this.startedAt)
    } catch (error) {
      return this.subscriber.error(error)
    }
    const untilDeadline = deadline === undefined ? Infinity : deadline - scheduler.now()
    this.timerEnds = untilDeadline <= delay
    this.timer = this.schedule(this.timerEnds ? untilDeadline : delay)
  }

  /** A timer that calls `fire`: passed as the action's state, so it needs no closure (unless longer than one timer can wait). */
  private schedule(dueMs: number): Subscription {
    const { scheduler } = this.options
    if (dueMs <= MAX_DELAY_MS) return scheduler.schedule(fireRun, Math.max(0, dueMs), this)
    return runAfter(dueMs, scheduler, () => this.fire())
  }

  /** @internal The scheduled action is due. */
  fire(): void {
    this.timer = undefined
    if (this.timerEnds) this.end()
    else this.send()
  }

  private send(): void {
    const { deadline, scheduler } = this.options
    this.sent += 1
    this.last = undefined
    if (deadline !== undefined) {
      this.timerEnds = true
      this.timer = this.schedule(deadline - scheduler.now())
    }
    const inFlight = new Subscription()
    this.inFlight = inFlight
    try {
      inFlight.add(this.options.request().subscribe(this))
    } catch (error) {
      this.error(error)
    }
  }

  /** Observer of the request in flight. */
  next(value: T): void {
    this.last = { value }
  }

  /** Observer of the request in flight: a transient failure skips this poll; any other ends the wait. */
  error(error: unknown): void {
    if (!isTransientError(error)) return this.subscriber.error(error)
    this.lastFailure = { error }
    this.last = undefined
    this.complete()
  }

  /** Observer of the request in flight: it answered (or was skipped); the next poll is scheduled. */
  complete(): void {
    this.inFlight = undefined
    this.timer?.unsubscribe()
    this.timer = undefined
    const { last } = this
    this.last = undefined
    if (last !== undefined) {
      this.answered = true
      this.subscriber.next(last.value)
    }
    if (this.subscriber.closed) return
    if (this.sent < this.maxPolls) this.attempt(this.sent)
    else this.end()
  }

  private end(): void {
    this.unsubscribe()
    if (!this.answered && this.lastFailure !== undefined) this.subscriber.error(this.lastFailure.error)
    else this.subscriber.complete()
  }

  /** Teardown: stops the scheduled action and aborts the request in flight. */
  unsubscribe(): void {
    this.timer?.unsubscribe()
    this.timer = undefined
    this.inFlight?.unsubscribe()
    this.inFlight = undefined
  }
}

function fireRun(this: SchedulerAction<{ fire(): void }>, run?: { fire(): void }): void {
  run!.fire()
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
