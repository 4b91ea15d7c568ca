// Shared polling over real HTTP (issue 6): N concurrent syncs on one session through one client
// share GetContextInfo polls, see the same results as separate clients, and stop polling when the
// last subscriber leaves.
import { firstValueFrom, type Subscription } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContextSyncResult, Session, SyncOptions } from '../../src/entries/index.js'
import { GENEROUS_SYNC, MOUNT, busySockets, createClient, requestsSent, sessionWithMount, startHarness, until, type Harness, type TestClient } from './helpers.js'

const N = 10
// A budget no loaded machine exhausts on 2 × 150 ms tasks (a 20 s deadline): every sync must succeed.
const SHARED_SYNC: SyncOptions = { ...GENEROUS_SYNC, noTaskGraceMs: 500 }
// Syncs that poll until unsubscribed: no deadline (retryInterval 0) and a poll count never reached.
const ENDLESS_SYNC: SyncOptions = { ...SHARED_SYNC, retryInterval: 0, maxRetries: Number.MAX_SAFE_INTEGER }

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
    // Tasks that never end while the test runs, and syncs without a budget: they are still polling
    // whenever we look, however slow the machine (closing the emulator ends them).
    const slow = await startHarness({ taskDelayMs: 600_000 })
    const slowClient = createClient(slow.emulator)
    try {
      const context = await slowClient.agentBay.context.createAsync(`shared-stop-${Date.now()}`)
      if (!context.success) throw new Error('context not created')
      const created = await slowClient.agentBay.createAsync({ contextSync: [{ contextId: context.context.id, path: MOUNT }], downloadWait: { maxPolls: 1 } })
      if (created.session === undefined) throw new Error('session not created')
      const coalescer = slowClient.agentBay.coalescer
      const handle = slowClient.agentBay.session(created.session.sessionId)
      const polls = () => requestsSent(slowClient, 'GetContextInfo')
      const subscriptions: Subscription[] = []
      for (let i = 0; i < N; i += 1) subscriptions.push(handle.context.sync(ENDLESS_SYNC).subscribe())
      // Every sync has seen its task once: all are mid-poll.
      await firstValueFrom(handle.context.sync(ENDLESS_SYNC))

      // Leaving one by one: the poll goes on while anyone is left …
      for (const subscription of subscriptions.slice(0, -1)) subscription.unsubscribe()
      const whileOneLeft = polls()
      await until(() => polls() > whileOneLeft, 30_000, () => 'polling stopped while a subscriber was left')

      // … and stops with the last one: no request in flight, none sent afterwards.
      subscriptions.at(-1)!.unsubscribe()
      const atLastLeave = polls()
      await until(() => busySockets(slowClient.agent) === 0, 10_000, () => 'a poll is still in flight')
      expect(coalescer.size).toBe(0)
      await new Promise((resolve) => setTimeout(resolve, 300)) // a window for a stray timer to fire in
      expect(polls()).toBe(atLastLeave)
      expect(coalescer.size).toBe(0)
    } finally {
      slowClient.destroy()
      await slow.close()
    }
  })
})
