// Creating a session with context sync: the context is mounted at a path, downloaded on creation
// (the wait follows the download tasks), and uploaded per its sync policy. `create({ observe: 'events' })` shows the
// steps; `createAsync` is the Promise form, and reports a failed download instead of hiding it.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/create-session.ts
import { firstValueFrom, lastValueFrom, tap, filter } from 'rxjs'
import { AgentBay, syncPolicy, type ContextSync } from '../src/entries/index.js'

const agentBay = new AgentBay()
const context = await firstValueFrom(agentBay.context.create(`example-create-${Date.now()}`))
await agentBay.context.uploadAsync(context.id, 'seed/hello.txt', 'hello from storage\n')

const contextSync: ContextSync[] = [
  {
    contextId: context.id,
    path: '/home/wuying/work',
    // Only upload when asked (no auto-upload on release); everything else stays at the defaults.
    policy: syncPolicy({ uploadPolicy: { autoUpload: false } }),
  },
]

// Observable: `created` as soon as the session exists, each download task, then `session` when ready.
const ready = await lastValueFrom(
  agentBay.create({ observe: 'events', contextSync, labels: { example: 'create-session' } }).pipe(
    tap((event) => {
      if (event.kind === 'created') console.log(`created ${event.session.sessionId.slice(0, 8)}…`)
      if (event.kind === 'task') console.log(`  download ${event.task.path}: ${event.task.status}`)
    }),
    filter((event) => event.kind === 'session'),
  ),
)
console.log(`ready: downloads success=${ready.downloads?.success}`)
const seeded = await ready.session.fs.readFileAsync('/home/wuying/work/seed/hello.txt')
console.log(`the mounted file reads: ${seeded.success ? seeded.content.trim() : seeded.errorMessage}`)

// Promise form.
const result = await agentBay.createAsync({ contextSync })
console.log(`createAsync: success=${result.success} downloads=${result.downloads?.tasks.length ?? 0}`)

for (const session of [ready.session, result.session]) if (session !== undefined) await session.deleteAsync()
await agentBay.context.deleteAsync(context)
