// A script written for the official TypeScript SDK, ported line by line (README "Migrating from the
// official SDKs"). Each step shows the official call in a comment, then this SDK's. The builder
// names are the official ones; Promise methods gain `Async`; options are objects; durations are ms.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/port-from-official.ts
import { firstValueFrom, isObservable } from 'rxjs'
import { AgentBay, ContextSync, newSyncPolicyWithDefaults } from '../src/entries/index.js'

const MOUNT = '/home/wuying/data'

// official: const agentBay = new AgentBay({ apiKey })   (here the key and endpoint come from the environment)
const agentBay = new AgentBay()

// official: const { context } = await agentBay.context.get(name, true)
const got = await agentBay.context.getAsync(`example-port-${Date.now()}`, { create: true })
if (!got.success) throw got.error
const context = got.context
console.log(`context.get: success=${got.success} id=${got.contextId === context.id ? 'same' : 'differs'}`)

// official: const policy = newSyncPolicyWithDefaults({ uploadPolicy: { ...newUploadPolicy(), autoUpload: false } })
const policy = newSyncPolicyWithDefaults({ uploadPolicy: { autoUpload: false } })
// official: const created = await agentBay.create({ contextSync: [new ContextSync(context.id, MOUNT, policy)] })
const created = await agentBay.createAsync({ contextSync: [ContextSync.new(context.id, MOUNT, policy)] })
if (!created.success) throw new Error(created.errorMessage)
const session = created.session!
console.log(`create: success=${created.success} downloads=${created.downloads?.tasks.length}`)

// official: await session.fileSystem.writeFile(`${MOUNT}/notes.txt`, 'ported\n', 'overwrite')
await session.fs.writeFileAsync(`${MOUNT}/notes.txt`, 'ported\n', { mode: 'overwrite' })

// official: await session.context.sync(context.id, MOUNT, 'upload')
// The trap: here `sync()` is a cold Observable, so awaiting it sends nothing.
const notSent: unknown = await session.context.sync({ contextId: context.id, path: MOUNT, mode: 'upload' })
console.log(`await sync(): an Observable, nothing sent (${isObservable(notSent)})`)
const synced = await session.context.syncAsync({ contextId: context.id, path: MOUNT, mode: 'upload' })
console.log(`syncAsync: success=${synced.success} tasks=${synced.tasks.length}`)

// official: const files = await agentBay.context.listFiles(context.id, '/', 1, 50)
const files = await agentBay.context.listFilesAsync(context.id, '/', { pageNumber: 1, pageSize: 50 })
console.log(`listFiles: ${files.success ? files.entries.map((entry) => entry.fileName ?? entry.filePath).join(', ') : files.errorMessage}`)

// official: await session.delete(true)
const deleted = await session.deleteAsync({ syncContext: true })
console.log(`delete with sync: success=${deleted.success} deleted=${deleted.deleted}`)

// official: await agentBay.context.clear(context.id, 60, 2)   (seconds)
const cleared = await agentBay.context.clearAsync(context.id, { timeoutMs: 60_000, pollIntervalMs: 200 })
console.log(`clear: success=${cleared.success} state=${cleared.success ? cleared.state : cleared.errorMessage}`)

// official: await agentBay.context.delete(context)
await firstValueFrom(agentBay.context.delete(context))
