import { merge, mergeMap, tap, type Observable } from 'rxjs'
import { PollCoalescer, PollCursor } from '../../src/rpc/poll-coalescer.js'
import { TestScheduler, type RunHelpers } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, fixedSchedule, type ContextStatusData, type SyncOptions } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

const FAST: SyncOptions = { retryInterval: 10, maxRetries: 20, noTaskGraceMs: 25, schedule: fixedSchedule(10) }

let scheduler: TestScheduler
let fake: FakeTransport
let agentBay: AgentBay

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
  agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {} })
})

const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })

/** GetContextInfo answers by virtual time: the task runs from the first trigger and succeeds at `doneAt`. */
function serverWithTaskDoneAt(doneAt: number): void {
  fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', contexts: [{ id: 'ctx-1', name: 'data' }] })))
  let triggered = false
  fake.respond('SyncContext', () => {
    triggered = true
    return scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'sync-1' }) })
  })
  fake.respond('GetContextInfo', () => {
    const tasks: ContextStatusData[] = !triggered ? [] : scheduler.now() >= doneAt ? [succeeded] : [running]
    return scheduler.createColdObservable('-(a|)', { a: jsonResponse(contextInfoBody(tasks)) })
  })
}

describe('shared polling', () => {
  it('two syncs on one session share each GetContextInfo poll and see identical results', () => {
    const alone = countPollsFor(1)
    const together = countPollsFor(2)
    expect(together.results[0]).toEqual(alone.results[0])
    expect(together.results[1]).toEqual(alone.results[0])
    // both triggers happen, but every poll after them is shared: one extra poll at most (the second baseline)
    expect(together.polls).toBeLessThanOrEqual(alone.polls + 1)
    expect(together.polls).toBeLessThan(2 * alone.polls)
  })

  it('shares across separate session handles of the same client', () => {
    serverWithTaskDoneAt(40)
    scheduler.run(({ expectObservable }) => {
      const a$ = agentBay.session('s-1').context.sync(FAST)
      const b$ = agentBay.session('s-1').context.sync(FAST)
      expectObservable(merge(a$, b$)).toBe('---(ab) 40ms (cd|)', {
        a: { ...running, requestId: 'sync-1' },
        b: { ...running, requestId: 'sync-1' },
        c: { ...succeeded, requestId: 'sync-1' },
        d: { ...succeeded, requestId: 'sync-1' },
      })
    })
    // one baseline + polls at 2, 13, 24, 35, 46; without sharing it would be twice that.
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(6)
    expect(fake.requestsOf('SyncContext')).toHaveLength(2)
  })

  it('keeps polling for the remaining subscriber when one leaves, and aborts when the last leaves', () => {
    serverWithTaskDoneAt(1_000)
    scheduler.run(({ expectObservable }) => {
      const session = agentBay.session('s-1')
      expectObservable(session.context.sync(FAST), '^------------!').toBe('---a', { a: { ...running, requestId: 'sync-1' } })
      expectObservable(session.context.sync(FAST), '^------------------------!').toBe('---a', {
        a: { ...running, requestId: 'sync-1' },
      })
    })
    const states = fake.requestsOf('GetContextInfo').map((request) => request.state)
    // baseline, polls at 2, 13 (answered at 14 for the remaining subscriber), 24 (aborted when the last one left)
    expect(states).toEqual(['answered', 'answered', 'answered', 'cancelled'])
    fake.verify()
  })

  it("never gives a sync a poll another sync sent in the same millisecond before this sync's trigger answered", () => {
    // The task exists from the moment A's trigger answers (frame 5). B's baseline leaves at frame 5 too,
    // just before that answer, and is answered at once: it must not count as A's first poll after the trigger.
    let taskExists = false
    fake.respond('SyncContext', (_request, call) =>
      scheduler.createColdObservable(call === 0 ? '-----(a|)' : `${'-'.repeat(100)}(a|)`, { a: jsonResponse({ ...okBody(), RequestId: `sync-${call + 1}` }) }).pipe(
        tap(() => (taskExists = taskExists || call === 0)),
      ),
    )
    fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody(taskExists ? [running] : [])))
    const scoped: SyncOptions = { ...FAST, contextId: 'ctx-1', path: running.path }
    scheduler.run(({ cold, expectObservable }) => {
      const session = agentBay.session('s-1')
      expectObservable(cold('-----(x|)').pipe(mergeMap(() => session.context.sync(scoped))), '^ 20ms !').toBe('')
      // A polls as soon as its trigger answers: a fresh poll, which sees the task.
      expectObservable(session.context.sync(scoped), '^ 20ms !').toBe('-----a', { a: { ...running, requestId: 'sync-1' } })
    })
    // A's baseline (0), B's baseline (5), A's polls at 5 and 15: nothing reused across A's trigger.
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(4)
  })

  it('joins an in-flight poll only if it was sent after the reader\'s trigger', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const coalescer = new PollCoalescer(scheduler)
      const send = countingSend(cold, '----(a|)')
      const first = new PollCursor()
      const joiner = new PollCursor()
      const triggeredAt2 = new PollCursor()
      const at = pollsAt(cold, coalescer, send)
      // poll 1 leaves at 0; a reader that has read nothing yet joins it at 2; one whose trigger was at 2 must not.
      expectObservable(coalescer.poll('k', first, send)).toBe('----(a|)', { a: 'poll-1' })
      expectObservable(at(2, joiner)).toBe('----(a|)', { a: 'poll-1' })
      expectObservable(at(2, triggeredAt2, true)).toBe('------(a|)', { a: 'poll-2' })
    })
  })

  it('reuses a recent answer sent after the reader\'s last poll, never the reader\'s own answer again, never a stale one', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const coalescer = new PollCoalescer(scheduler, 50)
      const send = countingSend(cold, '-(a|)')
      const sender = new PollCursor()
      const other = new PollCursor()
      const late = new PollCursor()
      const at = pollsAt(cold, coalescer, send)
      // poll 1 leaves at 10 and is answered at 11.
      expectObservable(at(10, sender)).toBe('-----------(a|)', { a: 'poll-1' })
      // another reader reuses it at 20 (9 ms old): no request.
      expectObservable(at(20, other)).toBe('--------------------(a|)', { a: 'poll-1' })
      // the reader that sent poll 1 must not get it again at 20: poll 2 leaves.
      expectObservable(at(20, sender)).toBe('---------------------(a|)', { a: 'poll-2' })
      // at 100 poll 2's answer is 79 ms old, past maxAge 50: poll 3 leaves.
      expectObservable(at(100, late)).toBe(`${'-'.repeat(101)}(a|)`, { a: 'poll-3' })
    })
  })

  it('tells two polls sent in the same millisecond apart: a trigger after a poll never reuses it', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const coalescer = new PollCoalescer(scheduler)
      const send = countingSend(cold, '(a|)')
      const before = new PollCursor()
      const after = new PollCursor()
      // Both at frame 0: poll 1 is answered, then the second reader's trigger answers, then it polls.
      expectObservable(pollsAt(cold, coalescer, send)(0, before)).toBe('(a|)', { a: 'poll-1' })
      expectObservable(pollsAt(cold, coalescer, send)(0, after, true)).toBe('(a|)', { a: 'poll-2' })
    })
  })

  /** A `send` for the coalescer: answers `poll-<n>` after `marble`, n counting the polls sent. */
  function countingSend(cold: RunHelpers['cold'], marble: string): () => Observable<string> {
    let sent = 0
    return () => {
      sent += 1
      return cold(marble, { a: `poll-${sent}` })
    }
  }

  /** Polls `k` at `frame` with `cursor`, restarting the cursor first (its trigger) when `restart`. */
  function pollsAt(cold: RunHelpers['cold'], coalescer: PollCoalescer, send: () => Observable<string>) {
    return (frame: number, cursor: PollCursor, restart = false): Observable<string> =>
      cold(`${'-'.repeat(frame)}(x|)`).pipe(
        mergeMap(() => {
          if (restart) cursor.restart()
          return coalescer.poll('k', cursor, send)
        }),
      )
  }

  function countPollsFor(subscribers: number): { polls: number; results: unknown[][] } {
    scheduler = createTestScheduler()
    fake = createFakeTransport()
    agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {} })
    serverWithTaskDoneAt(60)
    const results: unknown[][] = Array.from({ length: subscribers }, () => [])
    scheduler.run(() => {
      for (let i = 0; i < subscribers; i++) agentBay.session('s-1').context.sync(FAST).subscribe((t) => results[i]?.push(t))
    })
    return { polls: fake.requestsOf('GetContextInfo').length, results }
  }
})
