import { defer, finalize, map, of, share, tap, type Observable, type SchedulerLike } from 'rxjs'

/** One answer and when its request left, so a caller can ask for something newer next time. */
export interface PollAnswer<T> {
  readonly answer: T
  readonly sentAt: number
}

/** Which polls a caller may share: sent at or after `notBefore` (its trigger), and after `after` (the poll it last used). */
export interface PollFreshness {
  readonly notBefore: number
  readonly after?: number
}

interface SharedPoll<T> {
  readonly sentAt: number
  /** In flight: the shared request. Settled: undefined, and `value` holds the answer. */
  result$?: Observable<PollAnswer<T>>
  value?: { readonly answer: PollAnswer<T>; readonly answeredAt: number }
}

/**
 * Shares identical polls, so N syncs on one session cost about one `GetContextInfo` per tick
 * (issue 6). A caller joins a poll in flight, or reuses an answer no older than `maxAgeMs`, but
 * only if that poll was sent at or after the caller's `notBefore` time (so nobody reads a state
 * older than its own trigger) and after the poll the caller used last (so it never gets the same
 * answer twice). When the last joiner of a poll in flight leaves, its request is aborted. Reusing recent answers matters because every sync ticks on its own timer, offset by a
 * few ms from the others: joining only polls in flight would share almost nothing.
 */
export class PollCoalescer<T> {
  private readonly polls = new Map<string, SharedPoll<T>>()

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly maxAgeMs: number = DEFAULT_MAX_AGE_MS,
  ) {}

  /** Number of distinct polls in flight (tests and benchmarks). */
  get size(): number {
    let inFlight = 0
    for (const poll of this.polls.values()) if (poll.result$ !== undefined) inFlight += 1
    return inFlight
  }

  poll(key: string, freshness: PollFreshness, send: () => Observable<T>): Observable<PollAnswer<T>> {
    return defer(() => {
      const now = this.scheduler.now()
      this.forgetOldAnswers(now)
      const current = this.polls.get(key)
      if (current !== undefined && isFreshEnough(current.sentAt, freshness)) {
        if (current.result$ !== undefined) return current.result$
        if (current.value !== undefined) return of(current.value.answer)
      }
      const poll: SharedPoll<T> = { sentAt: now }
      poll.result$ = send().pipe(
        map((answer) => ({ answer, sentAt: poll.sentAt })),
        tap((answer) => (poll.value = { answer, answeredAt: this.scheduler.now() })),
        finalize(() => {
          poll.result$ = undefined
          // An aborted or failed poll leaves nothing to reuse.
          if (poll.value === undefined && this.polls.get(key) === poll) this.polls.delete(key)
        }),
        share(),
      )
      this.polls.set(key, poll)
      return poll.result$
    })
  }

  /** Answers older than `maxAgeMs` are never reused; dropping them keeps the map small. */
  private forgetOldAnswers(now: number): void {
    for (const [key, poll] of this.polls) {
      if (poll.result$ === undefined && (poll.value === undefined || now - poll.value.answeredAt > this.maxAgeMs)) {
        this.polls.delete(key)
      }
    }
  }
}

const isFreshEnough = (sentAt: number, { notBefore, after }: PollFreshness): boolean =>
  sentAt >= notBefore && (after === undefined || sentAt > after)

/** How old a shared answer may be and still serve another sync's tick. */
export const DEFAULT_MAX_AGE_MS = 100

const coalescers = new WeakMap<object, PollCoalescer<unknown>>()

/** The coalescer shared by everything that polls through one client (keyed by its rpc function). */
export function coalescerFor<T>(owner: object, scheduler: SchedulerLike): PollCoalescer<T> {
  let coalescer = coalescers.get(owner)
  if (coalescer === undefined) {
    coalescer = new PollCoalescer<unknown>(scheduler)
    coalescers.set(owner, coalescer)
  }
  return coalescer as PollCoalescer<T>
}
