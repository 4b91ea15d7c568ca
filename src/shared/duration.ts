import { Observable, Subscription, map, takeUntil, type SchedulerLike } from 'rxjs'
import { ValidationError } from './errors/validation-error.js'
import { describeValue } from './arguments.js'

/**
 * The longest single timer: Node's `setTimeout`/`setInterval` fire at once above 2^31−1 ms and
 * ky throws a RangeError. Every single delay (a poll interval, a per-request timeout) must fit.
 */
export const MAX_DELAY_MS = 2_147_483_647

/** A number of ms a single timer can wait: finite, ≥ 0 (or > 0 with `positive`), ≤ `MAX_DELAY_MS`. */
export const isDelayMs = (value: unknown, positive = false): value is number =>
  typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0) && value <= MAX_DELAY_MS

/**
 * The one check for a single delay option; throws a `ValidationError` naming the option.
 * Runs inside `defer`, before any request.
 */
export function requireDelay(value: unknown, name: string, positive = false): asserts value is number {
  if (!isDelayMs(value, positive)) {
    throw new ValidationError(`${name} must be a number of ms ${positive ? '> 0' : '≥ 0'} and ≤ ${MAX_DELAY_MS}, got ${describeValue(value)}`)
  }
}

/**
 * The one check for a total budget (a deadline): any finite number of ms ≥ 0. It may exceed
 * `MAX_DELAY_MS` because `deadlineTimer` waits for it in chained steps.
 */
export function requireDeadline(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${name} must be a finite number of ms ≥ 0, got ${describeValue(value)}`)
  }
}

/**
 * `timer(dueMs)` that also waits correctly beyond `MAX_DELAY_MS`: it chains timers of at most that
 * length, measuring what is left on `scheduler` each time (a plain timer would fire at once).
 */
export function deadlineTimer(dueMs: number, scheduler: SchedulerLike): Observable<0> {
  return new Observable<0>((subscriber) =>
    runAfter(dueMs, scheduler, () => {
      subscriber.next(0)
      subscriber.complete()
    }),
  )
}

/**
 * `source$` until `dueMs` passed on `scheduler` (from subscribe, see `deadlineTimer`), then the
 * error `expired()` makes: the one deadline over a whole stream. The source is unsubscribed then,
 * which aborts whatever it runs; finishing in time cancels the timer.
 */
export function withDeadline<T>(source$: Observable<T>, dueMs: number, scheduler: SchedulerLike, expired: () => Error): Observable<T> {
  const expired$ = deadlineTimer(dueMs, scheduler).pipe(
    map(() => {
      throw expired()
    }),
  )
  return source$.pipe(takeUntil(expired$))
}

/**
 * Runs `work` once after `dueMs` on `scheduler`, in steps of at most `MAX_DELAY_MS` (see
 * `deadlineTimer`); unsubscribing cancels it. One scheduled action and no Observable: waits that
 * are held by the thousand (issue 13 goal 4) cost little memory.
 */
export function runAfter(dueMs: number, scheduler: SchedulerLike, work: () => void): Subscription {
  if (dueMs <= MAX_DELAY_MS) return scheduler.schedule(work, Math.max(0, dueMs))
  const end = scheduler.now() + dueMs
  const pending = new Subscription()
  const waitRest = (): void => {
    const left = end - scheduler.now()
    if (left <= MAX_DELAY_MS) pending.add(scheduler.schedule(work, Math.max(0, left)))
    else pending.add(scheduler.schedule(waitRest, MAX_DELAY_MS))
  }
  waitRest()
  return pending
}
