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

  /** From now on, only polls sent after this moment (call it when the reader's trigger answered). */
  restart(): void {
    this.position = Math.max(this.position, lastSequence)
    this.joinsInFlight = false
  }

  /** @internal Whether a poll sent with `sequence`, still in flight or not, is fresh enough for this reader. */
  accepts(sequence: number, inFlight: boolean): boolean {
    return sequence > this.position || (inFlight && this.joinsInFlight)
  }

  /** @internal The reader got the answer of the poll sent with `sequence`. */
  read(sequence: number): void {
    this.position = Math.max(this.position, sequence)
    this.joinsInFlight = false
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
 * answers matters because every sync ticks on its own timer, offset by a few ms from the others:
 * joining only polls in flight would share almost nothing.
 *
 * Each client owns one (issue 10): its table, and the scheduler that ages its answers, are that
 * client's.
 */
export class PollCoalescer {
  private readonly polls = new Map<string, SharedPoll<unknown>>()

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

  poll<T>(key: string, cursor: PollCursor, send: () => Observable<T>): Observable<T> {
    return defer(() => {
      const now = this.scheduler.now()
      this.forgetOldAnswers(now)
      const current = this.polls.get(key) as SharedPoll<T> | undefined
      if (current?.result$ !== undefined && cursor.accepts(current.sequence, true)) return readBy(current.result$, cursor, current.sequence)
      if (current?.value !== undefined && cursor.accepts(current.sequence, false)) return readBy(of(current.value.answer), cursor, current.sequence)
      const poll: SharedPoll<T> = { sequence: nextSequence() }
      poll.result$ = send().pipe(
        tap((answer) => (poll.value = { answer, answeredAt: this.scheduler.now() })),
        finalize(() => {
          poll.result$ = undefined
          // An aborted or failed poll leaves nothing to reuse.
          if (poll.value === undefined && this.polls.get(key) === poll) this.polls.delete(key)
        }),
        share(),
      )
      this.polls.set(key, poll)
      return readBy(poll.result$, cursor, poll.sequence)
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

const readBy = <T>(answer$: Observable<T>, cursor: PollCursor, sequence: number): Observable<T> =>
  answer$.pipe(tap(() => cursor.read(sequence)))

/** How old a shared answer may be and still serve another sync's tick. */
export const DEFAULT_MAX_AGE_MS = 100
