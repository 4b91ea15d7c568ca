// Benchmark 1: requests and completion-detection latency per sync, adaptive schedule (ours, the
// default) vs the reference's fixed 1.5 s interval, on the emulator over HTTP.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstValueFrom } from 'rxjs'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { AgentBay, fixedSchedule, type Session, type SyncOptions } from '../../src/entries/index.js'
import { fixed, mean, median, ratio, type Section } from './report.js'

const MOUNT = '/home/wuying/data'
const OURS: SyncOptions = { mode: 'upload' } // adaptiveSchedule({ retryInterval: 1500 }), the default
const REFERENCE: SyncOptions = { mode: 'upload', schedule: fixedSchedule(1500) }

/** A client that counts its GetContextInfo requests. */
function countingClient(emulator: Emulator): { agentBay: AgentBay; polls: () => number } {
  let polls = 0
  const counting: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (new URL(url).searchParams.get('Action') === 'GetContextInfo') polls += 1
    return fetch(input, init)
  }
  return { agentBay: new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {}, fetch: counting }), polls: () => polls }
}

interface Sample {
  readonly polls: number
  readonly latencyMs: number
}

async function measureDuration(durationMs: number, reps: number): Promise<{ ours: Sample[]; reference: Sample[] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-bench-latency-'))
  // A task is Pending for taskDelayMs, then Running for taskDelayMs.
  const emulator = await startEmulator({ port: 0, dataDir, taskDelayMs: durationMs / 2 })
  try {
    const setup = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    const sessions: Session[] = []
    for (let i = 0; i < 2 * reps; i += 1) {
      const context = await firstValueFrom(setup.context.create(`latency-${durationMs}-${i}`))
      const created = await setup.createAsync({
        contextSync: [{ contextId: context.id, path: MOUNT, policy: { downloadPolicy: { autoDownload: false } } }],
      })
      sessions.push(created.session!)
    }
    await emulator.idle()

    // The emulator records finish times in whole seconds; watch its task table every ms instead.
    const finishedAt = new Map<string, number>()
    const watcher = setInterval(() => {
      for (const task of emulator.tasks()) {
        if ((task.status === 'Success' || task.status === 'Failed') && !finishedAt.has(task.taskId)) finishedAt.set(task.taskId, performance.now())
      }
    }, 1)
    const runOne = async (session: Session, options: SyncOptions): Promise<Sample> => {
      const before = new Set(emulator.tasks({ sessionId: session.sessionId }).map((task) => task.taskId))
      const client = countingClient(emulator)
      const result = await client.agentBay.session(session.sessionId).context.syncAsync(options)
      const doneAt = performance.now()
      if (!result.success) throw new Error(`sync failed: ${result.errorMessage ?? ''}`)
      const task = emulator.tasks({ sessionId: session.sessionId }).find((t) => !before.has(t.taskId) && t.trigger === 'sync')
      const finish = task === undefined ? undefined : finishedAt.get(task.taskId)
      if (finish === undefined) throw new Error('task finish not observed')
      return { polls: client.polls(), latencyMs: doneAt - finish }
    }
    const [ours, reference] = await Promise.all([
      Promise.all(sessions.slice(0, reps).map((session) => runOne(session, OURS))),
      Promise.all(sessions.slice(reps).map((session) => runOne(session, REFERENCE))),
    ])
    clearInterval(watcher)
    return { ours, reference }
  } finally {
    await emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

export async function latencyBench(quick: boolean): Promise<Section> {
  const plan: [number, number][] = [
    [200, quick ? 3 : 10],
    [2000, quick ? 2 : 6],
    [20_000, quick ? 1 : 3],
  ]
  // Durations run side by side (separate emulators, separate sessions): the wall time is the longest one.
  const results = await Promise.all(plan.map(([duration, reps]) => measureDuration(duration, reps)))
  const rows = plan.map(([duration, reps], i) => {
    const { ours, reference } = results[i]!
    const oursPolls = mean(ours.map((s) => s.polls))
    const refPolls = mean(reference.map((s) => s.polls))
    const oursLatency = median(ours.map((s) => s.latencyMs))
    const refLatency = median(reference.map((s) => s.latencyMs))
    return [
      `${duration / 1000} s`,
      reps,
      fixed(oursPolls),
      fixed(refPolls),
      ratio(oursPolls, refPolls),
      fixed(oursLatency, 0),
      fixed(refLatency, 0),
      ratio(oursLatency, refLatency),
    ]
  })
  return {
    title: '1. Requests and completion-detection latency per sync',
    description:
      'One upload sync per session on the emulator over HTTP; the task lasts the given time (taskDelayMs = duration / 2). ' +
      'Ours = the default `adaptiveSchedule({ retryInterval: 1500 })`; reference = `fixedSchedule(1500)` (protocol §5.2). ' +
      'Requests = GetContextInfo calls per sync, including the pre-trigger baseline poll (mean). ' +
      'Latency = from the moment the emulator marked the task finished (its task table watched every 1 ms) to `syncAsync` resolving (median).',
    headers: ['sync length', 'runs', 'requests ours', 'requests ref', 'ratio', 'latency ours (ms)', 'latency ref (ms)', 'ratio'],
    rows,
  }
}
