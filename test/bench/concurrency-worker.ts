// Child of the concurrency benchmark: N concurrent syncs of one context on one session, on ONE
// client — ours (`syncAsync`, default schedule) or the reference (the official behaviour: N
// independent loops, official-reference.ts) — in a fresh process, printing one JSON line.
// Run with --expose-gc: memory is the RSS after a full GC once every sync was triggered (all N
// alive, waiting), minus the RSS after a full GC before they started. Before that baseline each side
// makes one GetContextInfo call, so what a process loads once at its first request (HTTP stack,
// codecs) is not counted as per-sync memory — the reference's modules were all loaded at import.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { AgentBay } from '../../src/entries/index.js'
import { OfficialReference } from './official-reference.js'

const [n, side, endpoint, apiKey, sessionId, contextId, path] = process.argv.slice(2) as [string, 'ours' | 'reference', string, string, string, string, string]
const N = Number(n)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

let heapUsed = 0
const settledRss = (): number => {
  gc()
  const usage = process.memoryUsage()
  heapUsed = usage.heapUsed
  return usage.rss
}
let triggered = 0
let allTriggeredRss: number | undefined
let allTriggeredHeap: number | undefined
let triggeredAtMs: number | undefined
const onTriggered = (): void => {
  triggered += 1
  if (triggered === N) {
    triggeredAtMs = performance.now() - started
    allTriggeredRss = settledRss()
    allTriggeredHeap = heapUsed
  }
}

/** One sync; resolves to its outcome, calling `onTriggered` once its SyncContext answered. */
let sync: () => Promise<boolean>
if (side === 'ours') {
  const context = new AgentBay({ apiKey, endpoint, env: {} }).session(sessionId).context
  const warmUp = await context.infoAsync()
  if (!warmUp.success) throw new Error(`warm-up info failed: ${warmUp.errorMessage}`)
  sync = () =>
    new Promise<boolean>((resolve) => {
      // The reference (callback) form: the promise reports the trigger, the callback the outcome.
      void context.syncAsync({ contextId, path, mode: 'upload', callback: resolve }).then(onTriggered, onTriggered)
    })
} else {
  const reference = new OfficialReference(endpoint, apiKey)
  await reference.infoOnce(sessionId)
  sync = () => reference.sync(sessionId, { contextId, path, mode: 'upload' }, onTriggered)
}

const baselineRss = settledRss()
const baselineHeap = heapUsed
const loop = monitorEventLoopDelay({ resolution: 5 })
loop.enable()
const cpuBefore = process.cpuUsage()
const started = performance.now()
const results = await Promise.all(Array.from({ length: N }, () => sync().catch(() => false)))
const wallMs = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
loop.disable()
console.log(
  JSON.stringify({
    ok: results.filter(Boolean).length,
    warmUpPolls: 1,
    wallMs,
    triggeredAtMs,
    rssGrowthKiB: allTriggeredRss === undefined ? NaN : (allTriggeredRss - baselineRss) / 1024,
    heapGrowthKiB: allTriggeredHeap === undefined ? NaN : (allTriggeredHeap - baselineHeap) / 1024,
    loopP99Ms: loop.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
)
process.exit(0) // idle keep-alive sockets must not hold the process open
