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
  /** Early phase: each poll comes at `factor` × the time of the previous one. Default φ² ≈ 2.618. */
  readonly factor?: number
  /** Late-phase interval, as a multiple of `retryInterval`. Default 1: never slower than the reference. */
  readonly ceilingFactor?: number
}

/** φ² = φ + 1: each early wait is φ (≈ 1.618) times the time already waited. */
export const ADAPTIVE_FACTOR = (3 + Math.sqrt(5)) / 2

/**
 * The default sync schedule (issue 13). Poll times are planned from the start of the wait (the trigger), so
 * round trips do not add up as they do with the reference's sleep-after-answer:
 *
 * 1. No poll at the start: the stale-task snapshot taken just before the trigger already saw it.
 * 2. Early phase: the first poll at `initialDelayMs` (`retryInterval / 5`), then each at `factor`
 *    × the time of the previous one (at least `initialDelayMs` later): the wait grows with the time
 *    already waited, so a short sync is seen after a delay proportional to its own length
 *    (1.5 s reference: 0.3, 0.79, 2.06 s).
 * 3. Ceiling: once the next wait would exceed `retryInterval`, polls fall on the reference's own
 *    times, the multiples of `retryInterval` after the start (at least `initialDelayMs` after the
 *    last early poll). A long sync is so never seen later than with the reference, and no more than
 *    one poll more is made than the reference's by any time — the early phase makes three polls
 *    where the reference makes two (at 0 and at `retryInterval`).
 */
export function adaptiveSchedule(options: AdaptiveScheduleOptions): PollSchedule {
  requireDelay(options.retryInterval, 'retryInterval')
  if (options.initialDelayMs !== undefined) requireDelay(options.initialDelayMs, 'initialDelayMs')
  requireFactor(options.factor, 'factor', 1)
  requireFactor(options.ceilingFactor, 'ceilingFactor', Number.MIN_VALUE)
  const ceiling = options.retryInterval * (options.ceilingFactor ?? 1)
  const first = Math.min(options.initialDelayMs ?? options.retryInterval / 5, ceiling)
  const plan = plannedPolls(first, options.factor ?? ADAPTIVE_FACTOR, ceiling)
  return (pollIndex, elapsedMs) =>
    // Without the elapsed time: as if every earlier poll went out on plan and was answered at once.
    elapsedMs === undefined ? plan.at(pollIndex) - (pollIndex === 0 ? 0 : plan.at(pollIndex - 1)) : plan.after(elapsedMs) - elapsedMs
}

interface PollPlan {
  /** The planned time of poll `index`. */
  at(index: number): number
  /** The first planned time strictly after `elapsed`. */
  after(elapsed: number): number
}

function plannedPolls(first: number, factor: number, ceiling: number): PollPlan {
  if (!(ceiling > 0) || !(first > 0)) return { at: () => 0, after: (elapsed) => elapsed } // nothing to wait for: poll at once
  // The early phase: a handful of times (it ends once a wait would exceed the ceiling); factor 1 keeps `first` as the wait.
  const early: number[] = [first]
  for (let wait = waitAfter(first, first, factor); wait <= ceiling && early.length < MAX_EARLY_POLLS; wait = waitAfter(early.at(-1)!, first, factor)) {
    early.push(early.at(-1)! + wait)
  }
  const firstLate = Math.ceil((early.at(-1)! + first) / ceiling) * ceiling
  return {
    at: (index) => early[index] ?? firstLate + (index - early.length) * ceiling,
    after: (elapsed) => early.find((time) => time > elapsed) ?? Math.max(firstLate, (Math.floor(elapsed / ceiling) + 1) * ceiling),
  }
}

function requireFactor(value: number | undefined, name: string, min: number): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    throw new ValidationError(`${name} must be a finite number ${min === 1 ? '≥ 1' : '> 0'}, got ${String(value)}`)
  }
}

const waitAfter = (time: number, first: number, factor: number): number => Math.max(first, (factor - 1) * time)

/** With factor 1 the early phase never reaches the ceiling: this bounds it (then the ceiling's grid follows). */
const MAX_EARLY_POLLS = 10_000
