// Soak (issue 6): SOAK_SYNCS syncs (default 1000) with ~10% injected faults, seeded, run with
// bounded concurrency. Every outcome is checked against what the emulator actually did.
// `npm run soak` runs a longer one (SOAK_SYNCS=10000).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmulatorStats, FaultKind, FaultRule } from '../../src/emulator/index.js'
import { adaptiveSchedule, type Session, type SyncOptions } from '../../src/entries/index.js'
import {
  checkSyncVerdict,
  createClient,
  flushMicrotasks,
  keyLeaks,
  RETRY,
  tasksOfSync,
  rejectionRecorder,
  sessionWithMount,
  startHarness,
  syncVerdict,
  taskIds,
  until,
  withDeadline,
  type Harness,
  type TestClient,
  type Verdict,
} from './helpers.js'

const SYNCS = Number(process.env['SOAK_SYNCS'] ?? 1000)
const CONCURRENCY = Number(process.env['SOAK_CONCURRENCY'] ?? 25)
const SEED = Number(process.env['SOAK_SEED'] ?? 42)
// Load must not decide outcomes: a request times out only under the fault built for it (latency past
// TIMEOUT_MS), and the sync budget never ends a sync first. The budget is a wall-clock deadline that
// includes requests in flight (issue 9): 600 × 100 ms = 60 s, room for a poll or two lost to that
// fault (TIMEOUT_MS each) on a loaded box; 600 polls from 50 ms (at most 100 ms apart) last as long.
const TIMEOUT_MS = 10_000
const SOAK_SYNC: SyncOptions = { mode: 'upload', retryInterval: 100, schedule: adaptiveSchedule({ retryInterval: 50 }), maxRetries: 600, noTaskGraceMs: 300 }
/** A sync still pending this long is reported hung: twice the deadline. */
const HUNG_MS = 120_000
/** Read faults the transport retries; a sync fails on them only when every attempt of one poll hits one. */
const TRANSIENT: readonly FaultKind[] = ['500', '503', 'throttle', 'reset', 'latency']

/** ≈10% of calls fail, across both actions and every fault family. */
const RULES: FaultRule[] = [
  { action: 'GetContextInfo', kind: '500', rate: 0.02 },
  { action: 'GetContextInfo', kind: '503', rate: 0.01 },
  { action: 'GetContextInfo', kind: 'throttle', rate: 0.01, retryAfterSeconds: 0 },
  { action: 'GetContextInfo', kind: 'reset', rate: 0.01 },
  { action: 'GetContextInfo', kind: 'latency', rate: 0.02, latencyMs: 30 },
  { action: 'GetContextInfo', kind: 'latency', rate: 0.003, latencyMs: TIMEOUT_MS + 200 },
  { action: 'GetContextInfo', kind: 'truncated', rate: 0.004 },
  { action: 'GetContextInfo', kind: 'malformedContextStatus', rate: 0.003, layer: 2 },
  { action: 'GetContextInfo', kind: 'successFalse', rate: 0.003 },
  { action: 'SyncContext', kind: '500', rate: 0.01 },
  { action: 'SyncContext', kind: 'successFalse', rate: 0.01 },
  { action: 'SyncContext', kind: 'successFalseNoCode', rate: 0.005 },
  { action: 'SyncContext', kind: 'reset', rate: 0.005 },
  { action: 'SyncContext', kind: 'truncated', rate: 0.005 },
  { action: 'SyncContext', kind: '503', rate: 0.005, when: 'after' },
]

let harness: Harness
let client: TestClient
let sessions: Session[]
const rejections = rejectionRecorder()

beforeAll(async () => {
  rejections.start()
  harness = await startHarness({ taskDelayMs: 10 })
  client = createClient(harness.emulator, { timeoutMs: TIMEOUT_MS })
  // One session and context per worker: a sync's task is then the only new task on its mount.
  sessions = []
  for (let i = 0; i < CONCURRENCY; i += 1) sessions.push((await sessionWithMount(client.agentBay, `soak-${i}`)).session)
  await harness.quiesce()
})

afterAll(async () => {
  rejections.stop()
  client?.destroy()
  await harness?.close()
})

