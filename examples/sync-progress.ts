// `session.context.sync()` triggers SyncContext, then emits each task of this sync whenever its
// state changes, and completes when every task is terminal. `toSyncResult()` folds the stream
// into the reference result shape.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/sync-progress.ts
import { firstValueFrom, lastValueFrom, tap } from 'rxjs'
import { AgentBay, toSyncResult } from '../src/entries/index.js'

const agentBay = new AgentBay()
const context = await firstValueFrom(agentBay.context.create(`example-sync-${Date.now()}`))
const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))
await session.fs.writeFileAsync('/home/wuying/data/report.txt', 'quarterly numbers\n')

const started = Date.now()
const result = await lastValueFrom(
  session.context.sync({ mode: 'upload' }).pipe(
    tap((task) => console.log(`  +${String(Date.now() - started).padStart(4)}ms ${task.taskType} ${task.path}: ${task.status}`)),
    toSyncResult(),
  ),
)
console.log(`upload finished: success=${result.success} tasks=${result.tasks.length} timedOut=${result.timedOut}`)

const files = await firstValueFrom(agentBay.context.listFiles(context.id, '/'))
console.log(`context now holds: ${files.entries.map((entry) => entry.fileName ?? entry.filePath).join(', ')}`)

await firstValueFrom(session.delete())
await firstValueFrom(agentBay.context.delete(context))
