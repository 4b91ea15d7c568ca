// Child of the concurrency benchmark: runs N concurrent syncs on one session in a fresh process
// (so peak RSS belongs to this configuration alone) and prints one JSON line.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { AgentBay, type SyncOptions } from '../../src/entries/index.js'

const [n, mode, endpoint, apiKey, sessionId] = process.argv.slice(2) as [string, 'shared' | 'separate', string, string, string]
const N = Number(n)
const OPTIONS: SyncOptions = { mode: 'upload', retryInterval: 500, maxRetries: 300 }

const make = () => new AgentBay({ apiKey, endpoint, env: {} })
const shared = make()
const clients = Array.from({ length: N }, () => (mode === 'shared' ? shared : make()))

const baselineRss = process.memoryUsage().rss
let peakRss = baselineRss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5)
const loop = monitorEventLoopDelay({ resolution: 5 })
loop.enable()
const started = performance.now()
const results = await Promise.all(clients.map((client) => client.session(sessionId).context.syncAsync(OPTIONS)))
const wallMs = performance.now() - started
loop.disable()
clearInterval(sampler)
peakRss = Math.max(peakRss, process.memoryUsage().rss)
const cpu = process.cpuUsage()
console.log(
  JSON.stringify({
    ok: results.filter((r) => r.success).length,
    failures: Object.entries(
      results.filter((r) => !r.success).reduce<Record<string, number>>((acc, r) => ({ ...acc, [(r.errorMessage ?? '').slice(0, 120)]: (acc[(r.errorMessage ?? '').slice(0, 120)] ?? 0) + 1 }), {}),
    ),
    wallMs,
    baselineRssMiB: baselineRss / 2 ** 20,
    peakRssMiB: peakRss / 2 ** 20,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
)
process.exit(0) // idle keep-alive sockets must not hold the process open
