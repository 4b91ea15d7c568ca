// The reads before the trigger (the stale-task snapshot and GetSession) failing, in virtual time with the
// fake transport. The official SDK makes neither read, so a transient failure of one must not cost the
// sync its trigger; a non-transient one ends the sync before it, as the trigger would fail the same way.
import { lastValueFrom, type Observable } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, RequestTimeoutError, SyncUnconfirmedError, fixedSchedule, toSyncResult, type ContextStatusData, type SyncOptions } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport, type RawResponse } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Every fake answer arrives one frame after the request (GetSession at once): the snapshot at 0, the trigger
// at 1 (answered at 2: the grace period of 25 ms runs from there), polls answered at 3, 14, 25, 36, 47.
const FAST: SyncOptions = { retryInterval: 10, maxRetries: 5, noTaskGraceMs: 25, schedule: fixedSchedule(10) }

let scheduler: TestScheduler
let fake: FakeTransport

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
})

// One attempt per request: the failure below is what reaches the sync after the rpc's own retries.
const sessionFor = (attempts = 1) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {}, random: () => 0.5, retry: { attempts } }).session('s-1')

const later = (raw: RawResponse): Observable<RawResponse> => scheduler.createColdObservable('-(a|)', { a: raw })

const unavailable = jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }, 503)
const forbidden = jsonResponse({ Code: 'Forbidden', Message: 'not yours', RequestId: 'r-403' }, 403)

/** GetContextInfo answers: entry i answers request i (0 = the pre-trigger snapshot); the last repeats. */
function pollsAnswer(...entries: (readonly ContextStatusData[] | RawResponse)[]): void {
  fake.respond('GetContextInfo', (_request, index) => {
    const entry = entries[Math.min(index, entries.length - 1)] ?? []
    return later(Array.isArray(entry) ? jsonResponse(contextInfoBody(entry)) : (entry as RawResponse))
  })
}

function triggerAnswers(): void {
  fake.respond('SyncContext', () => later(jsonResponse({ ...okBody(), RequestId: 'sync-1' })))
}

function mounted(...contextIds: string[]): void {
  fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', contexts: contextIds.map((id) => ({ id, name: `name-${id}` })) })))
}

const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })
const withId = (t: ContextStatusData) => ({ ...t, requestId: 'sync-1' })

/** Runs `start` in virtual time to the end, then lets the Promise adapters settle. */
async function settled(start: () => void): Promise<void> {
  scheduler.run(({ flush }) => {
    start()
    flush()
  })
  await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('the pre-trigger snapshot fails transiently', () => {
  it('still triggers SyncContext once and reports the tasks of this sync', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable, [running], [succeeded])
      expectObservable(sessionFor().context.sync(FAST)).toBe('---a 10ms (b|)', { a: withId(running), b: withId(succeeded) })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(3)
  })

  it('takes a task first seen finished for a possibly stale one until the grace period is over, then reports it', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable, [succeeded])
      // Polls answered at 3, 14 and 25 are within the grace period (25 ms from 2): not this sync's yet.
      expectObservable(sessionFor().context.sync(FAST)).toBe('36ms (a|)', { a: withId(succeeded) })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('counts a task seen running and then finished within the grace period as this sync’s', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable, [running], [succeeded])
      expectObservable(sessionFor().context.sync({ ...FAST, noTaskGraceMs: 1000 })).toBe('---a 10ms (b|)', { a: withId(running), b: withId(succeeded) })
    })
  })

  it('syncAsync resolves success with the trigger requestId and the task', async () => {
    let result: unknown
    await settled(() => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable, [running], [succeeded])
      void sessionFor().context.syncAsync(FAST).then((r) => (result = r))
    })
    expect(result).toEqual({ requestId: 'sync-1', success: true, timedOut: false, tasks: [succeeded] })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('the callback form resolves "triggered" and reports true once', async () => {
    const calls: boolean[] = []
    let resolved: unknown
    await settled(() => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable, [succeeded])
      void sessionFor()
        .context.syncAsync({ ...FAST, callback: (success) => calls.push(success) })
        .then((r) => (resolved = r))
    })
    expect(resolved).toEqual({ requestId: 'sync-1', success: true, triggered: true })
    expect(calls).toEqual([true])
  })
})

describe('the budget bounds the reads before the trigger', () => {
  it('a snapshot still retrying at the deadline ends the sync with RequestTimeoutError, and nothing is triggered', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(unavailable)
      // Three attempts: answered at 1, then a 150 ms backoff, past the 50 ms budget.
      expectObservable(sessionFor(3).context.sync(FAST)).toBe(
        '50ms #',
        undefined,
        new RequestTimeoutError('the sync was not triggered within its budget of 50 ms', { action: 'SyncContext' }),
      )
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1)
  })
})

describe('GetSession (the mounts a sync expects) fails transiently', () => {
  it('still triggers, and expects tasks from an unknown number of mounts: no task seen is unconfirmed, not success', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      fake.respond('GetSession', unavailable)
      pollsAnswer([])
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '36ms #',
        undefined,
        new SyncUnconfirmedError('no sync task appeared within 34 ms of the trigger, although contexts are mounted in its scope: its outcome is unknown', {
          requestId: 'sync-1',
        }),
      )
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('still triggers and reports the task when one appears', async () => {
    const results: unknown[] = []
    await settled(() => {
      triggerAnswers()
      fake.respond('GetSession', unavailable)
      pollsAnswer([], [running], [succeeded])
      const context = sessionFor().context
      void context.syncAsync(FAST).then((r) => results.push(r))
      void lastValueFrom(context.sync(FAST).pipe(toSyncResult())).then((r) => results.push(r))
    })
    expect(results).toEqual([
      { requestId: 'sync-1', success: true, timedOut: false, tasks: [succeeded] },
      { requestId: 'sync-1', success: true, timedOut: false, tasks: [succeeded] },
    ])
    expect(fake.requestsOf('SyncContext')).toHaveLength(2)
  })
})

describe('a pre-trigger read fails for good (not transient)', () => {
  const forbiddenError = { name: 'HttpError', kind: 'http', message: 'GetContextInfo failed: HTTP 403 [Forbidden] not yours (requestId r-403)' }

  it('the snapshot: the sync errors with that failure and never triggers', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(forbidden, [succeeded])
      expectObservable(sessionFor().context.sync(FAST)).toBe('-#', undefined, forbiddenError)
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
  })

  it('GetSession: the sync errors with that failure and never triggers', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      fake.respond('GetSession', forbidden)
      pollsAnswer([], [succeeded])
      expectObservable(sessionFor().context.sync(FAST)).toBe('#', undefined, { ...forbiddenError, message: forbiddenError.message.replace('GetContextInfo', 'GetSession') })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
  })

  it('syncAsync resolves the failure; the callback form resolves "not triggered" and reports false once', async () => {
    const calls: boolean[] = []
    const results: unknown[] = []
    await settled(() => {
      triggerAnswers()
      mounted('ctx-1')
      pollsAnswer(forbidden)
      const context = sessionFor().context
      void context.syncAsync(FAST).then((r) => results.push(r))
      void context.syncAsync({ ...FAST, callback: (success) => calls.push(success) }).then((r) => results.push(r))
    })
    expect(results).toMatchObject([
      { success: false, requestId: 'r-403', timedOut: false, tasks: [], error: { httpStatus: 403 } },
      { success: false, triggered: false, error: { httpStatus: 403 } },
    ])
    expect(calls).toEqual([false])
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
  })
})
