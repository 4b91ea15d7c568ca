// The poll operator at its edges (issue 9 item 17: mutants that survived the other suites).
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, it } from 'vitest'
import { poll } from '../../src/rpc/poll.js'
import { fixedSchedule } from '../../src/rpc/poll-schedule.js'
import { createTestScheduler } from '../helpers/marbles.js'

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

describe('poll() at its edges', () => {
  it('completes empty when the deadline passes before any poll answered or failed (the caller decides what that means)', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const polls$ = poll({ request: () => cold('-'), schedule: fixedSchedule(5), deadline: 30, scheduler })
      expectObservable(polls$).toBe('30ms |')
    })
  })

  it.each([
    ['a negative delay', -1, '-1'],
    ['a string', '10', '"10"'],
    ['undefined', undefined, 'undefined'],
  ])('refuses a schedule that returns %s', (_label, delay, shown) => {
    scheduler.run(({ expectObservable, cold }) => {
      const polls$ = poll({ request: () => cold('-(a|)', { a: 1 }), schedule: () => delay as number, scheduler })
      expectObservable(polls$).toBe('#', undefined, {
        name: 'ValidationError',
        kind: 'validation',
        message: `schedule(0) must return a number of ms ≥ 0, got ${shown}`,
      })
    })
  })
})
