// Benchmark: N concurrent syncs on one session and one client, ours (polls shared within the
// client) vs the official behaviour (N independent loops on one client, official-reference.ts).
// Each side runs in a fresh process against one emulator in another process.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { firstValueFrom } from 'rxjs'
import { AgentBay } from '../../src/entries/index.js'
import { startRemoteEmulator, type RemoteEmulator } from '../reliability/remote-emulator.js'
import { fixed, ratio, type Section } from './report.js'

const WORKER = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url))
const MOUNT = '/home/wuying/data'

export interface Run {
  readonly ok: number
  readonly wallMs: number
  /** RSS growth after one full GC at each end (the plain figure). */
  readonly rssGrowthKiB: number
  /** RSS growth after full GCs repeated until the heap stopped shrinking, at each end. */
  readonly settledRssGrowthKiB: number
  /** Live JS heap growth (heapUsed, settled). */
  readonly heapGrowthKiB: number
  /** Growth of V8's committed young generation (settled). */
  readonly youngGenerationGrowthKiB: number
  readonly loopP99Ms: number
  readonly cpuMs: number
  /** The worker's GetContextInfo calls before its baseline (not part of the N syncs). */
  readonly warmUpPolls: number
  /** GetContextInfo requests the emulator received for the N syncs. */
  readonly polls: number
}

function worker(args: string[]): Promise<Omit<Run, 'polls'>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', WORKER, ...args], { maxBuffer: 1 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Run, 'polls'>)
    })
  })
}

async function measure(emulator: RemoteEmulator, setup: AgentBay, n: number, side: 'ours' | 'reference'): Promise<Run> {
  // A fresh session and context per run: both sides see the same task history size.
  const context = await firstValueFrom(setup.context.create(`concurrency-${side}-${n}`))
  const created = await setup.createAsync({ contextSync: [{ contextId: context.id, path: MOUNT, policy: { downloadPolicy: { autoDownload: false } } }] })
  await emulator.idle()
  const before = (await emulator.stats()).calls['GetContextInfo'] ?? 0
  const run = await worker([String(n), side, emulator.endpoint, emulator.apiKey, created.session!.sessionId, context.id, MOUNT])
  await emulator.idle()
  const polls = ((await emulator.stats()).calls['GetContextInfo'] ?? 0) - before - run.warmUpPolls
  if (run.ok !== n) console.log(`${side} N=${n}: ${n - run.ok} syncs did not succeed`)
  return { ...run, polls }
}

/** Goal 3's N for GetContextInfo calls and wall time against the reference. */
export const CALLS_GOAL_N = 100
/** Goal 3's N at which every sync must succeed, and goal 4's N for RSS per sync (ours alone). */
export const MEMORY_GOAL_N = 1000

/**
 * N of each run, and whether the reference runs too (not at MEMORY_GOAL_N: a thousand official loops
 * take minutes, and the goals there are ours alone). Every plan measures both goals' N.
 */
export const concurrencyPlan = (quick: boolean): [n: number, withReference: boolean][] =>
  quick ? [[CALLS_GOAL_N, true], [MEMORY_GOAL_N, false]] : [[10, true], [CALLS_GOAL_N, true], [MEMORY_GOAL_N, false]]

/** Goal 4: RSS growth per concurrent sync at MEMORY_GOAL_N. */
const RSS_GOAL_KIB = 50

/** The section's goal notes, from our runs by N: goal 4's line names the N of the run it reports, and is left out when no run measured MEMORY_GOAL_N. */
export function goalNotes(ours: ReadonlyMap<number, Run>): string[] {
  const atGoal = ours.get(MEMORY_GOAL_N)
  const perSync = (kib: number): number => kib / MEMORY_GOAL_N
  const verdict = (kib: number): string => (perSync(kib) <= RSS_GOAL_KIB ? 'met' : 'NOT met')
  return [
    `Goals (issue 13): at N = ${CALLS_GOAL_N} GetContextInfo calls ≤ 0.1× the reference and wall time ≤ the reference; at N = ${MEMORY_GOAL_N} every sync succeeds and RSS per sync ≤ ${RSS_GOAL_KIB} KiB.`,
    ...(atGoal === undefined
      ? []
      : [
          `goal 4 at N = ${MEMORY_GOAL_N}: RSS per sync ${fixed(perSync(atGoal.rssGrowthKiB))} KiB plain — ${verdict(atGoal.rssGrowthKiB)}; ` +
            `${fixed(perSync(atGoal.settledRssGrowthKiB))} KiB settled — ${verdict(atGoal.settledRssGrowthKiB)} ` +
            '(the issue names RSS growth; settled takes both ends after repeated full GCs, plain after one)',
        ]),
  ]
}

