// Child of the concurrency benchmark: N concurrent syncs of one context on one session, on ONE
// client — ours (`syncAsync`, default schedule) or the reference (the official behaviour: N
// independent loops, official-reference.ts) — in a fresh process, printing one JSON line.
// Run with --expose-gc: memory is the RSS once every sync was triggered (all N alive, waiting),
// minus the RSS before they started, each taken twice: after one full GC (plain), and settled —
// after full GCs repeated until the heap stops shrinking. One GC leaves the old-space pages it
// emptied committed (V8 releases them at a later GC), so after a burst the plain figure counts
// free heap pages, not memory the syncs hold. Both ends also record the live JS heap (heapUsed) and
// V8's young generation (new space, committed), which a burst of allocations grows once for the
// process whatever the client. Before the baseline each side makes one GetContextInfo call, so
// what a process loads once at its first request (HTTP stack, codecs) is not counted as per-sync
// memory — the reference's modules were all loaded at import.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { loadBuiltReference, loadBuiltSdk } from './built-sdk.js'

const [n, side, endpoint, apiKey, sessionId, contextId, path] = process.argv.slice(2) as [string, 'ours' | 'reference', string, string, string, string, string]
const N = Number(n)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

interface Memory {
  readonly rss: number
  readonly heapUsed: number
  /** Committed bytes of V8's young generation. */
  readonly youngGeneration: number
}
const memory = (): Memory => {
  const { rss, heapUsed } = process.memoryUsage()
  const youngGeneration = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0
  return { rss, heapUsed, youngGeneration }
}
/** After one full GC (plain), then after full GCs until the heap stops shrinking (settled, at most 8). */
const measureMemory = (): { plain: Memory; settled: Memory } => {
  gc()
  const plain = memory()
  let heapTotal = process.memoryUsage().heapTotal
  for (let round = 0; round < 8; round += 1) {
    gc()
    const now = process.memoryUsage().heapTotal
    if (now >= heapTotal) break
    heapTotal = now
  }
  return { plain, settled: memory() }
}
let triggered = 0
let allTriggered: ReturnType<typeof measureMemory> | undefined
let triggeredAtMs: number | undefined
/** CPU the measurement itself spent (its full GCs, within the timed run): not the client's. */
let measuringCpuMs = 0
const onTriggered = (): void => {
  triggered += 1
  if (triggered === N) {
    triggeredAtMs = performance.now() - started
    const before = process.cpuUsage()
    allTriggered = measureMemory()
    const spent = process.cpuUsage(before)
    measuringCpuMs = (spent.user + spent.system) / 1000
  }
}

/** One sync; resolves to its outcome, calling `onTriggered` once its SyncContext answered. */
let sync: () => Promise<boolean>
if (side === 'ours') {
  const { AgentBay } = await loadBuiltSdk()
  const context = new AgentBay({ apiKey, endpoint, env: {} }).session(sessionId).context
  const warmUp = await context.infoAsync()
  if (!warmUp.success) throw new Error(`warm-up info failed: ${warmUp.errorMessage}`)
  sync = () =>
    new Promise<boolean>((resolve) => {
      // The reference (callback) form: the promise reports the trigger, the callback the outcome.
      void context.syncAsync({ contextId, path, mode: 'upload', callback: resolve }).then(onTriggered, onTriggered)
    })
} else {
  const { OfficialReference } = await loadBuiltReference()
  const reference = new OfficialReference(endpoint, apiKey)
  await reference.infoOnce(sessionId)
  sync = () => reference.sync(sessionId, { contextId, path, mode: 'upload' }, onTriggered)
}

const baseline = measureMemory()
const loop = monitorEventLoopDelay({ resolution: 5 })
loop.enable()
const cpuBefore = process.cpuUsage()
const started = performance.now()
const results = await Promise.all(Array.from({ length: N }, () => sync().catch(() => false)))
const wallMs = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
loop.disable()
const growthKiB = (pick: (measured: ReturnType<typeof measureMemory>) => number): number => (allTriggered === undefined ? NaN : (pick(allTriggered) - pick(baseline)) / 1024)
console.log(
  JSON.stringify({
    ok: results.filter(Boolean).length,
    warmUpPolls: 1,
    wallMs,
    triggeredAtMs,
    rssGrowthKiB: growthKiB((m) => m.plain.rss),
    settledRssGrowthKiB: growthKiB((m) => m.settled.rss),
    heapGrowthKiB: growthKiB((m) => m.settled.heapUsed),
    youngGenerationGrowthKiB: growthKiB((m) => m.settled.youngGeneration),
    loopP99Ms: loop.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000 - measuringCpuMs,
  }),
)
process.exit(0) // idle keep-alive sockets must not hold the process open
