// Child of the concurrency benchmark: N concurrent syncs of one context on one session, on ONE
// client — ours (`syncAsync`, default schedule) or the reference (the official behaviour: N
// independent loops, official-reference.ts) — in a fresh process, printing one JSON line.
// Run with --expose-gc: memory is RSS after a full GC, sampled while the syncs run, minus the
// RSS after a full GC before they started (so it is what the N syncs hold, not garbage).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { AgentBay } from '../../src/entries/index.js'
import { OfficialReference } from './official-reference.js'

const [n, side, endpoint, apiKey, sessionId, contextId, path] = process.argv.slice(2) as [string, 'ours' | 'reference', string, string, string, string, string]
const N = Number(n)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

const sync: () => Promise<boolean> =
  side === 'ours'
    ? (() => {
        const context = new AgentBay({ apiKey, endpoint, env: {} }).session(sessionId).context
        return async () => (await context.syncAsync({ contextId, path, mode: 'upload' })).success
      })()
    : (() => {
        const reference = new OfficialReference(endpoint, apiKey)
        return () => reference.sync(sessionId, { contextId, path, mode: 'upload' })
      })()

const settledRss = (): number => {
  gc()
  return process.memoryUsage().rss
}
const baselineRss = settledRss()
let peakRss = baselineRss
// A full GC every 250 ms: the samples hold only what live syncs keep.
const sampler = setInterval(() => (peakRss = Math.max(peakRss, settledRss())), 250)
const loop = monitorEventLoopDelay({ resolution: 5 })
loop.enable()
const cpuBefore = process.cpuUsage()
const started = performance.now()
const results = await Promise.all(Array.from({ length: N }, () => sync().catch(() => false)))
const wallMs = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
loop.disable()
clearInterval(sampler)
console.log(
  JSON.stringify({
    ok: results.filter(Boolean).length,
    wallMs,
    rssGrowthKiB: (peakRss - baselineRss) / 1024,
    loopP99Ms: loop.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
)
process.exit(0) // idle keep-alive sockets must not hold the process open
