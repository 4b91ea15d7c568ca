// Nothing outlives a call (issue 6): after completion, error, or unsubscribe/abort at a random
// point, no SDK timer, shared poll, client socket or request stays alive, and nothing is sent
// afterwards. The emulator runs in a child process, so this process's active resources are the
// client's alone and can be compared with a baseline exactly.
import fc from 'fast-check'
import { lastValueFrom, type Observable, type Subscription } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaultKind } from '../../src/emulator/index.js'
import { AgentBay, type Session } from '../../src/entries/index.js'
import { SYNC, activeCount, activeResources, busySockets, createClient, flushMicrotasks, rejectionRecorder, requestsSent, sessionWithMount, until, type TestClient } from './helpers.js'
import { quiesceRemote, startRemoteEmulator, type RemoteEmulator } from './remote-emulator.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let emulator: RemoteEmulator
let client: TestClient
let session: Session
const rejections = rejectionRecorder()

beforeAll(async () => {
  rejections.start()
  // Tasks of 2 × 100 ms: a sync lasts long enough that most stop points land in its middle.
  emulator = await startRemoteEmulator({ taskDelayMs: 100 })
  client = createClient(emulator)
  ;({ session } = await sessionWithMount(client.agentBay, 'leaks'))
})

afterAll(async () => {
  rejections.stop()
  client?.destroy()
  await emulator?.close()
})

type Op = 'info' | 'sync' | 'infoAsync' | 'syncAsync'
interface Scenario {
  readonly op: Op
  readonly fault: { readonly kind: FaultKind; readonly action: 'GetContextInfo' | 'SyncContext'; readonly rate: number } | null
  /** null: let the call end on its own (complete or error); else unsubscribe/abort after this many ms. */
  readonly stopAfterMs: number | null
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  op: fc.constantFrom<Op>('info', 'sync', 'infoAsync', 'syncAsync'),
  fault: fc.option(
    fc.record({
      kind: fc.constantFrom<FaultKind>('500', 'throttle', 'reset', 'latency', 'truncated', 'malformedContextStatus', 'successFalse'),
      action: fc.constantFrom('GetContextInfo' as const, 'SyncContext' as const),
      rate: fc.constantFrom(0.3, 1),
    }),
    { nil: null },
  ),
  stopAfterMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
})

/** Runs one call and stops it as the scenario says; resolves when it has ended or been stopped. */
async function play(s: Scenario): Promise<void> {
  const context = client.agentBay.session(session.sessionId).context
  const controller = new AbortController()
  const timer = s.stopAfterMs === null ? undefined : setTimeout(() => controller.abort(), s.stopAfterMs)
  try {
    if (s.op === 'info' || s.op === 'sync') {
      const source$: Observable<unknown> = s.op === 'info' ? context.info() : context.sync(SYNC)
      await new Promise<void>((resolve) => {
        let subscription: Subscription | undefined = undefined
        controller.signal.addEventListener('abort', () => {
          subscription?.unsubscribe()
          resolve()
        })
        subscription = source$.subscribe({ error: () => resolve(), complete: () => resolve() })
      })
    } else {
      const call = s.op === 'infoAsync' ? context.infoAsync({}, { signal: controller.signal }) : context.syncAsync({ ...SYNC, signal: controller.signal })
      // An abort rejects with the signal's reason; remote failures resolve with success: false.
      await call.catch((error: unknown) => {
        if (!controller.signal.aborted) throw error
      })
    }
  } finally {
    clearTimeout(timer)
  }
}

describe('resource leaks', () => {
  it('after complete, error or unsubscribe at a random point, no timer, shared poll, socket or request stays alive', async () => {
    await quiesceRemote(emulator)
    await sleep(20)
    const baseline = activeResources()
    const coalescer = client.agentBay.coalescer
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await emulator.setFaults(s.fault === null ? [] : { rules: [{ ...s.fault, latencyMs: 150, retryAfterSeconds: 0 }], seed: 7 })
        await play(s)
        // Right after the call ended or was stopped (the abort needs a moment to reach the socket):
        await until(() => busySockets(client.agent) === 0, 10_000, () => `client still has ${busySockets(client.agent)} request(s) open`)
        await flushMicrotasks()
        expect(coalescer.size, 'shared polls in flight').toBe(0)
        expect(activeCount('Timeout'), `timers: ${JSON.stringify(activeResources())} vs ${JSON.stringify(baseline)}`).toBeLessThanOrEqual(baseline['Timeout'] ?? 0)
        // … and nothing is sent afterwards, while the emulator finishes what it was doing.
        // Counted by the client as they leave: the emulator may still be reading one sent before the stop.
        const sentAtStop = requestsSent(client)
        await emulator.setFaults([])
        await quiesceRemote(emulator)
        await sleep(30)
        expect(requestsSent(client), 'requests sent after the call ended').toBe(sentAtStop)
        expect(activeCount('Timeout')).toBeLessThanOrEqual(baseline['Timeout'] ?? 0)
      }),
      { numRuns: 25, seed: 20_260_601 },
    )
    expect(rejections.seen).toEqual([])

    // Only idle keep-alive sockets remain; closing the pool leaves no socket in this process.
    expect(activeCount('TCPSocketWrap')).toBeLessThanOrEqual(Object.values(client.agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0))
    client.destroy()
    await until(() => activeCount('TCPSocketWrap') === 0, 10_000, () => `sockets: ${JSON.stringify(activeResources())}`)
    await until(async () => (await emulator.stats()).openConnections === 0, 10_000, () => 'emulator connections still open')
  })

  it('with the global fetch, unsubscribing mid-request closes the socket while the emulator still holds the request', async () => {
    const plain = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    await quiesceRemote(emulator)
    const timersBefore = activeCount('Timeout')
    // The emulator holds the request for longer than any test: it is certainly still holding it when
    // the socket closes (closing the emulator in afterAll ends the wait).
    await emulator.setFaults([{ action: 'GetContextInfo', kind: 'latency', latencyMs: 600_000, times: 1 }])
    const subscription = plain.session(session.sessionId).context.info().subscribe()
    await until(async () => (await emulator.handlersOpen()) === 1, 30_000, () => 'request never reached the emulator')
    const socketsDuring = activeCount('TCPSocketWrap')
    subscription.unsubscribe()
    // undici destroys the aborted request's socket at once; the emulator is still sleeping on it.
    await until(() => activeCount('TCPSocketWrap') < socketsDuring, 10_000, () => `sockets: ${JSON.stringify(activeResources())}`)
    expect(activeCount('Timeout')).toBeLessThanOrEqual(timersBefore)
    expect(await emulator.handlersOpen()).toBe(1)
    await emulator.setFaults([])
    await expect(lastValueFrom(plain.session(session.sessionId).context.info())).resolves.toMatchObject({ success: true })
  })
})
