// Every fault kind of the emulator, against info, sync and their Promise adapters, over real HTTP
// (issue 6). The outcome is a correct result after bounded retries or a typed error; never a
// success the emulator did not produce, never an unhandled rejection, never a hang.
import { lastValueFrom } from 'rxjs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EmulatorTaskRecord, FaultRule } from '../../src/emulator/index.js'
import { isAgentBayError, type ContextStatusData, type Session, type SyncOptions } from '../../src/entries/index.js'
import {
  GENEROUS_SYNC,
  LATENCY_MS,
  SHORT_TIMEOUT_MS,
  SYNC,
  TIMEOUT_MS,
  busySockets,
  checkSyncVerdict,
  createClient,
  flushMicrotasks,
  infoDeadlineMs,
  keyLeaks,
  newSyncTasks,
  observeSync,
  rejectionRecorder,
  sessionWithMount,
  startHarness,
  syncDeadlineMs,
  syncVerdict,
  taskIds,
  until,
  withDeadline,
  type Harness,
  type TestClient,
  type Verdict,
} from './helpers.js'

// ---- the matrix ------------------------------------------------------------------------------------

interface FaultCase {
  readonly label: string
  readonly rule: Omit<FaultRule, 'action' | 'times' | 'rate'>
  /** The error class a call ends with when the fault persists (or is not retried). */
  readonly error: string
  /** Retried by the SDK for read actions (network, timeout, 5xx, throttling). */
  readonly transient: boolean
}

const FAULTS: readonly FaultCase[] = [
  { label: '500', rule: { kind: '500' }, error: 'HttpError', transient: true },
  { label: '503', rule: { kind: '503' }, error: 'HttpError', transient: true },
  // Retry-After 0 keeps the matrix fast; the wait itself is checked in its own test below.
  { label: 'throttle', rule: { kind: 'throttle', retryAfterSeconds: 0 }, error: 'ThrottlingError', transient: true },
  { label: 'reset', rule: { kind: 'reset' }, error: 'NetworkError', transient: true },
  { label: 'latency', rule: { kind: 'latency', latencyMs: LATENCY_MS }, error: 'RequestTimeoutError', transient: true },
  { label: 'truncated', rule: { kind: 'truncated' }, error: 'DecodeError', transient: false },
  { label: 'malformedJson', rule: { kind: 'malformedJson' }, error: 'DecodeError', transient: false },
  { label: 'wrongTypes', rule: { kind: 'wrongTypes' }, error: 'DecodeError', transient: false },
  { label: 'malformedContextStatus layer 1', rule: { kind: 'malformedContextStatus', layer: 1 }, error: 'DecodeError', transient: false },
  { label: 'malformedContextStatus layer 2', rule: { kind: 'malformedContextStatus', layer: 2 }, error: 'DecodeError', transient: false },
  { label: 'malformedContextStatus layer 3', rule: { kind: 'malformedContextStatus', layer: 3 }, error: 'DecodeError', transient: false },
  { label: 'successFalse', rule: { kind: 'successFalse', code: 'InternalError' }, error: 'ApiError', transient: false },
  { label: 'successFalseNoCode', rule: { kind: 'successFalseNoCode' }, error: 'ApiError', transient: false },
]

type Mode = 'once' | 'always'
/** `trigger`: SyncContext fails; `poll`: GetContextInfo fails from the first poll after the trigger on. */
type Target = 'GetContextInfo' | 'trigger' | 'poll'
type Op = 'info' | 'infoAsync' | 'sync' | 'syncAsync'

const INFO_CASES: [Op, Target][] = [
  ['info', 'GetContextInfo'],
  ['infoAsync', 'GetContextInfo'],
]
const SYNC_CASES: [Op, Target][] = [
  ['sync', 'trigger'],
  ['syncAsync', 'trigger'],
  ['sync', 'poll'],
  ['syncAsync', 'poll'],
]

