// `session.context.info()` is a cold Observable: building it sends nothing, every subscription
// sends one GetContextInfo, and unsubscribing aborts the request in flight.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/info-cold-observable.ts
import { firstValueFrom, lastValueFrom } from 'rxjs'
import { AgentBay } from '../src/entries/index.js'

// A counting fetch makes the requests visible. AgentBay reads AGENTBAY_ENDPOINT / AGENTBAY_API_KEY.
let requests = 0
const agentBay = new AgentBay({
  fetch: (input, init) => {
    requests++
    return fetch(input, init)
  },
})

const context = await firstValueFrom(agentBay.context.create(`example-info-${Date.now()}`))
const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))

const before = requests
const info$ = session.context.info({ taskType: 'download' })
console.log(`after info(): ${requests - before} request(s) sent`)

const first = await lastValueFrom(info$)
await lastValueFrom(info$) // a second subscription is a second, fresh request
console.log(`after two subscriptions: ${requests - before} request(s) sent`)
for (const task of first.contextStatusData) console.log(`  ${task.taskType} ${task.path}: ${task.status}`)

// Unsubscribing at once aborts the request (the server may or may not have seen it).
info$.subscribe().unsubscribe()

await firstValueFrom(session.delete())
await firstValueFrom(agentBay.context.delete(context))
console.log('done')
