// One task model (issue 10 item 3): one module says which tasks are the same task, the same state
// and the same mount, and one reducer folds them; the sync result and the CLI read that fold.
import fc from 'fast-check'
import { from, lastValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { Output } from '../../src/cli/output.js'
import { createTaskProgress } from '../../src/cli/render/task-progress.js'
import { INITIAL_WATCH_STATE, latestTasks, mountKey, nextState, taskIdentity, taskState, type WatchState } from '../../src/wire/task-model.js'
import { pickContextStatusData } from '../../src/wire/codecs/context-status.js'
import { summarizeSync, toSyncResult, type ContextStatusData } from '../../src/entries/index.js'
import { task } from '../../src/testing/index.js'

const arbitraryTask: fc.Arbitrary<ContextStatusData & { requestId?: string }> = fc.record({
  contextId: fc.constantFrom('ctx-1', 'ctx-2'),
  path: fc.constantFrom('/a', '/b'),
  taskType: fc.constantFrom('upload', 'download'),
  status: fc.constantFrom('Pending', 'Running', 'Success', 'Failed'),
  errorMessage: fc.constantFrom('', 'disk full'),
  startTime: fc.constantFrom(1, 2),
  finishTime: fc.constantFrom(0, 5),
})

describe('the task keys', () => {
  it('a mount is context, path and direction; a task adds its start; its state is status, message and finish', () => {
    const a = task({ startTime: 1, status: 'Running', finishTime: 0 })
    const later = { ...a, startTime: 2 }
    expect(mountKey(later)).toBe(mountKey(a))
    expect(taskIdentity(later)).not.toBe(taskIdentity(a))
    expect(taskState(later)).toBe(taskState(a))
    expect(mountKey({ ...a, taskType: 'download' })).not.toBe(mountKey(a))
    expect(taskState({ ...a, finishTime: 3 })).not.toBe(taskState(a))
  })
})

describe('the one fold', () => {
  it('toSyncResult and summarizeSync report the latest task of each mount exactly as the watch state holds it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryTask, { maxLength: 12 }), async (tasks) => {
        const watched = tasks.reduce<WatchState>((state, next) => nextState(state, [next]), INITIAL_WATCH_STATE)
        const expected = latestTasks(watched).map(pickContextStatusData)
        const folded = await lastValueFrom(from(tasks).pipe(toSyncResult('r-1')))
        expect(folded.tasks).toEqual(expected)
        expect(summarizeSync('r-1', tasks).tasks).toEqual(latestTasks(watched))
        // Success exactly when the watch would be done with nothing failed (or nothing was seen).
        const success = tasks.length === 0 || (watched.done && expected.every((t) => t.status === 'Success'))
        expect(folded.success).toBe(success)
      }),
    )
  })
})

describe('the CLI progress reads the same fold', () => {
  const lines = (updates: readonly ContextStatusData[]): string[] => {
    let text = ''
    const out = new Output({ stdout: { write: (chunk: string) => (text += chunk), isTTY: false }, stderr: { write: () => true }, env: {} }, false)
    const progress = createTaskProgress(out, { now: () => 0 })
    for (const update of updates) progress.update(update)
    progress.stop()
    return text.trimEnd().split('\n').filter((line) => line !== '')
  }

  it('prints a line exactly when the reducer reports a change, a new task of the same mount included', () => {
    const first = task({ status: 'Success', startTime: 1, finishTime: 5 })
    // A later sync of the same mount that ends the same way is a new task, not a repeat.
    const second = { ...first, startTime: 7, finishTime: 9 }
    expect(lines([first, first, second])).toHaveLength(2)
  })
})