export async function concurrencyBench(quick: boolean): Promise<Section> {
  // Tasks of 2 × 250 ms; the emulator runs them concurrently (its file work is serialized per context).
  const emulator = await startRemoteEmulator({ taskDelayMs: 250 })
  const rows: (string | number)[][] = []
  const oursByN = new Map<number, Run>()
  try {
    const setup = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    for (const [n, withReference] of concurrencyPlan(quick)) {
      const reference = withReference ? await measure(emulator, setup, n, 'reference') : undefined
      const ours = await measure(emulator, setup, n, 'ours')
      oursByN.set(n, ours)
      const both = (pick: (run: Run) => number, digits = 1) => [fixed(pick(ours), digits), reference === undefined ? '—' : fixed(pick(reference), digits)]
      rows.push([
        n,
        `${ours.ok} / ${reference?.ok ?? '—'}`,
        ours.polls,
        reference?.polls ?? '—',
        reference === undefined ? '—' : ratio(ours.polls, reference.polls),
        ...both((run) => run.wallMs / 1000, 2),
        reference === undefined ? '—' : ratio(ours.wallMs, reference.wallMs),
        ...both((run) => run.rssGrowthKiB / n),
        reference === undefined ? '—' : ratio(ours.rssGrowthKiB, reference.rssGrowthKiB),
        ...both((run) => run.settledRssGrowthKiB / n),
        reference === undefined ? '—' : ratio(ours.settledRssGrowthKiB, reference.settledRssGrowthKiB),
        both((run) => run.heapGrowthKiB / n).join(' / '),
        both((run) => run.youngGenerationGrowthKiB / n).join(' / '),
        ...both((run) => run.loopP99Ms),
        ...both((run) => run.cpuMs, 0),
      ])
    }
  } finally {
    await emulator.close()
  }
  return {
    title: '2. N concurrent syncs on one session and one client',
    description:
      'N syncs of one context (upload, tasks of 2 × 250 ms, all on one mount) started at once on one session and one client. ' +
      'Ours = `syncAsync({ contextId, path, mode: "upload" })` of the built package (dist/), default options (polls of one session and scope shared within the client); ' +
      'reference = the official behaviour (test/bench/official-reference.ts, compiled by esbuild like a shipped SDK: test/bench/built-sdk.ts): N independent loops on one official client. ' +
      'Each side runs in a fresh Node process (`--expose-gc`); the emulator in its own; the reference runs first. ' +
      'Calls = GetContextInfo requests the emulator received (ours: stale-task snapshots included). ' +
      'RSS per sync = (RSS after a full GC once all N syncs were triggered, all alive and waiting − RSS after a full GC before they started, each process having made one GetContextInfo call before that baseline so that what loads at the first request is not counted) / N. ' +
      'Settled = the same, each end taken after full GCs repeated until the heap stops shrinking: one GC leaves the old-space pages it emptied committed until a later GC releases them, so after the burst of N triggers the plain figure also counts free heap pages. ' +
      'Of the settled growth, per sync: the live JS heap (heapUsed) and V8\'s committed young generation (new space), which a burst of allocations enlarges once for the process, whatever the client. ' +
      'Event-loop delay from `monitorEventLoopDelay` (resolution 5 ms); CPU = process user + system time during the syncs, less the CPU of the memory measurement taken once all were triggered (its full GCs: tens of ms, more on the side with the larger heap); wall time includes that pause.',
    headers: [
      'N',
      'succeeded ours / ref',
      'GetContextInfo ours',
      'GetContextInfo ref',
      'ratio',
      'wall ours (s)',
      'wall ref (s)',
      'ratio',
      'RSS per sync ours (KiB)',
      'RSS per sync ref (KiB)',
      'ratio',
      'RSS per sync settled ours (KiB)',
      'RSS per sync settled ref (KiB)',
      'ratio',
      'of which live heap ours / ref (KiB)',
      'of which young generation ours / ref (KiB)',
      'loop p99 ours (ms)',
      'loop p99 ref (ms)',
      'CPU ours (ms)',
      'CPU ref (ms)',
    ],
    rows,
    notes: [
      ...goalNotes(oursByN),
      'All N tasks run on one mount; the emulator reports the latest task per mount, so every sync waits for the last one.',
    ],
  }
}
