import { mergeMap, timer } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { PollCoalescer, PollCursor } from '../../src/rpc/poll-coalescer.js'
import { AgentBay, fixedSchedule, type ContextStatusData, type SyncOptions } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// issue 13 goal 3: concurrent syncs on one client share their pre-trigger (stale-task) snapshots
// when a poll sent after their subscription is available, and a task that finished before a sync
// still never ends it. Every fake request answers 1 ms after it is sent.

const SCOPE = { contextId: 'ctx-1', path: '/home/wuying/data' }
const FAST: SyncOptions = { ...SCOPE, mode: 'upload', retryInterval: 10, maxRetries: 20, noTaskGraceMs: 1_000, schedule: fixedSchedule(10) }
const earlier = task({ ...SCOPE, status: 'Success', startTime: 1_700_000_000, finishTime: 1_700_000_005 })
const mine = task({ ...SCOPE, status: 'Running', startTime: 1_700_000_100 })
const mineDone = { ...mine, status: 'Success', finishTime: 1_700_000_101 }

let scheduler: TestScheduler
let fake: FakeTransport
let agentBay: AgentBay

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
  agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {} })
})

/** The server: `tasks(now)` answers GetContextInfo; SyncContext answers `sync-<n>`. Requests are recorded with their time. */
function server(tasks: (now: number) => readonly ContextStatusData[]): { sentAt: (action: string) => number[] } {
  const times: { action: string; at: number }[] = []
  fake.respond('SyncContext', (_request, call) => {
    times.push({ action: 'SyncContext', at: scheduler.now() })
    return scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: `sync-${call + 1}` }) })
  })
  fake.respond('GetContextInfo', () => {
    times.push({ action: 'GetContextInfo', at: scheduler.now() })
    return scheduler.createColdObservable('-(a|)', { a: jsonResponse(contextInfoBody(tasks(scheduler.now()))) })
  })
  return { sentAt: (action) => times.filter((t) => t.action === action).map((t) => t.at) }
}

describe('shared stale-task snapshots', () => {
  it('syncs subscribed together take one snapshot poll before their triggers', () => {
    const { sentAt } = server(() => [])
    scheduler.run(() => {
      for (let i = 0; i < 5; i++) agentBay.session('s-1').context.sync(FAST).subscribe({ error: () => undefined })
    })
    const firstTrigger = Math.min(...sentAt('SyncContext'))
    expect(sentAt('SyncContext')).toHaveLength(5)
    expect(sentAt('GetContextInfo').filter((at) => at <= firstTrigger)).toEqual([0])
  })

  it('a sync subscribed while a poll sent after its subscription is still fresh takes that answer as its snapshot', () => {
    scheduler.run(() => {
      const coalescer = new PollCoalescer(scheduler)
      const [a, b] = [new PollCursor(), new PollCursor()]
      let sent = 0
      const send = () => {
        sent += 1
        return timer(1, scheduler).pipe(mergeMap(() => [sent]))
      }
      const read: number[] = []
      // b is created (subscribes) at 0; a's poll leaves at 2, after it, and is answered at 3; b reads at 50.
      scheduler.schedule(() => coalescer.poll('k', a, send).subscribe((n) => read.push(n)), 2)
      scheduler.schedule(() => coalescer.poll('k', b, send).subscribe((n) => read.push(n)), 50)
      scheduler.schedule(() => expect({ read, sent }).toEqual({ read: [1, 1], sent: 1 }), 60)
    })
  })

  it('never takes as a snapshot an answer sent before the sync subscribed', () => {
    scheduler.run(() => {
      const coalescer = new PollCoalescer(scheduler)
      let sent = 0
      const send = () => {
        sent += 1
        return timer(1, scheduler).pipe(mergeMap(() => [sent]))
      }
      const read: number[] = []
      scheduler.schedule(() => coalescer.poll('k', new PollCursor(), send).subscribe((n) => read.push(n)), 0)
      // created at 5, after poll 1 was sent (0) and answered (1): it must send its own
      scheduler.schedule(() => coalescer.poll('k', new PollCursor(), send).subscribe((n) => read.push(n)), 5)
      scheduler.schedule(() => expect({ read, sent }).toEqual({ read: [1, 2], sent: 2 }), 20)
    })
  })

  it('with a shared snapshot, a task that finished before the syncs never ends them; each ends on its own task', () => {
    // Until 30 the server still shows only the earlier sync's finished task (the new one not yet visible,
    // protocol §7.3); then the new task runs, and succeeds at 60.
    const { sentAt } = server((now) => (now < 30 ? [earlier] : now < 60 ? [mine] : [mineDone]))
    const ends: number[] = []
    const finals: ContextStatusData[] = []
    scheduler.run(() => {
      for (let i = 0; i < 3; i++) {
        agentBay.session('s-1').context.sync(FAST).subscribe({ next: (t) => finals.push(t), complete: () => ends.push(scheduler.now()) })
      }
    })
    const firstTrigger = Math.min(...sentAt('SyncContext'))
    // the three syncs shared one snapshot, which saw the earlier task finished
    expect(sentAt('GetContextInfo').filter((at) => at <= firstTrigger)).toHaveLength(1)
    expect(ends).toHaveLength(3)
    for (const end of ends) expect(end).toBeGreaterThan(60)
    expect(finals.some((t) => t.status === 'Success' && t.startTime === earlier.startTime)).toBe(false)
  })
})
