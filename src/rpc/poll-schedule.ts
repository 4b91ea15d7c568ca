import { requireDelay } from '../shared/duration.js'
import { ValidationError } from '../shared/errors/validation-error.js'

/**
 * When to poll: the delay in ms before poll number `pollIndex` (0-based), counted from the end of
 * the previous poll (or from the start of the wait, for poll 0). `poll` also passes `elapsedMs`, the
 * time since the start of the wait, so a schedule can plan its polls at fixed times from the start,
 * which round trips do not push back. Pure, so it can be tested alone.
 */
export type PollSchedule = (pollIndex: number, elapsedMs?: number) => number

/** The reference behaviour (protocol §5.2): poll at once, then sleep `retryInterval` ms after every answer. */
export const fixedSchedule =
  (retryInterval: number): PollSchedule =>
  (pollIndex) =>
    pollIndex === 0 ? 0 : retryInterval

/** Tuning of `adaptiveSchedule`. */
export interface AdaptiveScheduleOptions {
  /** The reference interval (the reference polls at once, then every `retryInterval` ms). */
  readonly retryInterval: number
  /** Time of the first poll after the start. Default `retryInterval / 5` (never more than the ceiling). */
  readonly initialDelayMs?: number
  /** Early phase: each poll comes at `factor` × the time of the previous one. Default √7 ≈ 2.65. */
  readonly factor?: number
  /** Late-phase interval, as a multiple of `retryInterval`. Default 1: never slower than the reference. */
  readonly ceilingFactor?: number
}

/**
 * The default early growth: three polls from `retryInterval / 5` to `7 × retryInterval / 5`
 * (0.3 to 2.1 s), geometric in between, so each is √7 ≈ 2.65 × the time of the one before.
 */
export const ADAPTIVE_FACTOR = Math.sqrt(7)

/**
 * The default sync schedule (issue 13):
 *
 * 1. No poll at the start: the stale-task snapshot taken just before the trigger already saw it.
 * 2. Early phase, planned from the start (round trips do not push it back): the first poll at
 *    `initialDelayMs` (`retryInterval / 5`), then each at `factor` × the time of the previous one
 *    (at least `initialDelayMs` later): the wait grows with the time already waited, so a short
 *    sync is seen after a delay proportional to its own length (1.5 s reference: 0.3, 0.79, 2.1 s;
 *    the reference polls at 0, 1.5, 3 s).
 * 3. Late phase, once the next wait would exceed `retryInterval`: the reference's own rhythm. The
 *    first late poll at the reference's next poll time (the next multiple of `retryInterval`, at
 *    least `initialDelayMs` after the last early poll: 3 s), still planned from the start; then
 *    `retryInterval` after each answer, as the reference does. The reference's sleeps drift by a
 *    round trip per poll, so its poll at `j × retryInterval` leaves after j round trips, ours after
 *    j − 2: a long sync is not seen later than with the reference (with round trips as long as
 *    its), no wait is longer than `retryInterval`, and by any time at most one poll more than the
 *    reference's is made — three early polls where the reference makes two (at 0 and at
 *    `retryInterval`).
 */
export function adaptiveSchedule(options: AdaptiveScheduleOptions): PollSchedule {
  requireDelay(options.retryInterval, 'retryInterval')
  if (options.initialDelayMs !== undefined) requireDelay(options.initialDelayMs, 'initialDelayMs')
  requireFactor(options.factor, 'factor', 1)
  requireFactor(options.ceilingFactor, 'ceilingFactor', Number.MIN_VALUE)
  const ceiling = options.retryInterval * (options.ceilingFactor ?? 1)
  const first = Math.min(options.initialDelayMs ?? options.retryInterval / 5, ceiling)
  if (!(ceiling > 0) || !(first > 0)) return () => 0 // nothing to wait for: poll at once
  const early = earlyPollTimes(first, options.factor ?? ADAPTIVE_FACTOR, ceiling)
  const lastEarly = early.at(-1)!
  const firstLate = Math.ceil((lastEarly + first) / ceiling) * ceiling
  return (pollIndex, elapsedMs) => {
    // Without the elapsed time: as if every earlier poll went out on plan and was answered at once.
    const elapsed = elapsedMs ?? (pollIndex === 0 ? 0 : pollIndex <= early.length ? early[pollIndex - 1]! : firstLate)
    const planned = early.find((time) => time > elapsed) ?? firstLate
    return planned > elapsed ? planned - elapsed : ceiling
  }
}

/** The early phase's poll times: a handful (it ends once a wait would exceed the ceiling); factor 1 keeps `first` as the wait. */
function earlyPollTimes(first: number, factor: number, ceiling: number): number[] {
  const early: number[] = [first]
  for (let wait = waitAfter(first, first, factor); wait <= ceiling && early.length < MAX_EARLY_POLLS; wait = waitAfter(early.at(-1)!, first, factor)) {
    early.push(early.at(-1)! + wait)
  }
  return early
}

function requireFactor(value: number | undefined, name: string, min: number): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    throw new ValidationError(`${name} must be a finite number ${min === 1 ? '≥ 1' : '> 0'}, got ${String(value)}`)
  }
}

const waitAfter = (time: number, first: number, factor: number): number => Math.max(first, (factor - 1) * time)

/** With factor 1 the early phase never reaches the ceiling: this bounds it (then the ceiling's grid follows). */
const MAX_EARLY_POLLS = 10_000
