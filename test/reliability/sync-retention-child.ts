// Child of sync-heap.test.ts (run with --expose-gc): what a waiting sync keeps of its trigger.
// N syncs on a ContextManager whose rpc is a stub in virtual time; the Observable of each sync's
// pre-trigger GetContextInfo (part of the trigger's operator chain, built at subscribe) is watched
// with a WeakRef. Once every sync is triggered and waits, prints how many of those are still alive.
import { VirtualTimeScheduler, of, type Observable } from 'rxjs'
import { ContextManager } from '../../src/sync/context-manager.js'
import type { Rpc } from '../../src/rpc/rpc.js'
import { task } from '../../src/testing/index.js'

const N = Number(process.argv[2])
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

const scheduler = new VirtualTimeScheduler()
const preTriggerPolls: WeakRef<Observable<unknown>>[] = []
let triggered = 0
const rpc = ((action: string) => {
  if (action === 'SyncContext') {
    triggered += 1
    return of({ RequestId: `sync-${triggered}` })
  }
  const answer$ = of({ Data: { ContextStatus: [task({ status: 'Running' })] } })
  // Every sync asks once before its trigger: those are the polls the trigger's chain holds.
  if (triggered < N && preTriggerPolls.length < N) preTriggerPolls.push(new WeakRef(answer$))
  return answer$
}) as unknown as Rpc
const context = new ContextManager('s-1', { rpc, scheduler, logger: { debug: () => undefined, warn: () => undefined } })

const outcomes: boolean[] = []
for (let i = 0; i < N; i += 1) void context.syncAsync({ contextId: 'ctx-1', path: '/home/wuying/data', mode: 'upload', callback: (success) => outcomes.push(success) })
scheduler.maxFrames = 4_000 // past the trigger and the early polls: every sync waits for its next poll
scheduler.flush()
await new Promise((resolve) => setTimeout(resolve, 20))
gc()
gc()
console.log(JSON.stringify({ waiting: N - outcomes.length, triggered, watched: preTriggerPolls.length, alive: preTriggerPolls.filter((ref) => ref.deref() !== undefined).length }))
process.exit(0)
