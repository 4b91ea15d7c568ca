// Child of sync-heap.test.ts (run with --expose-gc): N syncs waiting on the fake transport in
// virtual time, no network; prints the heap growth per waiting sync, after a full GC, as JSON.
import { VirtualTimeScheduler } from 'rxjs'
import { AgentBay } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task } from '../../src/testing/index.js'

const [n, form] = process.argv.slice(2) as [string, 'callback' | 'promise']
const N = Number(n)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')
const SYNC = { contextId: 'ctx-1', path: '/home/wuying/data', mode: 'upload' } as const

/** A client on its own virtual clock, over a server whose task runs until `doneAt` (ms). */
function client(doneAt: number) {
  const scheduler = new VirtualTimeScheduler()
  const fake = createFakeTransport()
  fake.respond('SyncContext', () => jsonResponse({ ...okBody(), RequestId: 'sync-1' }))
  fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody([task({ status: scheduler.now() >= doneAt ? 'Success' : 'Running' })])))
  const context = new AgentBay({ apiKey: 'heap-test-key', transport: fake.transport, scheduler, env: {} }).session('s-1').context
  const advanceTo = (ms: number): void => {
    scheduler.maxFrames = ms
    scheduler.flush()
  }
  return { context, fake, advanceTo }
}

const heapAfterGc = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

// Warm-up on another client: every code path of a sync is compiled before the baseline.
const warm = client(5_000)
const warmed = Promise.all([warm.context.syncAsync(SYNC), warm.context.syncAsync({ ...SYNC, callback: () => undefined })])
warm.advanceTo(10_000)
await warmed
await settle()

const { context, fake, advanceTo } = client(Infinity)
const before = heapAfterGc()
const outcomes: boolean[] = []
const controllers: AbortController[] = []
for (let i = 0; i < N; i += 1) {
  if (form === 'callback') void context.syncAsync({ ...SYNC, callback: (success) => outcomes.push(success) })
  else {
    const controller = new AbortController()
    controllers.push(controller)
    void context.syncAsync({ ...SYNC, signal: controller.signal }).then((result) => outcomes.push(result.success))
  }
}
// Past the trigger and the early polls: every sync waits for its next poll.
advanceTo(4_000)
await settle()
fake.requests.length = 0 // the fake's request log is the test's, not the syncs'
const after = heapAfterGc()
const waiting = N - outcomes.length
for (const controller of controllers) controller.abort()
console.log(JSON.stringify({ waiting, heapPerSyncKiB: (after - before) / 1024 / N }))
process.exit(0)
