// Cancelling a sync: with `takeUntil` on the Observable, or with an `AbortSignal` on the Promise
// form. Either way the polling stops at once and any request in flight is aborted.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/cancel.ts
import { firstValueFrom, lastValueFrom, takeUntil, tap, timer, toArray } from 'rxjs'
import { setTimeout as sleep } from 'node:timers/promises'
import { AgentBay } from '../src/entries/index.js'

let requests = 0
const agentBay = new AgentBay({
  fetch: (input, init) => {
    requests++
    return fetch(input, init)
  },
})
const context = await firstValueFrom(agentBay.context.create(`example-cancel-${Date.now()}`))
const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))

// 1. takeUntil: stop following the sync after 30 ms, whatever its state.
const seen = await lastValueFrom(
  session.context.sync({ mode: 'upload' }).pipe(
    tap((task) => console.log(`  saw ${task.taskType} ${task.status}`)),
    takeUntil(timer(30)),
    toArray(),
  ),
)
const atCancel = requests
await sleep(500)
console.log(`takeUntil: stopped after ${seen.length} update(s); requests sent after the stop: ${requests - atCancel}`)

// 2. AbortSignal: the Promise form rejects with the signal's reason.
const controller = new AbortController()
const pending = session.context.syncAsync({ mode: 'upload', signal: controller.signal })
setTimeout(() => controller.abort(), 10)
try {
  await pending
  console.log('syncAsync finished before the abort')
} catch (error) {
  console.log(`syncAsync rejected: ${(error as Error).name}`)
}

// AbortSignal.timeout() works the same way, as a deadline.
const outcome = await session.context.infoAsync({}, { signal: AbortSignal.timeout(5000) })
console.log(`infoAsync within the deadline: success=${outcome.success}`)

await firstValueFrom(session.delete())
await firstValueFrom(agentBay.context.delete(context))