/**
 * The sync of the 'always' mode: every poll fails, so it ends when its polls are spent, with the
 * last poll's error. Two polls, and a deadline (2 × 10 s) that never comes first: under the
 * latency fault one poll is 3 attempts × SHORT_TIMEOUT_MS, and a deadline passing before any poll
 * had failed would end the sync unconfirmed instead of with RequestTimeoutError.
 */
const ALWAYS_FAILING_SYNC: SyncOptions = { ...SYNC, maxRetries: 2, retryInterval: 10_000 }

/** What a correct SDK must end with: recovery only when the fault is transient, hits a read action, and fires once. */
const expectsRecovery = (fault: FaultCase, target: Target, mode: Mode): boolean => fault.transient && mode === 'once' && target !== 'trigger'

// ---- harness -------------------------------------------------------------------------------------

let harness: Harness
let client: TestClient
let slowClient: TestClient // short timeoutMs, for the latency fault
let session: Session
const rejections = rejectionRecorder()

beforeAll(async () => {
  rejections.start()
  harness = await startHarness()
  client = createClient(harness.emulator)
  slowClient = createClient(harness.emulator, { timeoutMs: SHORT_TIMEOUT_MS })
  ;({ session } = await sessionWithMount(client.agentBay, 'faults'))
})

afterEach(async () => {
  await flushMicrotasks()
  expect(rejections.seen).toEqual([])
})

afterAll(async () => {
  rejections.stop()
  client?.destroy()
  slowClient?.destroy()
  await harness?.close()
})

/** The tasks GetContextInfo should show for the session now: the latest per mount and direction. */
function truth(records: readonly EmulatorTaskRecord[]): ContextStatusData[] {
  const latest = new Map<string, EmulatorTaskRecord>()
  for (const record of records) latest.set(`${record.contextId}\n${record.path}\n${record.taskType}`, record)
  return [...latest.values()].map(({ contextId, path, taskType, status, errorMessage, startTime, finishTime }) => ({
    contextId,
    path,
    taskType,
    status,
    errorMessage,
    startTime,
    finishTime,
  }))
}

const sortTasks = (tasks: readonly ContextStatusData[]) => [...tasks].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

async function run(op: Op, target: Target, fault: FaultCase, mode: Mode) {
  const { emulator } = harness
  await harness.quiesce()
  emulator.setFaults([])
  const who = fault.rule.kind === 'latency' ? slowClient : client
  const handle = who.agentBay.session(session.sessionId)
  const timeoutMs = fault.rule.kind === 'latency' ? SHORT_TIMEOUT_MS : TIMEOUT_MS
  const rule: FaultRule = {
    ...fault.rule,
    action: target === 'trigger' ? 'SyncContext' : 'GetContextInfo',
    ...(mode === 'once' ? { times: 1 } : { rate: 1 }),
  }
  const before = taskIds(emulator, session.sessionId)
  if (target === 'poll') {
    who.onResponse = (action) => {
      if (action === 'SyncContext') emulator.setFaults([rule])
    }
  } else {
    emulator.setFaults([rule])
  }

  let verdict: Verdict
  let infoData: readonly ContextStatusData[] | undefined
  const isInfo = op === 'info' || op === 'infoAsync'
  // A sync that must recover gets a budget no loaded machine exhausts. One that must fail ends on its
  // poll count (ALWAYS_FAILING_SYNC), so it ends with the fault's error, not as timed out.
  const options: SyncOptions = mode === 'once' ? GENEROUS_SYNC : ALWAYS_FAILING_SYNC
  const deadline = isInfo ? infoDeadlineMs(timeoutMs) : syncDeadlineMs(timeoutMs, options)
  const outcome = await withDeadline(deadline, async (signal): Promise<Verdict> => {
    switch (op) {
      case 'info':
        try {
          const result = await lastValueFrom(handle.context.info())
          infoData = result.contextStatusData
          return { kind: 'success', tasks: result.contextStatusData }
        } catch (error) {
          return { kind: 'error', error }
        }
      case 'infoAsync': {
        const result = await handle.context.infoAsync({}, { signal })
        if (result.success) infoData = result.contextStatusData
        return result.success ? { kind: 'success', tasks: result.contextStatusData } : { kind: 'error', error: result.error }
      }
      case 'sync':
        return observeSync(handle.context.sync(options), signal)
      case 'syncAsync':
        return syncVerdict(await handle.context.syncAsync({ ...options, signal }))
    }
  })
  verdict = outcome.hung ? { kind: 'hung' } : outcome.value!
  who.onResponse = undefined
  emulator.setFaults([])
  await harness.quiesce()
  return { verdict, infoData, elapsedMs: outcome.elapsedMs, deadline, who, created: newSyncTasks(emulator, session.sessionId, before) }
}

