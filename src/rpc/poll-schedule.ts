/**
 * When to poll: the delay in ms before poll number `pollIndex` (0-based), counted from the end of
 * the previous poll (or from the trigger, for poll 0). Pure, so it can be tested alone.
 */
export type PollSchedule = (pollIndex: number) => number

/** The reference behaviour (protocol §5.2): poll at once, then every `retryInterval` ms. */
export const fixedSchedule =
  (retryInterval: number): PollSchedule =>
  (pollIndex) =>
    pollIndex === 0 ? 0 : retryInterval

/** Tuning of `adaptiveSchedule`. */
export interface AdaptiveScheduleOptions {
  /** The reference interval the schedule is measured against. */
  readonly retryInterval: number
  /** First delay after the immediate poll. Default 100 ms (never more than `retryInterval`). */
  readonly initialDelayMs?: number
  /** Growth per poll. Default 1.5. */
  readonly factor?: number
  /** Ceiling, as a multiple of `retryInterval`. Default 2. */
  readonly ceilingFactor?: number
}

/**
 * The default: poll at once (tasks are visible before SyncContext answers), then after 100 ms,
 * growing ×1.5 per poll. Short syncs are seen within a few hundred ms; the delay passes
 * `retryInterval` and settles at 2 × `retryInterval`, which pays back the early polls, so a long
 * sync costs no more requests than the reference's fixed interval (see test/bench).
 */
export function adaptiveSchedule(options: AdaptiveScheduleOptions): PollSchedule {
  const { retryInterval } = options
  const initial = Math.min(options.initialDelayMs ?? 100, retryInterval)
  const factor = options.factor ?? 1.5
  const ceiling = retryInterval * (options.ceilingFactor ?? 2)
  return (pollIndex) => (pollIndex === 0 ? 0 : Math.min(ceiling, initial * factor ** (pollIndex - 1)))
}
