// Two contexts mounted in one session, synced independently and composed with RxJS:
// `merge` interleaves their live task updates, `forkJoin` waits for both final results.
// Polls of the same session that are in flight at the same time are shared, not duplicated.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/compose-syncs.ts
import { firstValueFrom, forkJoin, lastValueFrom, merge, tap, toArray } from 'rxjs'
import { AgentBay, toSyncResult } from '../src/entries/index.js'

const agentBay = new AgentBay()
const stamp = Date.now()
const [models, logs] = await Promise.all([
  firstValueFrom(agentBay.context.create(`example-models-${stamp}`)),
  firstValueFrom(agentBay.context.create(`example-logs-${stamp}`)),
])
const session = await firstValueFrom(
  agentBay.create({
    contextSync: [
      { contextId: models.id, path: '/home/wuying/models' },
      { contextId: logs.id, path: '/home/wuying/logs' },
    ],
  }),
)
await session.fs.writeFileAsync('/home/wuying/models/weights.json', JSON.stringify({ layers: Array.from({ length: 4096 }, (_, i) => i % 7) }))
await session.fs.writeFileAsync('/home/wuying/logs/run.log', 'epoch 1: ok\n')

const syncOf = (contextId: string, path: string) => session.context.sync({ contextId, path, mode: 'upload' })

// merge: one stream of updates from both syncs, as they happen.
const updates = await lastValueFrom(
  merge(syncOf(models.id, '/home/wuying/models'), syncOf(logs.id, '/home/wuying/logs')).pipe(
    tap((task) => console.log(`  merge: ${task.path} ${task.status}`)),
    toArray(),
  ),
)
console.log(`merge: ${updates.length} updates from ${new Set(updates.map((task) => task.contextId)).size} contexts`)

// forkJoin: both final results at once (each sync folded by toSyncResult).
const results = await lastValueFrom(
  forkJoin({
    models: syncOf(models.id, '/home/wuying/models').pipe(toSyncResult()),
    logs: syncOf(logs.id, '/home/wuying/logs').pipe(toSyncResult()),
  }),
)
console.log(`forkJoin: models=${results.models.success} logs=${results.logs.success}`)

await firstValueFrom(session.delete())
await Promise.all([firstValueFrom(agentBay.context.delete(models)), firstValueFrom(agentBay.context.delete(logs))])
