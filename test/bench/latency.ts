// Benchmark: requests and completion-detection latency per sync, ours (the default schedule) vs the
// official SDK's behaviour (official-reference.ts), on the emulator over HTTP, in the same run.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstValueFrom } from 'rxjs'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { AgentBay } from '../../src/entries/index.js'
import { loadBuiltReference, loadBuiltSdk, type Reference, type Sdk } from './built-sdk.js'
import { fixed, median, ratio, type Section } from './report.js'

const MOUNT = '/home/wuying/data'
/** Syncs up to this long run one at a time (per side); longer ones all at once. */
const SEQUENTIAL_UP_TO_MS = 2_000

interface Sample {
  readonly latencyMs: number
}

interface Side {
  readonly samples: Sample[]
  /** GetContextInfo + SyncContext per sync (mean). */
  readonly requests: number
}

/** An emulator whose sync tasks last `lengthMs` (Pending, then Running, half each), with sessions mounting one context each. */
async function emulatorWithSessions(lengthMs: number, count: number): Promise<{ emulator: Emulator; dataDir: string; mounts: { sessionId: string; contextId: string }[] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-bench-latency-'))
  const emulator = await startEmulator({ port: 0, dataDir, taskDelayMs: lengthMs / 2 })
  const setup = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
  const mounts: { sessionId: string; contextId: string }[] = []
  for (let i = 0; i < count; i += 1) {
    const context = await firstValueFrom(setup.context.create(`latency-${lengthMs}-${i}`))
    const created = await setup.createAsync({ contextSync: [{ contextId: context.id, path: MOUNT, policy: { downloadPolicy: { autoDownload: false } } }] })
    mounts.push({ sessionId: created.session!.sessionId, contextId: context.id })
  }
  await emulator.idle()
  return { emulator, dataDir, mounts }
}

const requestsSoFar = (emulator: Emulator): number => {
  const { calls } = emulator.stats()
  return (calls['GetContextInfo'] ?? 0) + (calls['SyncContext'] ?? 0)
}

/**
 * `reps` syncs of one context each, at once, on their own sessions: with `sync`, against its own
 * emulator (so its requests can be counted there). Latency = from the moment the emulator marked
 * the task finished (its task table watched every 1 ms) to the sync resolving.
 */
