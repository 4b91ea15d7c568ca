import { requireDelay } from '../shared/duration.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { describeValue } from '../shared/arguments.js'

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
  /** Time of the first early poll after the start. Default `retryInterval / 5` (never more than the ceiling). */
  readonly initialDelayMs?: number
  /** Early polls: each at `factor` × the time of the previous one (1: every `initialDelayMs`). Default 7. */
  readonly factor?: number
  /** Late-phase interval, as a multiple of `retryInterval`. Default 1: never slower than the reference. */
  readonly ceilingFactor?: number
}

/** The default early growth: polls at `retryInterval / 5` and `7 × retryInterval / 5` (0.3 and 2.1 s). */
export const ADAPTIVE_FACTOR = 7

/**
 * The default sync schedule (issue 13): the reference's own poll times, plus early polls for short
 * syncs.
 *
 * 1. No poll at the start: the stale-task snapshot taken just before the trigger already saw it.
 * 2. Up to twice the ceiling (`2 × retryInterval`), polls planned from the start (round trips do
 *    not push them back): the reference's times `retryInterval` and `2 × retryInterval`, and the
 *    early polls `initialDelayMs × factor^k` below that horizon (1.5 s reference: 0.3 and 2.1 s, so
 *    0.3, 1.5, 2.1, 3 s where the reference polls at 0, 1.5, 3 s).
 * 3. Then `retryInterval` after each answer, as the reference does. Its sleeps drift by a round trip
 *    per poll, so its poll at `j × retryInterval` leaves after j round trips, ours after j − 2.
 *
 * So at every sync length the polls include the reference's (ahead of them by round trips): a sync
 * is never seen later than with the reference, no wait is longer than `retryInterval`, and by any
 * time the early polls cost at most two requests more than the reference (one with the defaults,
 * plus the snapshot).
 */
export function adaptiveSchedule(options: AdaptiveScheduleOptions): PollSchedule {
  requireDelay(options.retryInterval, 'retryInterval')
  if (options.initialDelayMs !== undefined) requireDelay(options.initialDelayMs, 'initialDelayMs')
  requireFactor(options.factor, 'factor', 1)
  requireFactor(options.ceilingFactor, 'ceilingFactor', Number.MIN_VALUE)
  const ceiling = options.retryInterval * (options.ceilingFactor ?? 1)
  const first = Math.min(options.initialDelayMs ?? options.retryInterval / 5, ceiling)
  if (!(ceiling > 0) || !(first > 0)) return () => 0 // nothing to wait for: poll at once
  const planned = plannedPollTimes(first, options.factor ?? ADAPTIVE_FACTOR, ceiling)
  return (pollIndex, elapsedMs) => {
    // Without the elapsed time: as if every earlier poll went out on plan and was answered at once.
    const elapsed = elapsedMs ?? (pollIndex === 0 ? 0 : planned[Math.min(pollIndex, planned.length) - 1]!)
    // A planned time less than 1 ms ahead counts as reached: with a fractional clock, `elapsed` can
    // land a rounding error short of it, and a 1e-13 ms wait would poll again at the same instant.
    const next = planned.find((time) => time - elapsed >= MIN_WAIT_MS)
    return next === undefined ? ceiling : next - elapsed
  }
}

/** The polls planned from the start, in order: early ones and the ceiling's multiples, up to twice the ceiling. */
function plannedPollTimes(first: number, factor: number, ceiling: number): number[] {
  const horizon = 2 * ceiling
  const times = [ceiling, horizon]
  for (let time = first; time < horizon && times.length < MAX_PLANNED_POLLS; time = factor === 1 ? time + first : time * factor) times.push(time)
  return [...new Set(times)].sort((a, b) => a - b)
}

function requireFactor(value: number | undefined, name: string, min: number): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    throw new ValidationError(`${name} must be a finite number ${min === 1 ? '≥ 1' : '> 0'}, got ${describeValue(value)}`)
  }
}

const MIN_WAIT_MS = 1

/** With factor 1 and a tiny first delay the plan could be huge: this bounds it. */
const MAX_PLANNED_POLLS = 10_000