const errorOf = (verdict: Verdict): unknown =>
  verdict.kind === 'error' ? verdict.error : verdict.kind === 'failure' ? verdict.error : undefined

describe.each(FAULTS)('fault $label', (fault) => {
  const modes: Mode[] = ['once', 'always']
  const cases = fault.rule.kind === 'malformedContextStatus' ? [...INFO_CASES, ...SYNC_CASES.filter(([, t]) => t === 'poll')] : [...INFO_CASES, ...SYNC_CASES]
  const matrix = cases.flatMap(([op, target]) => modes.map((mode) => [op, target, mode] as const))

  it.each(matrix)('%s with the fault on %s (%s): honest outcome, typed error or recovery, in time', async (op, target, mode) => {
    const { verdict, infoData, elapsedMs, deadline, who, created } = await run(op, target, fault, mode)

    expect(verdict.kind, 'never hangs').not.toBe('hung')
    expect(elapsedMs).toBeLessThan(deadline)
    if (op === 'info' || op === 'infoAsync') {
      if (verdict.kind === 'success') expect(sortTasks(infoData ?? [])).toEqual(sortTasks(truth(harness.emulator.tasks({ sessionId: session.sessionId }))))
      else expect(isAgentBayError(errorOf(verdict)), String(errorOf(verdict))).toBe(true)
    } else {
      expect(checkSyncVerdict(verdict, created)).toEqual([])
    }

    if (expectsRecovery(fault, target, mode)) {
      expect(verdict.kind, JSON.stringify(verdict)).toBe('success')
    } else {
      const error = errorOf(verdict)
      expect(error, `expected ${fault.error}, got ${JSON.stringify(verdict)}`).toBeDefined()
      expect((error as Error).name).toBe(fault.error)
    }

    // The key appears in no outcome and no log line; the client holds no request open afterwards.
    expect(keyLeaks(harness.emulator.apiKey, verdict, errorOf(verdict), ...who.logger.lines, ...harness.logLines)).toEqual([])
    await until(() => busySockets(who.agent) === 0, 10_000, () => `client still has ${busySockets(who.agent)} request(s) open`)
  })
})

describe('throttling', () => {
  it('waits at least Retry-After before retrying a throttled read, then succeeds', async () => {
    await harness.quiesce()
    harness.emulator.setFaults([{ action: 'GetContextInfo', kind: 'throttle', retryAfterSeconds: 1, times: 1 }])
    const started = performance.now()
    const result = await client.agentBay.session(session.sessionId).context.infoAsync()
    const elapsed = performance.now() - started
    harness.emulator.setFaults([])
    expect(result.success).toBe(true)
    expect(elapsed).toBeGreaterThanOrEqual(990)
    expect(elapsed).toBeLessThan(infoDeadlineMs(TIMEOUT_MS, 1000))
    expect(harness.emulator.stats().faults.throttle).toBeGreaterThanOrEqual(1)
  })

  it('gives up with a ThrottlingError carrying retryAfterMs when throttling persists', async () => {
    await harness.quiesce()
    harness.emulator.setFaults([{ action: 'GetContextInfo', kind: 'throttle', retryAfterSeconds: 0 }])
    const result = await client.agentBay.session(session.sessionId).context.infoAsync()
    harness.emulator.setFaults([])
    expect(result.success).toBe(false)
    expect(result.error).toMatchObject({ name: 'ThrottlingError', kind: 'throttling', httpStatus: 429, retryAfterMs: 0 })
  })
})
