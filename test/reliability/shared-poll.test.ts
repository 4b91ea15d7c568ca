// Shared polling over real HTTP (issue 6): N concurrent syncs on one session through one client
// share GetContextInfo polls, see the same results as separate clients, and stop polling when the
// last subscriber leaves.
import { firstValueFrom, type Subscription } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adaptiveSchedule, type ContextSyncResult, type Session, type SyncOptions } from '../../src/entries/index.js'
import { createClient, sessionWithMount, startHarness, until, type Harness, type TestClient } from './helpers.js'

const N = 10
// The budget is a wall-clock deadline including requests in flight (issue 9): 40 × 250 ms, polls still from 50 ms.
const SHARED_SYNC: SyncOptions = { mode: 'upload', retryInterval: 250, schedule: adaptiveSchedule({ retryInterval: 50 }), maxRetries: 40, noTaskGraceMs: 500 }

let harness: Harness
let client: TestClient
let session: Session
const others: TestClient[] = []

beforeAll(async () => {
  // 2 × 150 ms per task: each sync needs several polls.
  harness = await startHarness({ taskDelayMs: 150 })
  client = createClient(harness.emulator)
  ;({ session } = await sessionWithMount(client.agentBay, 'shared'))
  for (let i = 0; i < N; i += 1) others.push(createClient(harness.emulator))
})

afterAll(async () => {
  client?.destroy()
  for (const other of others) other.destroy()
  await harness?.close()
})

const infoCalls = (): number => harness.emulator.stats().calls['GetContextInfo'] ?? 0

/** What must be equal between the two runs: the verdict and the final task states. */
const shape = (result: ContextSyncResult) => ({
  success: result.success,
  timedOut: result.timedOut,
  tasks: result.tasks.map((task) => [task.contextId, task.path, task.taskType, task.status]),
})

async function runConcurrently(clients: readonly TestClient[]): Promise<{ results: ContextSyncResult[]; polls: number }> {
  await harness.quiesce()
  const before = infoCalls()
  const results = await Promise.all(clients.map((c) => c.agentBay.session(session.sessionId).context.syncAsync(SHARED_SYNC)))
  await harness.quiesce()
  return { results, polls: infoCalls() - before }
}

describe('shared polling over HTTP', () => {
  it(`${N} concurrent syncs on one session share polls: same results as separate clients, fewer GetContextInfo calls`, async () => {
    const shared = await runConcurrently(Array.from({ length: N }, () => client))
    const separate = await runConcurrently(others) // one AgentBay per sync: nothing shared
    console.log(`\nshared polling, N=${N}: GetContextInfo calls shared ${shared.polls}, separate ${separate.polls}\n`)

    for (const result of [...shared.results, ...separate.results]) expect(result).toMatchObject({ success: true, timedOut: false })
    expect(shared.results.map(shape)).toEqual(separate.results.map(shape))
    // Each sync ticks on its own timer, a few ms apart, and reuses an answer at most 100 ms old that
    // another sync fetched after its own last poll: about one call per tick for all N together.
    expect(shared.polls).toBeLessThanOrEqual(separate.polls / 2)
  })

  it('stops the shared poll when the last subscriber leaves', async () => {
    await harness.quiesce()
    const coalescer = client.agentBay.coalescer
    const handle = client.agentBay.session(session.sessionId)
    const subscriptions: Subscription[] = []
    for (let i = 0; i < N; i += 1) subscriptions.push(handle.context.sync(SHARED_SYNC).subscribe())
    // Every sync has seen its task once: all are mid-poll.
    await firstValueFrom(handle.context.sync(SHARED_SYNC))
    await until(() => (harness.emulator.stats().calls['SyncContext'] ?? 0) > 0, 1000, () => 'no trigger')

    // Leaving one by one: the poll goes on while anyone is left …
    for (const subscription of subscriptions.slice(0, -1)) subscription.unsubscribe()
    const whileOneLeft = infoCalls()
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(infoCalls()).toBeGreaterThan(whileOneLeft)

    // … and stops with the last one: no request in flight, none sent afterwards.
    subscriptions.at(-1)!.unsubscribe()
    const atLastLeave = infoCalls()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(coalescer.size).toBe(0)
    expect(infoCalls()).toBeLessThanOrEqual(atLastLeave)
    await harness.quiesce()
    expect(infoCalls()).toBeLessThanOrEqual(atLastLeave)
  })
})
