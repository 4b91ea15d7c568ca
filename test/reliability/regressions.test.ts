// Regressions found by the reliability suite (issue 6), reproduced over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Session } from '../../src/entries/index.js'
import {
  GENEROUS_SYNC,
  SYNC,
  TIMEOUT_MS,
  checkSyncVerdict,
  createClient,
  newSyncTasks,
  sessionWithMount,
  startHarness,
  syncDeadlineMs,
  syncVerdict,
  taskIds,
  type Harness,
  type TestClient,
} from './helpers.js'

let harness: Harness
let client: TestClient
let session: Session

beforeAll(async () => {
  harness = await startHarness()
  client = createClient(harness.emulator)
  ;({ session } = await sessionWithMount(client.agentBay, 'regressions'))
})

afterAll(async () => {
  client?.destroy()
  await harness?.close()
})

describe('back-to-back syncs on one mount (issue 6)', () => {
  it('each sync reports its own task, even when it ends in the same second, with the same result, as the previous one', async () => {
    for (let i = 0; i < 5; i += 1) {
      await harness.quiesce()
      const before = taskIds(harness.emulator, session.sessionId)
      const started = performance.now()
      // A budget no loaded machine exhausts on a 2 × 20 ms task: with the bug, the sync waits it out.
      const result = await session.context.syncAsync(GENEROUS_SYNC)
      const elapsed = performance.now() - started
      await harness.quiesce()
      const created = newSyncTasks(harness.emulator, session.sessionId, before)
      // Before the fix the second sync saw its finished task as the first one's and waited out the budget.
      expect(result, `sync ${i}`).toMatchObject({ success: true, timedOut: false })
      expect(checkSyncVerdict(syncVerdict(result), created)).toEqual([])
      expect(elapsed).toBeLessThan(syncDeadlineMs(TIMEOUT_MS, GENEROUS_SYNC))
    }
  })
})

describe('polls that never answer (issue 6)', () => {
  it('errors with the last poll failure instead of completing as "no tasks, success"', async () => {
    await harness.quiesce()
    const before = taskIds(harness.emulator, session.sessionId)
    client.onResponse = (action) => {
      if (action === 'SyncContext') harness.emulator.setFaults([{ action: 'GetContextInfo', kind: '503' }])
    }
    const result = await client.agentBay.session(session.sessionId).context.syncAsync(SYNC)
    client.onResponse = undefined
    harness.emulator.setFaults([])
    await harness.quiesce()
    // The emulator's task did run; the SDK never saw it, so it must not claim success.
    expect(newSyncTasks(harness.emulator, session.sessionId, before)).toHaveLength(1)
    expect(result).toMatchObject({ success: false, error: { name: 'HttpError', httpStatus: 503 } })
  })
})

describe('overlapping syncs on one mount (issue 6)', () => {
  it('a task superseded by a newer sync on the same mount is not reported as still in progress', async () => {
    // Tasks of 2 × 300 ms, triggers 250 ms apart: later syncs' tasks replace earlier ones in
    // GetContextInfo (the latest per mount) while those are still running, across second boundaries.
    const slow = await startHarness({ taskDelayMs: 300 })
    const slowClient = createClient(slow.emulator)
    try {
      const { session: shared } = await sessionWithMount(slowClient.agentBay, 'overlap')
      await slow.quiesce()
      const runs: Promise<unknown>[] = []
      for (let i = 0; i < 6; i += 1) {
        runs.push(shared.context.syncAsync(GENEROUS_SYNC)) // a budget no loaded machine exhausts: only the bug times out
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      const results = await Promise.all(runs)
      await slow.quiesce()
      expect(slow.emulator.tasks({ sessionId: shared.sessionId }).filter((t) => t.trigger === 'sync').every((t) => t.status === 'Success')).toBe(true)
      for (const result of results) expect(result).toMatchObject({ success: true, timedOut: false })
    } finally {
      slowClient.destroy()
      await slow.close()
    }
  })
})
