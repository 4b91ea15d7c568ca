// The reads a sync makes before SyncContext (the stale-task snapshot and GetSession) failing, over real
// HTTP against the emulator (outside audit, snapshot-fail.mjs). The official SDK makes neither read: a
// transient failure of one must still end in the sync the official SDK would have made, triggered once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FaultRule } from '../../src/emulator/index.js'
import type { Session } from '../../src/entries/index.js'
import {
  GENEROUS_SYNC,
  TIMEOUT_MS,
  busySockets,
  checkSyncVerdict,
  createClient,
  flushMicrotasks,
  observeSync,
  rejectionRecorder,
  sessionWithMount,
  startHarness,
  syncDeadlineMs,
  syncVerdict,
  taskIds,
  tasksOfSync,
  until,
  withDeadline,
  type Harness,
  type TestClient,
} from './helpers.js'

let harness: Harness
let client: TestClient
let session: Session
const rejections = rejectionRecorder()

beforeAll(async () => {
  rejections.start()
  harness = await startHarness()
  client = createClient(harness.emulator)
  ;({ session } = await sessionWithMount(client.agentBay, 'pre-trigger'))
  // An earlier sync leaves a finished task on the mount: the stale task the lost snapshot would have named.
  expect((await session.context.syncAsync(GENEROUS_SYNC)).success).toBe(true)
})

beforeEach(async () => {
  await harness.quiesce()
  client.sent.clear()
})

afterEach(async () => {
  harness.emulator.setFaults([])
  await flushMicrotasks()
  expect(rejections.seen).toEqual([])
  await until(() => busySockets(client.agent) === 0, 10_000, () => `client still has ${busySockets(client.agent)} request(s) open`)
})

afterAll(async () => {
  rejections.stop()
  client?.destroy()
  await harness?.close()
})

const SNAPSHOT_503S: FaultRule = { action: 'GetContextInfo', kind: '503', times: 8 }
const deadlineMs = syncDeadlineMs(TIMEOUT_MS, GENEROUS_SYNC)
const snapshot503s = (): number => harness.emulator.stats().faultsByAction.GetContextInfo?.['503'] ?? 0

describe('transient failures before the trigger', () => {
  it('8 × 503 on GetContextInfo from the snapshot on: syncAsync still succeeds, with exactly one SyncContext and the task it started', async () => {
    const before = taskIds(harness.emulator, session.sessionId)
    const [faultsBefore, triggersBefore] = [snapshot503s(), harness.emulator.stats().calls.SyncContext ?? 0]
    harness.emulator.setFaults([SNAPSHOT_503S])
    const outcome = await withDeadline(deadlineMs, (signal) => session.context.syncAsync({ ...GENEROUS_SYNC, signal }))
    expect(outcome.hung).toBe(false)
    const result = outcome.value!
    expect(result, JSON.stringify(result)).toMatchObject({ success: true, timedOut: false })
    // The first three (the snapshot's attempts) hit the read before the trigger.
    expect(snapshot503s() - faultsBefore).toBe(8)
    expect(client.sent.get('SyncContext')).toBe(1)
    expect((harness.emulator.stats().calls.SyncContext ?? 0) - triggersBefore).toBe(1)
    expect(checkSyncVerdict(syncVerdict(result), tasksOfSync(harness.emulator, session.sessionId, result.requestId, before))).toEqual([])
  })

  it('the same faults plus 3 × 503 on GetSession, on a handle that does not know its mounts: sync() completes with the task, one SyncContext', async () => {
    const handle = client.agentBay.session(session.sessionId)
    const before = taskIds(harness.emulator, session.sessionId)
    harness.emulator.setFaults([SNAPSHOT_503S, { action: 'GetSession', kind: '503', times: 3 }])
    const outcome = await withDeadline(deadlineMs, (signal) => observeSync(handle.context.sync(GENEROUS_SYNC), signal))
    expect(outcome.hung).toBe(false)
    expect(outcome.value?.kind, JSON.stringify(outcome.value)).toBe('success')
    expect(client.sent.get('GetSession')).toBe(3)
    expect(client.sent.get('SyncContext')).toBe(1)
    const created = tasksOfSync(harness.emulator, session.sessionId, undefined, before)
    expect(created).toHaveLength(1)
    expect(checkSyncVerdict(outcome.value!, created)).toEqual([])
  })

  it('the callback form: resolves "triggered" and reports true once', async () => {
    harness.emulator.setFaults([SNAPSHOT_503S])
    const calls: boolean[] = []
    const trigger = await session.context.syncAsync({ ...GENEROUS_SYNC, callback: (success) => calls.push(success) })
    expect(trigger).toMatchObject({ success: true, triggered: true })
    await until(() => calls.length > 0, deadlineMs, () => 'the callback was not called')
    expect(calls).toEqual([true])
    expect(client.sent.get('SyncContext')).toBe(1)
  })
})

describe('a non-transient failure of the snapshot', () => {
  it('ends the sync with that error and sends no SyncContext', async () => {
    harness.emulator.setFaults([{ action: 'GetContextInfo', kind: 'successFalse', code: 'InternalError', times: 1 }])
    const result = await session.context.syncAsync(GENEROUS_SYNC)
    expect(result).toMatchObject({ success: false, timedOut: false, tasks: [] })
    expect((result.error as Error | undefined)?.name).toBe('ApiError')
    expect(client.sent.get('SyncContext')).toBeUndefined()
  })
})
