// The Promise and callback adapters, for code that does not use RxJS. They follow the reference
// SDK's shapes: remote failures resolve to `{ success: false, errorMessage, error }`; invalid
// arguments reject with a ValidationError.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/promise-and-callback.ts
import { AgentBay } from '../src/entries/index.js'

const agentBay = new AgentBay()
const created = await agentBay.context.createAsync(`example-promise-${Date.now()}`)
if (!created.success) throw new Error(created.errorMessage)
const { context } = created

const { session, success } = await agentBay.createAsync({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] })
if (!success || session === undefined) throw new Error('session creation failed')
await session.fs.writeFileAsync('/home/wuying/data/notes.md', '# notes\n')

// Promise: info and sync.
const info = await session.context.infoAsync()
console.log(`infoAsync: success=${info.success} tasks=${info.contextStatusData.length}`)
const synced = await session.context.syncAsync({ mode: 'upload' })
console.log(`syncAsync: success=${synced.success} tasks=${synced.tasks.length}`)

// Callback: the promise resolves right after the trigger; the callback reports the outcome once.
const outcome = new Promise<boolean>((resolve) => {
  void session.context
    .syncAsync({ mode: 'upload', callback: (ok) => resolve(ok) })
    .then((triggered) => console.log(`callback form: triggered (requestId ${triggered.requestId ? 'set' : 'missing'})`))
})
console.log(`callback: success=${await outcome}`)

// A remote failure is a value, not an exception.
const missing = await agentBay.session('session-does-not-exist').context.infoAsync()
console.log(`unknown session: success=${missing.success} kind=${missing.error?.kind}`)

await session.deleteAsync()
await agentBay.context.deleteAsync(context)