async function measureSide(lengthMs: number, reps: number, sync: (endpoint: string, apiKey: string, sessionId: string, contextId: string) => Promise<boolean>): Promise<Side> {
  const { emulator, dataDir, mounts } = await emulatorWithSessions(lengthMs, reps)
  const finishedAt = new Map<string, number>()
  const watcher = setInterval(() => {
    for (const task of emulator.tasks()) {
      if ((task.status === 'Success' || task.status === 'Failed') && !finishedAt.has(task.taskId)) finishedAt.set(task.taskId, performance.now())
    }
  }, 1)
  try {
    const before = requestsSoFar(emulator)
    const one = async ({ sessionId, contextId }: { sessionId: string; contextId: string }): Promise<Sample> => {
      const known = new Set(emulator.tasks({ sessionId }).map((task) => task.taskId))
      const success = await sync(emulator.endpoint, emulator.apiKey, sessionId, contextId)
      const doneAt = performance.now()
      if (!success) throw new Error(`a ${lengthMs} ms sync did not succeed`)
      const task = emulator.tasks({ sessionId }).find((t) => !known.has(t.taskId) && t.trigger === 'sync')
      const finish = task === undefined ? undefined : finishedAt.get(task.taskId)
      if (finish === undefined) throw new Error('task finish not observed')
      return { latencyMs: doneAt - finish }
    }
    // Short syncs one after another: ten tasks at once on a loaded machine stretch a 0.2 s task to 0.4 s.
    const samples: Sample[] = []
    if (lengthMs <= SEQUENTIAL_UP_TO_MS) for (const mount of mounts) samples.push(await one(mount))
    else samples.push(...(await Promise.all(mounts.map(one))))
    return { samples, requests: (requestsSoFar(emulator) - before) / reps }
  } finally {
    clearInterval(watcher)
    await emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Both measured sides compiled (built-sdk.ts); the emulators and their setup run from source alike. */
let compiledSides: Promise<[Sdk, Reference]> | undefined
const sides = (): Promise<[Sdk, Reference]> => (compiledSides ??= Promise.all([loadBuiltSdk(), loadBuiltReference()]))

/** Ours: the default `syncAsync` of one context (no GetSession needed: the scope is named). */
const oursSync = async (endpoint: string, apiKey: string, sessionId: string, contextId: string): Promise<boolean> => {
  const [{ AgentBay: BuiltAgentBay }] = await sides()
  const agentBay = new BuiltAgentBay({ apiKey, endpoint, env: {} })
  return (await agentBay.session(sessionId).context.syncAsync({ contextId, path: MOUNT, mode: 'upload' })).success
}

/** The official behaviour, same scope. */
const referenceSync = async (endpoint: string, apiKey: string, sessionId: string, contextId: string): Promise<boolean> => {
  const [, { OfficialReference }] = await sides()
  return new OfficialReference(endpoint, apiKey).sync(sessionId, { contextId, path: MOUNT, mode: 'upload' })
}

/** The sync lengths of issue 13 goal 2, and how many syncs of each per side. */
export const latencyPlan = (quick: boolean): [lengthMs: number, reps: number][] => [
  [200, quick ? 3 : 10],
  [2_000, quick ? 2 : 6],
  [20_000, quick ? 3 : 8],
  [60_000, quick ? 3 : 8],
]

export async function latencyBench(quick: boolean): Promise<Section> {
  const plan = latencyPlan(quick)
  // Every length and both sides run side by side (each side on its own emulator): the wall time is the longest sync.
  const results = await Promise.all(plan.map(([length, reps]) => Promise.all([measureSide(length, reps, oursSync), measureSide(length, reps, referenceSync)])))
  const rows = plan.map(([length, reps], i) => {
    const [ours, reference] = results[i]!
    const oursLatency = median(ours.samples.map((s) => s.latencyMs))
    const refLatency = median(reference.samples.map((s) => s.latencyMs))
    return [
      `${length / 1000} s`,
      reps,
      fixed(ours.requests),
      fixed(reference.requests),
      ratio(ours.requests, reference.requests),
      `${ours.requests - reference.requests >= 0 ? '+' : ''}${fixed(ours.requests - reference.requests)}`,
      fixed(oursLatency, 0),
      fixed(refLatency, 0),
      ratio(oursLatency, refLatency),
    ]
  })
  return {
    title: '1. Requests and completion-detection latency per sync',
    description:
      'One upload sync of one context per session, on the emulator over HTTP; the task lasts the given time (Pending then Running, half each). ' +
      'Ours = `syncAsync({ contextId, path, mode: "upload" })` of the built package (dist/) with the default schedule; reference = the official SDK\'s behaviour (test/bench/official-reference.ts: ' +
      'SyncContext, then GetContextInfo at once and a fixed 1500 ms sleep after every poll that is not final, through @alicloud/openapi-core). ' +
      'Each side runs against its own in-process emulator, both sides and all rows at once; within a row, syncs of up to 2 s run one after another, longer ones at once. ' +
      'Requests = GetContextInfo + SyncContext per sync (mean; ours includes the stale-task snapshot before the trigger). ' +
      'Latency = from the moment the emulator marked the task finished (its task table watched every 1 ms) to the sync resolving (median).',
    headers: ['sync length', 'syncs', 'requests ours', 'requests ref', 'ratio', 'difference', 'latency ours (ms)', 'latency ref (ms)', 'ratio'],
    rows,
    notes: ['Goals (issue 13): latency ≤ the reference at every length and ≤ 0.15× at 0.2 s and 2 s; requests ≤ the reference + 2.'],
  }
}
