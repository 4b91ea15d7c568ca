// The watch's rules at their edges (issue 9 item 17: mutants that survived the other suites).
import { of } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { fixedSchedule } from '../../src/rpc/poll-schedule.js'
import { INITIAL_WATCH_STATE, nextState } from '../../src/wire/task-model.js'
import { countedTasks, watchTasks, type TaskWatchOptions } from '../../src/sync/task-watch.js'
import { task } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

const stale = task({ status: 'Success', startTime: 1_700_000_000, finishTime: 1_700_000_001 })
const select = { mode: 'upload' as const, contextId: 'ctx-1', path: '/home/wuying/data', staleTasks: [stale] }

/** A watch over any task (`select: {}`) polled every 10 ms on the test scheduler; each test sets the rest. */
const watchOf = (options: Omit<TaskWatchOptions, 'select' | 'schedule' | 'scheduler'>) =>
  watchTasks({ select: {}, schedule: fixedSchedule(10), scheduler, ...options })

describe('the grace period', () => {
  it('is over exactly noTaskGraceMs after the start: a poll at that moment with nothing seen ends the watch', () => {
    const nothingSeen = (waitedMs: number) => new Error(`nothing seen in ${waitedMs} ms`)
    scheduler.run(({ expectObservable }) => {
      const watch$ = watchOf({
        poll: () => of([]),
        maxPolls: 100,
        noTaskGraceMs: 20,
        nothingSeen,
      })
      // polls at 0, 10 and 20: the one at 20 is the first past the grace period
      expectObservable(watch$).toBe('20ms #', undefined, nothingSeen(20))
    })
  })
})

describe('countedTasks after the grace period', () => {
  it('takes a stale look-alike only when nothing else counts: a fresh task of another mount keeps it stale', () => {
    const fresh = task({ contextId: 'ctx-1', status: 'Running', startTime: 1_700_000_005 })
    const wide = { mode: 'upload' as const, staleTasks: [stale] }
    expect(countedTasks([fresh, stale], wide, new Map(), true)).toEqual([fresh])
  })

  it('still counts only tasks of the scope and direction when it falls back to look-alikes', () => {
    const otherDirection = { ...stale, taskType: 'download' as const }
    const otherContext = { ...stale, contextId: 'ctx-2' }
    const otherPath = { ...stale, path: '/other' }
    expect(countedTasks([otherDirection, otherContext, otherPath, stale], select, new Map(), true)).toEqual([stale])
  })
})

describe('the initial watch state', () => {
  it('is not done, like a state folded from nothing: nothing was seen yet', () => {
    expect(INITIAL_WATCH_STATE.done).toBe(nextState(INITIAL_WATCH_STATE, []).done)
    expect(INITIAL_WATCH_STATE.done).toBe(false)
  })
})

describe('a throw inside the watch (a bug) ends that watch with the error', () => {
  const brokenTask = () => {
    const broken = { ...task({ status: 'Running' }) }
    Object.defineProperty(broken, 'startTime', { get: () => { throw new Error('broken task') } })
    return broken
  }

  it('while handling a poll: the watch errors at that poll, and no further poll is sent', () => {
    let polls = 0
    scheduler.run(({ expectObservable, cold }) => {
      const watch$ = watchOf({
        poll: () => {
          polls += 1
          return cold('-(a|)', { a: [brokenTask()] })
        },
        maxPolls: 5,
        deadline: 100,
        noTaskGraceMs: 50,
        nothingSeen: () => new Error('nothing seen'),
      })
      expectObservable(watch$).toBe('-#', undefined, new Error('broken task'))
    })
    expect(polls).toBe(1)
  })

  it('when the deadline ends it: the watch errors, and another action queued on the same scheduler still runs', () => {
    let otherRan = false
    scheduler.run(({ expectObservable }) => {
      const watch$ = watchOf({
        poll: () => of([]),
        maxPolls: 100,
        deadline: 15,
        noTaskGraceMs: 1000,
        nothingSeen: () => {
          throw new Error('nothingSeen threw')
        },
      })
      scheduler.schedule(() => (otherRan = true), 30)
      expectObservable(watch$).toBe('15ms #', undefined, new Error('nothingSeen threw'))
    })
    expect(otherRan).toBe(true)
  })
})
