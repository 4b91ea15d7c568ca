import { defer, finalize, of, share, tap, type Observable, type SchedulerLike } from 'rxjs'

// Polls are ordered by a process-wide counter, not by the clock: two polls sent in the same
// millisecond, or a poll and a trigger, are still told apart. It holds no client's data.
let lastSequence = 0
const nextSequence = (): number => (lastSequence += 1)

/**
 * One reader's position in the shared polls (a sync's subscription): it takes only polls sent
 * after it was created or last restarted, and never the same answer twice. Pass it on a read as
 * `rpc(action, params, { coalesce: cursor })`.
 */
export class PollCursor {
  private position = lastSequence
  // Before its first read and its trigger, a reader may also join a poll still in flight: its
  // trigger leaves only after that answer, so the answer is as fresh as one it would send itself.
  private joinsInFlight = true
  /** When the reader last got an answer (scheduler time), since its creation or restart. */
  private readAt: number | undefined

  /** From now on, only polls sent after this moment (call it when the reader's trigger answered). */
  restart(): void {
    this.position = Math.max(this.position, lastSequence)
    this.joinsInFlight = false
    this.readAt = undefined
  }

  /** @internal When the reader last got an answer, if it did since its creation or restart. */
  get lastReadAt(): number | undefined {
    return this.readAt
  }

  /** @internal Whether a poll sent with `sequence`, still in flight or not, is fresh enough for this reader. */
  accepts(sequence: number, inFlight: boolean): boolean {
    return sequence > this.position || (inFlight && this.joinsInFlight)
  }

  /** @internal The reader got the answer of the poll sent with `sequence`, at scheduler time `at`. */
  read(sequence: number, at: number): void {
    this.position = Math.max(this.position, sequence)
    this.joinsInFlight = false
    this.readAt = at
  }
}

interface SharedPoll<T> {
  readonly sequence: number
  /** In flight: the shared request. Settled: undefined, and `value` holds the answer. */
  result$?: Observable<T>
  value?: { readonly answer: T; readonly answeredAt: number }
}

/**
 * Shares identical polls, so N syncs on one session cost about one `GetContextInfo` per tick
 * (issue 6). A reader joins a poll in flight, or reuses an answer no older than `maxAgeMs`, but
 * only if its cursor accepts that poll: sent after the reader's trigger (so nobody reads a state
 * older than its own trigger) and after the poll it used last (so it never gets the same answer
 * twice). When the last joiner of a poll in flight leaves, its request is aborted. Reusing recent
 * answers matters because every sync ticks on its own timer, offset from the others: joining only
 * polls in flight would share almost nothing. How recent: `maxAgeMs`, or up to a third of the time
 * the reader waited since its last answer (at most `MAX_REUSE_AGE_MS`), so a reader that polls
 * seldom takes an older (but still newer than anything it saw) answer, and sees a change at most a
 * third of its wait later than with a poll of its own (issue 13: N syncs, few polls).
 *
 * Each client owns one (issue 10): its table, and the scheduler that ages its answers, are that
 * client's.
 */
export class PollCoalescer {
  /** The latest poll of each key, in flight or answered. */
  private readonly polls: Map<string, SharedPoll<unknown>>
  /** The answered polls in the order they were answered (oldest first), so forgetting old ones stops at the first recent one. */
  private readonly answered: Map<string, SharedPoll<unknown>>

  /**
   * `newTable` makes the coalescer's two tables (by poll key). Tests pass a `Map` that shows what the
   * coalescer holds and looks at, so the class keeps no counters for them.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly maxAgeMs: number = DEFAULT_MAX_AGE_MS,
    newTable: <V>() => Map<string, V> = () => new Map(),
  ) {
    this.polls = newTable()
    this.answered = newTable()
  }

  /** Number of distinct polls in flight (tests and benchmarks). */
  get size(): number {
    let inFlight = 0
    for (const poll of this.polls.values()) if (poll.result$ !== undefined) inFlight += 1
    return inFlight
  }

  poll<T>(key: string, cursor: PollCursor, send: () => Observable<T>): Observable<T> {
    return defer(() => {
      const now = this.scheduler.now()
      this.forgetOldAnswers(now)
      const current = this.polls.get(key) as SharedPoll<T> | undefined
      if (current?.result$ !== undefined && cursor.accepts(current.sequence, true)) return readBy(current.result$, cursor, current.sequence, this.scheduler)
      if (current?.value !== undefined && cursor.accepts(current.sequence, false) && now - current.value.answeredAt <= this.reuseAgeFor(cursor, now)) {
        return readBy(of(current.value.answer), cursor, current.sequence, this.scheduler)
      }
      const poll: SharedPoll<T> = { sequence: nextSequence() }
      poll.result$ = send().pipe(
        tap((answer) => {
          poll.value = { answer, answeredAt: this.scheduler.now() }
          // Re-inserted, so `answered` stays in answer order (a Map keeps insertion order).
          this.answered.delete(key)
          this.answered.set(key, poll)
        }),
        finalize(() => {
          poll.result$ = undefined
          // An aborted or failed poll leaves nothing to reuse (and is in no answer list: only this drops it).
          if (poll.value === undefined && this.polls.get(key) === poll) this.polls.delete(key)
        }),
        share(),
      )
      this.polls.set(key, poll)
      return readBy(poll.result$, cursor, poll.sequence, this.scheduler)
    })
  }

  /** How old an answer may be to serve this reader now (see the class comment). */
  private reuseAgeFor(cursor: PollCursor, now: number): number {
    const waited = cursor.lastReadAt === undefined ? 0 : now - cursor.lastReadAt
    return Math.max(this.maxAgeMs, Math.min(MAX_REUSE_AGE_MS, waited * REUSE_FRACTION))
  }

  /**
   * Answers older than any reader may take are never reused; dropping them keeps the table small.
   * Only the expired answers are visited (oldest first), not the whole table: a poll costs O(1)
   * amortized however many sessions the client polls.
   */
  private forgetOldAnswers(now: number): void {
    const oldest = now - Math.max(this.maxAgeMs, MAX_REUSE_AGE_MS)
    for (const [key, poll] of this.answered) {
      if (poll.value!.answeredAt >= oldest) return
      this.answered.delete(key)
      // A newer poll of the same key (in flight, or answered since) stays.
      if (this.polls.get(key) === poll) this.polls.delete(key)
    }
  }
}

const readBy = <T>(answer$: Observable<T>, cursor: PollCursor, sequence: number, scheduler: SchedulerLike): Observable<T> =>
  answer$.pipe(tap(() => cursor.read(sequence, scheduler.now())))

/** How old a shared answer may be and still serve another sync's tick, whatever that sync waited. */
export const DEFAULT_MAX_AGE_MS = 100
/** The share of its wait by which a reusing reader may see a change later than with its own poll. */
const REUSE_FRACTION = 1 / 3
/** The oldest answer any reader reuses. */
export const MAX_REUSE_AGE_MS = 500
