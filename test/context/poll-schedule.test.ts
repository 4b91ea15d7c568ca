import { describe, expect, it } from 'vitest'
import { adaptiveSchedule, fixedSchedule } from '../../src/entries/index.js'

// The delay before each poll (src/rpc/poll-schedule.ts); pure functions, no scheduler needed.

describe('fixedSchedule', () => {
  it('polls at once, then every retryInterval ms', () => {
    expect([0, 1, 2, 10].map(fixedSchedule(1_500))).toEqual([0, 1_500, 1_500, 1_500])
  })
})

describe('adaptiveSchedule', () => {
  it('honours initialDelayMs, factor and ceilingFactor', () => {
    const schedule = adaptiveSchedule({ retryInterval: 1_000, initialDelayMs: 40, factor: 3, ceilingFactor: 1.5 })
    expect([0, 1, 2, 3, 4, 5].map(schedule)).toEqual([0, 40, 120, 360, 1_080, 1_500])
  })

  it('never starts slower than retryInterval, even when initialDelayMs asks for more', () => {
    const schedule = adaptiveSchedule({ retryInterval: 30, initialDelayMs: 500, factor: 1 })
    expect([1, 2, 3].map(schedule)).toEqual([30, 30, 30])
    // the 100 ms default initial delay is capped the same way
    expect(adaptiveSchedule({ retryInterval: 60 })(1)).toBe(60)
  })

  it('defaults: 100 ms first, ×1.5 per poll, ceiling twice retryInterval', () => {
    const schedule = adaptiveSchedule({ retryInterval: 400 })
    expect([0, 1, 2, 3, 4, 5, 6].map(schedule)).toEqual([0, 100, 150, 225, 337.5, 506.25, 759.375])
    expect(schedule(7)).toBe(800)
    expect(schedule(1_000)).toBe(800)
  })

  it('with factor 1 stays at the initial delay', () => {
    expect([1, 5, 50].map(adaptiveSchedule({ retryInterval: 1_000, factor: 1 }))).toEqual([100, 100, 100])
  })
})
