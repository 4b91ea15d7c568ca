import { describe, expect, it } from 'vitest'
import { ValidationError, adaptiveSchedule, fixedSchedule, type PollSchedule } from '../../src/entries/index.js'

// The delay before each poll (src/rpc/poll-schedule.ts); pure functions, no scheduler needed.

/** The times (from the start) at which `schedule` polls when every answer comes `roundTripMs` after its request, up to `untilMs`. */
function pollTimes(schedule: PollSchedule, untilMs: number, roundTripMs = 0): number[] {
  const times: number[] = []
  let now = 0
  for (let index = 0; times.length === 0 || times.at(-1)! < untilMs; index += 1) {
    now += schedule(index, now)
    times.push(now)
    now += roundTripMs
  }
  return times
}

/** How many polls `schedule` makes until one is sent at or after `lengthMs` (the one that sees a sync of that length finished). */
const pollsToSee = (schedule: PollSchedule, lengthMs: number): number => pollTimes(schedule, lengthMs).length

describe('fixedSchedule', () => {
  it('polls at once, then every retryInterval ms', () => {
    expect([0, 1, 2, 10].map((index) => fixedSchedule(1_500)(index))).toEqual([0, 1_500, 1_500, 1_500])
  })
})

describe('adaptiveSchedule', () => {
  it('defaults: the reference times without its poll at once, plus early polls at retryInterval / 5 and 7 × that', () => {
    const times = pollTimes(adaptiveSchedule({ retryInterval: 1_500 }), 6_000).map(Math.round)
    expect(times).toEqual([300, 1_500, 2_100, 3_000, 4_500, 6_000])
  })

  it('without the elapsed time, gives the delays of the plan (as if every poll went out on time)', () => {
    const schedule = adaptiveSchedule({ retryInterval: 1_500 })
    expect([0, 1, 2, 3, 4, 50].map((index) => Math.round(schedule(index)))).toEqual([300, 1_200, 600, 900, 1_500, 1_500])
  })

  it('early polls are planned from the start (round trips do not push them back); late ones two round trips before the reference\'s', () => {
    const ours = pollTimes(adaptiveSchedule({ retryInterval: 1_500 }), 12_000, 40).map(Math.round)
    const reference = pollTimes(fixedSchedule(1_500), 12_000, 40)
    expect(ours.slice(0, 3)).toEqual([300, 1_500, 2_100])
    // the reference sleeps 1500 ms after every answer: its poll at 1500 j leaves after j round trips
    expect(reference.slice(2, 5)).toEqual([3_080, 4_620, 6_160])
    expect(ours.slice(3, 6)).toEqual([3_000, 4_540, 6_080])
  })

  it('the cap: no wait is ever longer than retryInterval, so no sync is seen more than retryInterval after it ended', () => {
    const schedule = adaptiveSchedule({ retryInterval: 1_500 })
    for (let elapsed = 0; elapsed <= 230_000; elapsed += 29) {
      const delay = schedule(0, elapsed)
      expect(delay, `at ${elapsed} ms`).toBeGreaterThan(0)
      expect(delay, `at ${elapsed} ms`).toBeLessThanOrEqual(1_500)
    }
    const times = pollTimes(schedule, 230_000)
    expect(Math.max(...times.slice(1).map((time, i) => time - times[i]!))).toBe(1_500)
  })

  it('by any sync length, makes at most one poll more than the reference (whose poll at once the stale-task snapshot replaces)', () => {
    for (let length = 1; length <= 225_000; length += 50) {
      expect(pollsToSee(adaptiveSchedule({ retryInterval: 1_500 }), length), `${length} ms`).toBeLessThanOrEqual(pollsToSee(fixedSchedule(1_500), length) + 1)
    }
  })

  it('sees a sync of any length no later than the reference: its polls fall on the reference times or before', () => {
    const reference = pollTimes(fixedSchedule(1_500), 100_000)
    const ours = pollTimes(adaptiveSchedule({ retryInterval: 1_500 }), 100_000)
    for (let length = 1; length <= 100_000; length += 37) {
      expect(ours.find((time) => time >= length)!, `${length} ms`).toBeLessThanOrEqual(reference.find((time) => time >= length)!)
    }
  })

  it('honours initialDelayMs, factor and ceilingFactor', () => {
    const schedule = adaptiveSchedule({ retryInterval: 1_000, initialDelayMs: 40, factor: 3, ceilingFactor: 1.5 })
    // 40, ×3 → 120, 360, 1080 (3240 is past twice the 1500 ms ceiling), with the ceiling's multiples
    expect(pollTimes(schedule, 4_500)).toEqual([40, 120, 360, 1_080, 1_500, 3_000, 4_500])
  })

  it('never starts slower than the ceiling, even when initialDelayMs asks for more', () => {
    expect(pollTimes(adaptiveSchedule({ retryInterval: 30, initialDelayMs: 500, factor: 1 }), 120)).toEqual([30, 60, 90, 120])
  })

  it('with factor 1 stays at the initial delay', () => {
    expect(pollTimes(adaptiveSchedule({ retryInterval: 1_000, initialDelayMs: 100, factor: 1 }), 500)).toEqual([100, 200, 300, 400, 500])
  })

  it('a planned time a rounding error ahead counts as reached (fractional clocks): the next wait is to the following one', () => {
    const schedule = adaptiveSchedule({ retryInterval: 1_500 })
    for (const elapsed of [300 - 1e-10, 1_500 - 2.2737e-13, 2_100 - 0.5]) {
      expect(schedule(1, elapsed), `at ${elapsed} ms`).toBeGreaterThanOrEqual(1)
    }
    expect(schedule(1, 3_000 - 1e-9)).toBe(1_500) // past the plan: retryInterval after the answer
  })

  it('with retryInterval 0 polls at once, as before', () => {
    expect([0, 1, 2].map((index) => adaptiveSchedule({ retryInterval: 0 })(index, index * 3))).toEqual([0, 0, 0])
  })

  it('refuses options it cannot plan with, naming them', () => {
    expect(() => adaptiveSchedule({ retryInterval: -1 })).toThrow(ValidationError)
    expect(() => adaptiveSchedule({ retryInterval: 1_500, factor: 0.5 })).toThrow(/factor must be a finite number ≥ 1/)
    expect(() => adaptiveSchedule({ retryInterval: 1_500, ceilingFactor: 0 })).toThrow(/ceilingFactor must be a finite number > 0/)
    expect(() => adaptiveSchedule({ retryInterval: 1_500, initialDelayMs: Number.NaN })).toThrow(/initialDelayMs/)
  })
})