describe('soak', () => {
  it(`${SYNCS} syncs with ~10% injected faults: every outcome matches what the emulator did`, async () => {
    const { emulator } = harness
    const statsBefore = emulator.stats()
    const logBefore = client.logger.lines.length
    emulator.setFaults({ rules: RULES, seed: SEED })
    const outcomes = new Map<string, number>()
    const problems: string[] = []
    let next = 0
    let slowest = 0
    const started = performance.now()

    const worker = async (session: Session): Promise<void> => {
      for (let index = next++; index < SYNCS; index = next++) {
        const before = taskIds(emulator, session.sessionId)
        const run = await withDeadline(HUNG_MS, (signal) => session.context.syncAsync({ ...SOAK_SYNC, signal }))
        slowest = Math.max(slowest, run.elapsedMs)
        const verdict: Verdict = run.hung ? { kind: 'hung' } : syncVerdict(run.value!)
        const created = tasksOfSync(emulator, session.sessionId, run.value?.requestId, before)
        // A success must already be final on the emulator; other tasks may still be finishing.
        for (const problem of checkSyncVerdict(verdict, created)) problems.push(`sync ${index}: ${problem}`)
        for (const leak of keyLeaks(emulator.apiKey, run.value)) problems.push(`sync ${index}: key leaked: ${leak}`)
        const label =
          verdict.kind === 'success' ? 'success' :
          verdict.kind === 'hung' ? 'hung' :
          verdict.kind === 'failure' && verdict.error !== undefined ? `error: ${(verdict.error as Error).name}` :
          verdict.kind === 'failure' && verdict.timedOut ? 'timed out' : 'task Failed'
        outcomes.set(label, (outcomes.get(label) ?? 0) + 1)
        // Do not let a task from a failed trigger overlap the next sync on this mount.
        await until(() => emulator.tasks({ sessionId: session.sessionId }).every((t) => t.status === 'Success' || t.status === 'Failed'), 60_000, () => 'task never ended')
      }
    }
    await Promise.all(sessions.map(worker))
    const elapsedS = (performance.now() - started) / 1000
    emulator.setFaults([])
    await harness.quiesce()
    await flushMicrotasks()

    const stats = emulator.stats()
    const delta = (action: string) => (stats.calls[action] ?? 0) - (statsBefore.calls[action] ?? 0)
    const retries = client.logger.lines.slice(logBefore).filter((line) => line.includes('transient failure, retry')).length
    const faults = Object.entries(stats.faults).map(([kind, n]) => `${kind} ${n - (statsBefore.faults[kind as keyof typeof stats.faults] ?? 0)}`)
    const rows: [string, string | number][] = [
      ['syncs', SYNCS],
      ['concurrency', CONCURRENCY],
      ['seed', SEED],
      ['wall time (s)', elapsedS.toFixed(1)],
      ['slowest sync (ms)', Math.round(slowest)],
      ['SyncContext calls', delta('SyncContext')],
      ['GetContextInfo calls', delta('GetContextInfo')],
      ['GetContextInfo per sync', (delta('GetContextInfo') / SYNCS).toFixed(2)],
      ['transport retries', retries],
      ['faults injected', faults.join(', ')],
      ...[...outcomes.entries()].sort().map(([label, n]): [string, number] => [`outcome: ${label}`, n]),
    ]
    console.log(`\nsoak results\n${rows.map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join('\n')}\n`)

    expect(problems).toEqual([])
    expect(rejections.seen).toEqual([])
    expect(outcomes.get('hung') ?? 0).toBe(0)
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(SYNCS)
    // Syncs recover from faults on reads (retried); only a fault can end one without success. Each
    // session has its own syncs and polls, so every failed sync used up at least one fault of its own:
    // any trigger fault, an undecodable or refused read, or a transient read fault on every attempt.
    const failed = SYNCS - (outcomes.get('success') ?? 0)
    const budget = faultsThatCanFailASync(statsBefore, stats)
    console.log(`  non-success ${failed} ≤ faults that can cause one ${budget}`)
    expect(failed).toBeLessThanOrEqual(budget)
    expect(keyLeaks(emulator.apiKey, ...client.logger.lines, ...harness.logLines)).toEqual([])
  }, Math.max(600_000, SYNCS * 200))
})

/** How many syncs the faults injected between two stats snapshots can fail at most (see the soak's last check). */
function faultsThatCanFailASync(before: EmulatorStats, after: EmulatorStats): number {
  const injected = (action: string, kind: FaultKind): number =>
    (after.faultsByAction[action]?.[kind] ?? 0) - (before.faultsByAction[action]?.[kind] ?? 0)
  const kinds = (action: string) => new Set([...RULES.filter((rule) => rule.action === action).map((rule) => rule.kind)])
  let trigger = 0
  for (const kind of kinds('SyncContext')) trigger += injected('SyncContext', kind)
  let fatalReads = 0
  let transientReads = 0
  for (const kind of kinds('GetContextInfo')) {
    if (TRANSIENT.includes(kind)) transientReads += injected('GetContextInfo', kind)
    else fatalReads += injected('GetContextInfo', kind)
  }
  return trigger + fatalReads + Math.floor(transientReads / RETRY.attempts)
}
