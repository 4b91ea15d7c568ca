// The watch's rules, each alone (issue 9 item 17: mutants that survived the stream-level tests).
import { describe, expect, it } from 'vitest'
import { INITIAL_WATCH_STATE, nextState } from '../../src/wire/task-model.js'
import { countedTasks, isCountedTask, isSameFinishedTask } from '../../src/sync/task-watch.js'
import { task } from '../../src/testing/index.js'

const finished = task({ status: 'Success', startTime: 1_700_000_000, finishTime: 1_700_000_001 })

describe('isSameFinishedTask', () => {
  it('is true only for the same identity and the same final state', () => {
    expect(isSameFinishedTask(finished, { ...finished })).toBe(true)
  })

  it('is false when only the identity differs (another start second)', () => {
    expect(isSameFinishedTask(finished, { ...finished, startTime: 1_700_000_002 })).toBe(false)
  })

  it.each([
    ['status', { status: 'Failed' }],
    ['finish time', { finishTime: 1_700_000_009 }],
    ['error message', { errorMessage: 'late failure' }],
  ])('is false when only the state differs (%s)', (_label, change) => {
    expect(isSameFinishedTask(finished, { ...finished, ...change })).toBe(false)
  })

  it('is false when the earlier task was not terminal', () => {
    const running = { ...finished, status: 'Running', finishTime: 0 }
    expect(isSameFinishedTask(running, running)).toBe(false)
  })
})

describe('isCountedTask and countedTasks', () => {
  const select = { mode: 'upload' as const, contextId: 'ctx-1', path: '/home/wuying/data', staleTasks: [finished] }

  it('counts only tasks of the scope and direction', () => {
    const fresh = { ...finished, startTime: 1_700_000_005 }
    expect(isCountedTask(fresh, select)).toBe(true)
    expect(isCountedTask({ ...fresh, taskType: 'download' }, select)).toBe(false)
    expect(isCountedTask({ ...fresh, contextId: 'ctx-2' }, select)).toBe(false)
    expect(isCountedTask({ ...fresh, path: '/other' }, select)).toBe(false)
  })

  it('never counts a stale task, unless this watch already emitted its identity', () => {
    expect(isCountedTask(finished, select)).toBe(false)
    const seen = new Map([[JSON.stringify([finished.contextId, finished.path, finished.taskType, finished.startTime]), 'x']])
    expect(isCountedTask(finished, select, seen)).toBe(true)
  })

  it('counts stale look-alikes only once the grace period is over and nothing was seen', () => {
    expect(countedTasks([finished], select, new Map(), false)).toEqual([])
    expect(countedTasks([finished], select, new Map(), true)).toEqual([finished])
    expect(countedTasks([finished], select, new Map([['other', 'x']]), true)).toEqual([])
  })

  describe('with the stale set unknown (the pre-trigger snapshot failed)', () => {
    const unknown = { ...select, staleTasks: 'unknown' as const }
    const running = { ...finished, startTime: 1_700_000_005, status: 'Running', finishTime: 0 }
    const failed = { ...finished, startTime: 1_700_000_005, status: 'Failed', errorMessage: 'disk full' }

    it('counts a task first seen unfinished, but no task first seen finished (Success or Failed)', () => {
      expect(isCountedTask(running, unknown)).toBe(true)
      expect(isCountedTask(finished, unknown)).toBe(false)
      expect(isCountedTask(failed, unknown)).toBe(false)
    })

    it('counts a finished task this watch already emitted', () => {
      const seen = new Map([[JSON.stringify([failed.contextId, failed.path, failed.taskType, failed.startTime]), 'x']])
      expect(isCountedTask(failed, unknown, seen)).toBe(true)
    })

    it('counts a task first seen finished once the grace period is over and nothing was seen', () => {
      expect(countedTasks([finished], unknown, new Map(), false)).toEqual([])
      expect(countedTasks([finished], unknown, new Map(), true)).toEqual([finished])
      // Another mount's task seen does not drop this one once the grace period is over (the snapshot cannot tell).
      expect(countedTasks([finished], unknown, new Map([['other', 'x']]), true)).toEqual([finished])
    })
  })
})

describe('nextState', () => {
  const a = task({ contextId: 'ctx-1', status: 'Success', finishTime: 1 })
  const bRunning = task({ contextId: 'ctx-2', status: 'Running' })

  it('is done only when the latest task of every mount seen is terminal', () => {
    const first = nextState(INITIAL_WATCH_STATE, [a, bRunning])
    expect(first.done).toBe(false)
    expect(first.changed).toEqual([a, bRunning])
    const second = nextState(first, [a, { ...bRunning, status: 'Failed', finishTime: 2 }])
    expect(second.done).toBe(true)
    expect(second.changed).toEqual([{ ...bRunning, status: 'Failed', finishTime: 2 }])
  })

  it('keeps a vanished task at its last state, so it is not done', () => {
    const state = nextState(nextState(INITIAL_WATCH_STATE, [a, bRunning]), [a])
    expect(state.done).toBe(false)
    expect(state.changed).toEqual([])
  })

  it('is not done with nothing seen', () => {
    expect(nextState(INITIAL_WATCH_STATE, []).done).toBe(false)
  })
})
