import { defer, finalize, share, type Observable, type SchedulerLike } from 'rxjs'

interface InFlightPoll<T> {
  readonly sentAt: number
  readonly result$: Observable<T>
}

/**
 * Shares identical polls: a poll asked for while an identical one is in flight joins it instead of
 * sending another request, so N syncs on one session cost one `GetContextInfo` per tick (issue 6).
 * A caller only joins a poll sent at or after its `notBefore` time, so nobody reads a state older
 * than its own trigger. When the last joiner leaves, the shared request is aborted.
 */
export class PollCoalescer<T> {
  private readonly inFlight = new Map<string, InFlightPoll<T>>()

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Number of distinct polls in flight (tests and benchmarks). */
  get size(): number {
    return this.inFlight.size
  }

  poll(key: string, notBefore: number, send: () => Observable<T>): Observable<T> {
    return defer(() => {
      const current = this.inFlight.get(key)
      if (current !== undefined && current.sentAt >= notBefore) return current.result$
      const entry: InFlightPoll<T> = {
        sentAt: this.scheduler.now(),
        result$: send().pipe(
          finalize(() => {
            if (this.inFlight.get(key) === entry) this.inFlight.delete(key)
          }),
          share(),
        ),
      }
      this.inFlight.set(key, entry)
      return entry.result$
    })
  }
}

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
