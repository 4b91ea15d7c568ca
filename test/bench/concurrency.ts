// Benchmark 2: N concurrent syncs on one session, shared polling (one client) vs one poll per
// stream (one client per sync, so nothing can be shared). Each configuration runs in a fresh
// process against one emulator in another process.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { firstValueFrom } from 'rxjs'
import { AgentBay } from '../../src/entries/index.js'
import { startRemoteEmulator, type RemoteEmulator } from '../reliability/remote-emulator.js'
import { fixed, ratio, type Section } from './report.js'

const WORKER = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url))

interface Run {
  readonly ok: number
  readonly wallMs: number
  readonly baselineRssMiB: number
  readonly peakRssMiB: number
  readonly loopP99Ms: number
  readonly loopMaxMs: number
  readonly cpuMs: number
  readonly polls: number
  readonly failures?: unknown
}

function worker(args: string[]): Promise<Omit<Run, 'polls'>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', WORKER, ...args], { maxBuffer: 1 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Run, 'polls'>)
    })
  })
}

async function measure(emulator: RemoteEmulator, sessionId: string, n: number, mode: 'shared' | 'separate'): Promise<Run> {
  await emulator.idle()
  const before = (await emulator.stats()).calls['GetContextInfo'] ?? 0
  const run = await worker([String(n), mode, emulator.endpoint, emulator.apiKey, sessionId])
  await emulator.idle()
  const polls = ((await emulator.stats()).calls['GetContextInfo'] ?? 0) - before
  if (run.ok !== n) console.log(`${mode} N=${n}: ${n - run.ok} syncs did not succeed: ${JSON.stringify(run.failures)}`)
  return { ...run, polls }
}

export async function concurrencyBench(quick: boolean): Promise<Section> {
  const sizes = quick ? [1, 10, 100] : [1, 10, 100, 1000]
  // Tasks of 2 × 250 ms; the emulator runs them concurrently (its file work is serialized per context).
  const emulator = await startRemoteEmulator({ taskDelayMs: 250 })
  const rows: (string | number)[][] = []
  try {
    const setup = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    for (const n of sizes) {
      // A fresh session per N keeps the emulator's task history (and so its answers) the same size for both modes.
      const context = await firstValueFrom(setup.context.create(`concurrency-${n}`))
      const created = await setup.createAsync({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] })
      const sessionId = created.session!.sessionId
      const separate = await measure(emulator, sessionId, n, 'separate')
      const shared = await measure(emulator, sessionId, n, 'shared')
      rows.push([
        n,
        `${shared.ok} / ${separate.ok}`,
        shared.polls,
        separate.polls,
        ratio(shared.polls, separate.polls),
        fixed(shared.peakRssMiB - shared.baselineRssMiB),
        fixed(separate.peakRssMiB - separate.baselineRssMiB),
        fixed(shared.loopP99Ms),
        fixed(separate.loopP99Ms),
        fixed(shared.loopMaxMs),
        fixed(separate.loopMaxMs),
        fixed(shared.cpuMs, 0),
        fixed(separate.cpuMs, 0),
        fixed(shared.wallMs / 1000, 2),
        fixed(separate.wallMs / 1000, 2),
      ])
    }
  } finally {
    await emulator.close()
  }
  return {
    title: '2. N concurrent syncs on one session: shared polling vs one poll per stream',
    description:
      'N `syncAsync({ mode: "upload", retryInterval: 500 })` at once on one session (tasks of 2 × 250 ms). ' +
      '"shared" = one AgentBay client (its polls of the same session and scope are coalesced); ' +
      '"separate" = the baseline, one AgentBay client per sync, so no poll can be shared. ' +
      'Each configuration runs in a fresh Node process (RSS = peak minus the RSS before the syncs started; ' +
      'event-loop delay from `monitorEventLoopDelay`, resolution 5 ms; CPU = process user+system time, including startup); ' +
      'the emulator runs in its own process. Calls = GetContextInfo requests the emulator received, baseline polls included.',
    headers: [
      'N',
      'succeeded shared / separate',
      'calls shared',
      'calls separate',
      'ratio',
      'ΔRSS shared (MiB)',
      'ΔRSS separate (MiB)',
      'loop p99 shared (ms)',
      'loop p99 separate (ms)',
      'loop max shared (ms)',
      'loop max separate (ms)',
      'CPU shared (ms)',
      'CPU separate (ms)',
      'wall shared (s)',
      'wall separate (s)',
    ],
    rows,
    notes: [
      'A sync that does not succeed here timed out: its budget (maxRetries 300) ran out while the emulator, loaded by the polls, was still working through the tasks.',
      'All N tasks run on one mount; the emulator reports the latest task per mount, so every sync waits for the last one.',
    ],
  }
}
