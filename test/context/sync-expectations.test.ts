// Issue 9 items 3, 4, 5, 9, 11, the sync gaps of item 17 and the reads before the trigger failing, in virtual time with the fake transport.
import { lastValueFrom, type Observable } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  AgentBay,
  DecodeError,
  RequestTimeoutError,
  SyncUnconfirmedError,
  ValidationError,
  fixedSchedule,
  toSyncResult,
  type ContextStatusData,
  type SyncOptions,
} from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport, type RawResponse } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Every fake answer arrives one frame after the request: baseline poll (and GetSession) at 0, trigger at 1,
// first poll at 2 (answered at 3), then one poll every 11 frames.
const FAST: SyncOptions = { retryInterval: 10, maxRetries: 5, noTaskGraceMs: 25, schedule: fixedSchedule(10) }

let scheduler: TestScheduler
let fake: FakeTransport

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
})

const clientFor = (attempts = 3) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {}, random: () => 0.5, retry: { attempts } })
const sessionFor = (attempts = 3) => clientFor(attempts).session('s-1')

const later = (raw: RawResponse): Observable<RawResponse> => scheduler.createColdObservable('-(a|)', { a: raw })

/** GetContextInfo answers: entry i answers request i (0 = the baseline); the last repeats. */
function pollsAnswer(...lists: (readonly ContextStatusData[] | RawResponse | Observable<RawResponse>)[]): void {
  fake.respond('GetContextInfo', (_request, index) => {
    const entry = lists[Math.min(index, lists.length - 1)] ?? []
    if (Array.isArray(entry)) return later(jsonResponse(contextInfoBody(entry)))
    return 'subscribe' in entry ? entry : later(entry as RawResponse)
  })
}

function triggerAnswers(): void {
  fake.respond('SyncContext', () => later(jsonResponse({ ...okBody(), RequestId: 'sync-1' })))
}

/** GetSession answers at once; `undefined` leaves the context list out. */
function mounted(contextIds: readonly string[] | undefined): void {
  const contexts = contextIds === undefined ? {} : { contexts: contextIds.map((id) => ({ id, name: `name-${id}` })) }
  fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', ...contexts })))
}

const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })
const failed = task({ status: 'Failed', startTime: 1_700_000_100, finishTime: 1_700_000_105, errorMessage: 'disk full' })
/** A task of a second mount (ctx-2). */
const otherMount = (fields: Partial<ContextStatusData>) => task({ contextId: 'ctx-2', path: '/home/wuying/other', startTime: 1_700_000_100, ...fields })
const withId = (t: ContextStatusData) => ({ ...t, requestId: 'sync-1' })
const unconfirmedError = (waitedMs: number, mounts = '1 context(s) are') =>
  new SyncUnconfirmedError(`no sync task appeared within ${waitedMs} ms of the trigger, although ${mounts} mounted in its scope: its outcome is unknown`, {
    requestId: 'sync-1',
  })

// ---- item 3: memory and durations ----------------------------------------------------------------

describe('a large poll budget (issue 9 item 3)', () => {
  it('schedules polls one at a time: maxRetries 1e8 asks the schedule only for the polls it makes', () => {
    let scheduleCalls = 0
    const schedule = (pollIndex: number): number => {
      scheduleCalls += 1
      if (scheduleCalls > 1000) throw new Error('the schedule was asked far ahead of the polls: the budget is buffered')
      return pollIndex === 0 ? 0 : 10
    }
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running], [running], [succeeded])
      expectObservable(sessionFor().context.sync({ maxRetries: 1e8, retryInterval: 10, schedule })).toBe('---a 21ms (b|)', {
        a: withId(running),
        b: withId(succeeded),
      })
    })
    // 3 polls; expand may ask for the next delay once more as the last answer ends the watch (no request is sent).
    expect(scheduleCalls).toBeLessThanOrEqual(4)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1 + 3)
  })

  it('keeps O(1) scheduled actions while it polls, whatever the budget', () => {
    const pending: number[] = []
    let result: unknown
    scheduler.run(({ flush }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      fake.respond('GetContextInfo', (_request, index) => {
        pending.push(scheduler.actions.length)
        return later(jsonResponse(contextInfoBody(index < 50 ? [running] : [succeeded])))
      })
      sessionFor().context.sync({ ...FAST, maxRetries: 1e8, retryInterval: 1e6 }).pipe(toSyncResult()).subscribe((r) => (result = r))
      flush()
    })
    expect(result).toEqual({ requestId: 'sync-1', success: true, timedOut: false, tasks: [succeeded] })
    expect(pending).toHaveLength(51)
    expect(Math.max(...pending)).toBeLessThanOrEqual(4)
  })

  it.each([
    ['retryInterval', { retryInterval: 3e9 }],
    ['noTaskGraceMs', { noTaskGraceMs: 3e9 }],
    ['retryInterval', { retryInterval: Infinity }],
  ])('refuses a single delay beyond 2^31−1 ms with a ValidationError naming %s, before any request', async (name, options) => {
    const error = await sessionFor().context.syncAsync(options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain(name)
    expect((error as Error).message).toContain('2147483647')
    expect(fake.requests).toHaveLength(0)
  })

  it('accepts a total budget beyond 2^31−1 ms (maxRetries × retryInterval) and still polls on schedule', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running], [succeeded])
      expectObservable(sessionFor().context.sync({ ...FAST, maxRetries: 10, retryInterval: 2_000_000_000 })).toBe('---a 10ms (b|)', {
        a: withId(running),
        b: withId(succeeded),
      })
    })
  })
})

// ---- item 4: what a sync expects -----------------------------------------------------------------

describe('what a sync expects (issue 9 item 4)', () => {
  it('with nothing mounted: triggers, then completes at once with success and no grace wait', async () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted([])
      pollsAnswer([])
      expectObservable(sessionFor().context.sync({ ...FAST, noTaskGraceMs: 3000 })).toBe('--|')
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1) // the baseline only: no poll after the trigger
  })

  it('with nothing mounted: syncAsync resolves success with the trigger requestId', async () => {
    let result: unknown
    scheduler.run(() => {
      triggerAnswers()
      mounted([])
      pollsAnswer([])
      void sessionFor().context.syncAsync(FAST).then((r) => (result = r))
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(result).toEqual({ requestId: 'sync-1', success: true, timedOut: false, tasks: [] })
  })

  it('with a context mounted and no task of this sync within the grace period: SyncUnconfirmedError at the first poll past it, never success', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1', 'ctx-2'])
      pollsAnswer([])
      // Grace 25 ms from the trigger (answered at 2); polls answered at 13, 24, 35: the last is past it.
      expectObservable(sessionFor().context.sync(FAST)).toBe('36ms #', undefined, unconfirmedError(34, '2 context(s) are'))
    })
  })

  it('syncAsync and toSyncResult fold an unconfirmed sync into success false, unconfirmed true, with the trigger requestId', async () => {
    const results: unknown[] = []
    scheduler.run(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([])
      const context = sessionFor().context
      void context.syncAsync(FAST).then((r) => results.push(r))
      void lastValueFrom(context.sync(FAST).pipe(toSyncResult())).then((r) => results.push(r))
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(results).toHaveLength(2)
    for (const result of results) {
      expect(result).toMatchObject({ requestId: 'sync-1', success: false, unconfirmed: true, timedOut: false, tasks: [] })
      expect((result as { errorMessage: string }).errorMessage).toMatch(/no sync task appeared/)
      expect((result as { error: unknown }).error).toBeInstanceOf(SyncUnconfirmedError)
    }
  })

  it('expects a task when GetSession leaves the context list out (unknown is not "nothing mounted")', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(undefined)
      pollsAnswer([])
      expectObservable(sessionFor().context.sync(FAST)).toBe('36ms #', undefined, unconfirmedError(34, 'contexts are'))
    })
  })

  it('a named contextId + path always expects its task and never asks GetSession', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      pollsAnswer([], [succeeded])
      expectObservable(sessionFor().context.sync({ ...FAST, contextId: 'ctx-1', path: '/home/wuying/data' })).toBe('---(a|)', { a: withId(succeeded) })
    })
    expect(fake.requestsOf('GetSession')).toHaveLength(0)
  })

  it('a handle from agentBay.get() knows its mounts: the sync asks GetSession no second time', async () => {
    mounted([])
    const agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {} })
    const session = await lastValueFrom(agentBay.get('s-1'))
    fake.respond('SyncContext', jsonResponse({ ...okBody(), RequestId: 'sync-1' }))
    fake.respond('GetContextInfo', jsonResponse(contextInfoBody([])))
    await expect(session.context.syncAsync(FAST)).resolves.toMatchObject({ success: true, tasks: [] })
    expect(fake.requestsOf('GetSession')).toHaveLength(1)
  })

  describe('a task that shows up 4 s after the trigger and then fails', () => {
    const lateTask = () => {
      triggerAnswers()
      mounted(['ctx-1'])
      // Polls every 500 ms from the trigger (answered at 2): nothing until 4 s, then running, then failed.
      fake.respond('GetContextInfo', (_request, index) => {
        const now = scheduler.now()
        const tasks = index === 0 || now < 4002 ? [] : now < 5002 ? [running] : [failed]
        return later(jsonResponse(contextInfoBody(tasks)))
      })
    }
    const options = (noTaskGraceMs: number): SyncOptions => ({ maxRetries: 100, retryInterval: 500, schedule: fixedSchedule(500), noTaskGraceMs })

    it('past a 3 s grace period: unconfirmed (success false) at the first poll past it, never success', () => {
      scheduler.run(({ expectObservable }) => {
        lateTask()
        expectObservable(sessionFor().context.sync(options(3000)).pipe(toSyncResult())).toBe('3009ms (a|)', {
          a: {
            requestId: 'sync-1',
            success: false,
            timedOut: false,
            unconfirmed: true,
            tasks: [],
            errorMessage: unconfirmedError(3007).message,
            error: unconfirmedError(3007),
          },
        })
      })
    })

    it('within a 5 s grace period: reported as failed', () => {
      scheduler.run(({ expectObservable }) => {
        lateTask()
        expectObservable(sessionFor().context.sync(options(5000)).pipe(toSyncResult())).toBe('5013ms (a|)', {
          a: {
            requestId: 'sync-1',
            success: false,
            timedOut: false,
            tasks: [failed],
            errorMessage: 'upload ctx-1:/home/wuying/data failed: disk full',
          },
        })
      })
    })
  })

  it.each([
    ['a TaskType "Upload"', JSON.stringify([{ type: 'data', data: JSON.stringify([{ ...running, taskType: 'Upload' }]) }]), 'Data.ContextStatus[0].data[0].taskType'],
    ['an unknown status', JSON.stringify([{ type: 'data', data: JSON.stringify([{ ...running, status: 'Uploading' }]) }]), 'Data.ContextStatus[0].data[0].status'],
  ])('fails with a DecodeError at the path for %s, not "no tasks"', (_label, contextStatus, path) => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], jsonResponse({ ...okBody({ ContextStatus: contextStatus }), RequestId: 'x' }))
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '---#',
        undefined,
        new DecodeError(`unexpected response body: expected one of ${path.endsWith('taskType') ? '"upload", "download", got "Upload"' : '"Pending", "Running", "Success", "Failed", got "Uploading"'}`, {
          action: 'GetContextInfo',
          path,
          requestId: 'x',
        }),
      )
    })
  })

  it('fails with a DecodeError for Data: null, not "no tasks"', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], jsonResponse({ ...okBody(), Data: null, RequestId: 'x' }))
      expectObservable(sessionFor().context.sync(FAST)).toBe('---#', undefined, new DecodeError('unexpected response body: expected Partial<{ ContextStatus: ContextStatusFromString }>, got null', { action: 'GetContextInfo', path: 'Data', requestId: 'x' }))
    })
  })
})

// ---- item 5: the budget is a deadline -------------------------------------------------------------

describe('the budget is a wall-clock deadline (issue 9 item 5)', () => {
  it('aborts a poll that hangs at the deadline and completes as timed out', () => {
    scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      const hanging = cold<RawResponse>('-')
      pollsAnswer([], [running], hanging)
      // deadline = 5 × 10 ms from subscribe; poll 1 leaves at 13 and never answers.
      expectObservable(sessionFor().context.sync(FAST)).toBe('---a 46ms |', { a: withId(running) })
      expectSubscriptions(hanging.subscriptions).toBe('-------------^------------------------------------!')
    })
    expect(fake.requestsOf('GetContextInfo').at(-1)?.state).toBe('cancelled')
    fake.verify()
  })

  it('folds the hanging poll into timedOut with the last state seen', () => {
    scheduler.run(({ expectObservable, cold }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running], cold<RawResponse>('-'))
      expectObservable(sessionFor().context.sync(FAST).pipe(toSyncResult())).toBe('50ms (a|)', {
        a: { requestId: 'sync-1', success: false, timedOut: true, tasks: [running], errorMessage: 'sync timed out with 1 task(s) still in progress' },
      })
    })
  })

  it('binds before the poll count when polls take time: 100 polls allowed, the deadline ends it at 1000 ms', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running])
      expectObservable(sessionFor().context.sync({ ...FAST, maxRetries: 100 })).toBe('---a 996ms |', { a: withId(running) })
    })
    const polls = fake.requestsOf('GetContextInfo').length - 1
    expect(polls).toBeGreaterThan(80)
    expect(polls).toBeLessThan(100)
  })

  it('errors with RequestTimeoutError when the trigger itself is still unanswered at the deadline', () => {
    scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
      const hangingTrigger = cold<RawResponse>('-')
      fake.respond('SyncContext', () => hangingTrigger)
      mounted(['ctx-1'])
      pollsAnswer([])
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '50ms #',
        undefined,
        new RequestTimeoutError('the sync was not triggered within its budget of 50 ms', { action: 'SyncContext' }),
      )
      expectSubscriptions(hangingTrigger.subscriptions).toBe('-^------------------------------------------------!')
    })
    expect(fake.requestsOf('SyncContext')[0]?.state).toBe('cancelled')
  })
})

// ---- item 9: wrong types and the official positional forms ---------------------------------------

describe('wrong types and positional forms (issue 9 item 9)', () => {
  // Plain JavaScript callers: the official SDK's positional arguments, unchecked by TypeScript.
  const positional = (fn: unknown, ...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args)

  it('sync(contextId, path, mode) errors with a ValidationError naming the form to use', () => {
    scheduler.run(({ expectObservable }) => {
      const context = sessionFor().context
      const sync$ = positional(context.sync.bind(context), 'ctx-1', '/home/wuying/data', 'upload') as Observable<unknown>
      expectObservable(sync$).toBe('#', undefined, {
        name: 'ValidationError',
        kind: 'validation',
        message: 'sync() takes one options object: sync({ contextId, path, mode }); got 3 argument(s), the first the string "ctx-1"',
      })
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('sync$ forwards the positional form to the same error', async () => {
    const context = sessionFor().context
    const sync$ = positional(context.sync$.bind(context), 'ctx-1', '/p', 'upload') as Observable<unknown>
    await expect(lastValueFrom(sync$)).rejects.toThrow(/sync\(\) takes one options object: sync\(\{ contextId, path, mode \}\)/)
  })

  it('syncAsync(contextId, path, mode) rejects with a ValidationError naming the form to use', async () => {
    const context = sessionFor().context
    const pending = positional(context.syncAsync.bind(context), 'ctx-1', '/p', 'upload') as Promise<unknown>
    await expect(pending).rejects.toThrow(ValidationError)
    await expect(pending).rejects.toThrow(/syncAsync\(\) takes one options object: syncAsync\(\{ contextId, path, mode, signal, callback \}\)/)
    expect(fake.requests).toHaveLength(0)
  })

  it("info('ctx') rejects with a ValidationError naming the form to use", async () => {
    const context = sessionFor().context
    await expect(lastValueFrom(positional(context.info.bind(context), 'ctx-1') as Observable<unknown>)).rejects.toThrow(
      /info\(\) takes one options object: info\(\{ contextId, path, taskType \}\)/,
    )
    await expect(positional(context.infoAsync.bind(context), 'ctx-1') as Promise<unknown>).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })

  it.each([
    ['signal: {}', { signal: {} }, /signal must be an AbortSignal/],
    ['signal: "abort"', { signal: 'abort' }, /signal must be an AbortSignal/],
    ["callback: 'yes'", { callback: 'yes' }, /callback must be a function/],
  ])('syncAsync({ %s }) rejects with a ValidationError before any request', async (_label, options, message) => {
    const pending = sessionFor().context.syncAsync(options as never)
    await expect(pending).rejects.toBeInstanceOf(ValidationError)
    await expect(pending).rejects.toThrow(message)
    expect(fake.requests).toHaveLength(0)
  })

  it('infoAsync with signal: {} rejects with a ValidationError', async () => {
    await expect(sessionFor().context.infoAsync({}, { signal: {} as AbortSignal })).rejects.toThrow(/signal must be an AbortSignal/)
    expect(fake.requests).toHaveLength(0)
  })

  it('never calls the callback when syncAsync rejects invalid options', async () => {
    const calls: boolean[] = []
    await expect(sessionFor().context.syncAsync({ maxRetries: 0, callback: (success) => calls.push(success) })).rejects.toBeInstanceOf(ValidationError)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(calls).toEqual([])
    expect(fake.requests).toHaveLength(0)
  })
})

// ---- item 11: the callback form only reports the trigger ------------------------------------------

describe('the callback form (issue 9 item 11)', () => {
  it('resolves to a trigger-only result and reports false through the callback when the task later fails', async () => {
    const calls: boolean[] = []
    let resolved: unknown
    scheduler.run(({ flush }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running], [failed])
      void sessionFor()
        .context.syncAsync({ ...FAST, callback: (success) => calls.push(success) })
        .then((result) => (resolved = result))
      flush()
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(resolved).toEqual({ requestId: 'sync-1', success: true, triggered: true })
    expect(calls).toEqual([false])
  })
})

// ---- item 17: the watch's rules --------------------------------------------------------------------

describe('the watch (issue 9 item 17)', () => {

  it('over two mounts completes only when every task is terminal, not when one is', () => {
    const bRunning = otherMount({ status: 'Running' })
    const bDone = otherMount({ status: 'Success', finishTime: 1_700_000_107 })
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1', 'ctx-2'])
      pollsAnswer([], [succeeded, bRunning], [succeeded, bRunning], [succeeded, bDone])
      expectObservable(sessionFor().context.sync(FAST)).toBe('---(ab) 18ms (c|)', { a: withId(succeeded), b: withId(bRunning), c: withId(bDone) })
    })
  })

  it('does not end on a mount whose running task vanished while another mount is done', () => {
    const bRunning = otherMount({ status: 'Running' })
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1', 'ctx-2'])
      pollsAnswer([], [running, bRunning], [succeeded])
      // The vanished task keeps its last state (Running): the watch goes on until the budget.
      expectObservable(sessionFor().context.sync(FAST).pipe(toSyncResult())).toBe('47ms (a|)', {
        a: {
          requestId: 'sync-1',
          success: false,
          timedOut: true,
          tasks: [succeeded, bRunning],
          errorMessage: 'sync timed out with 1 task(s) still in progress',
        },
      })
    })
  })

  it('every poll failing (HTTP 503) ends in that error, never in an empty success or unconfirmed', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }, 503))
      expectObservable(sessionFor(1).context.sync(FAST)).toBe(
        '47ms #',
        undefined,
        { name: 'HttpError', kind: 'http', message: 'GetContextInfo failed: HTTP 503 [ServiceUnavailable] busy (requestId r-503)' },
      )
    })
  })

  it('skips a poll that failed with HTTP 500 (transient, not only 503) and sees the task finish', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], jsonResponse({ Code: 'InternalError', Message: 'oops' }, 500), [succeeded])
      expectObservable(sessionFor(1).context.sync(FAST)).toBe('14ms (a|)', { a: withId(succeeded) })
    })
  })

  const stale = task({ status: 'Success', startTime: 1_700_000_000, finishTime: 1_700_000_001 })

  it('takes a task identical to a pre-trigger one for this sync once the grace period is over (back-to-back syncs in one second)', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([stale], [stale])
      // grace 25 ms from the trigger at 2: polls answered at 3, 14, 25 do not count it; the one at 36 does.
      expectObservable(sessionFor().context.sync(FAST)).toBe('36ms (a|)', { a: withId(stale) })
    })
  })

  it('counts a task seen running that then ends exactly like a stale one, before the grace period is over', () => {
    const again = { ...stale, status: 'Running', finishTime: 0 }
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([stale], [again], [stale])
      expectObservable(sessionFor().context.sync({ ...FAST, noTaskGraceMs: 1000 })).toBe('---a 10ms (b|)', { a: withId(again), b: withId(stale) })
    })
  })
})

// ---- the reads before the trigger failing (the stale-task snapshot and GetSession) ---------------
// The official SDK makes neither read, so a transient failure of one must not cost the sync its
// trigger; a non-transient one ends the sync before it, as the trigger would fail the same way.
// One attempt per request (sessionFor(1)): the failure is what reaches the sync after the rpc's own retries.

const unavailable = jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }, 503)
const forbidden = jsonResponse({ Code: 'Forbidden', Message: 'not yours', RequestId: 'r-403' }, 403)

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
      mounted(['ctx-1'])
      pollsAnswer(unavailable, [running], [succeeded])
      expectObservable(sessionFor(1).context.sync(FAST)).toBe('---a 10ms (b|)', { a: withId(running), b: withId(succeeded) })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(3)
  })

  it('takes a task first seen finished for a possibly stale one until the grace period is over, then reports it', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer(unavailable, [succeeded])
      // Polls answered at 3, 14 and 25 are within the grace period (25 ms from 2): not this sync's yet.
      expectObservable(sessionFor(1).context.sync(FAST)).toBe('36ms (a|)', { a: withId(succeeded) })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('over two mounts, does not drop a mount whose task failed before the first poll because the other mount was seen: it waits out the grace period, then reports the failure', () => {
    const bFailed = otherMount({ status: 'Failed', finishTime: 1_700_000_105, errorMessage: 'disk full' })
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1', 'ctx-2'])
      pollsAnswer(unavailable, [running, bFailed], [succeeded, bFailed])
      // ctx-1 is done at 14, but ctx-2's failed task may be this sync's: counted at 36, past the grace period.
      expectObservable(sessionFor(1).context.sync(FAST).pipe(toSyncResult())).toBe('36ms (a|)', {
        a: { requestId: 'sync-1', success: false, timedOut: false, tasks: [succeeded, bFailed], errorMessage: expect.stringContaining('disk full') },
      })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('reports a task held back as possibly stale when the budget ends before the grace period', () => {
    const bFailed = otherMount({ status: 'Failed', finishTime: 1_700_000_105, errorMessage: 'disk full' })
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1', 'ctx-2'])
      pollsAnswer(unavailable, [succeeded, bFailed])
      expectObservable(sessionFor(1).context.sync({ ...FAST, maxRetries: 2, noTaskGraceMs: 1000 }).pipe(toSyncResult())).toBe('14ms (a|)', {
        a: { requestId: 'sync-1', success: false, timedOut: false, tasks: [succeeded, bFailed], errorMessage: expect.stringContaining('disk full') },
      })
    })
  })

  it('counts a task seen running and then finished within the grace period as this sync’s', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer(unavailable, [running], [succeeded])
      expectObservable(sessionFor(1).context.sync({ ...FAST, noTaskGraceMs: 1000 })).toBe('---a 10ms (b|)', { a: withId(running), b: withId(succeeded) })
    })
  })

  it('syncAsync resolves success with the trigger requestId and the task', async () => {
    let result: unknown
    await settled(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer(unavailable, [running], [succeeded])
      void sessionFor(1).context.syncAsync(FAST).then((r) => (result = r))
    })
    expect(result).toEqual({ requestId: 'sync-1', success: true, timedOut: false, tasks: [succeeded] })
    expect(fake.requestsOf('SyncContext')).toHaveLength(1)
  })

  it('the callback form resolves "triggered" and reports true once', async () => {
    const calls: boolean[] = []
    let resolved: unknown
    await settled(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer(unavailable, [succeeded])
      void sessionFor(1)
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
      mounted(['ctx-1'])
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
      expectObservable(sessionFor(1).context.sync(FAST)).toBe(
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
      const context = sessionFor(1).context
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
      mounted(['ctx-1'])
      pollsAnswer(forbidden, [succeeded])
      expectObservable(sessionFor(1).context.sync(FAST)).toBe('-#', undefined, forbiddenError)
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
  })

  it('GetSession: the sync errors with that failure and never triggers', () => {
    scheduler.run(({ expectObservable }) => {
      triggerAnswers()
      fake.respond('GetSession', forbidden)
      pollsAnswer([], [succeeded])
      expectObservable(sessionFor(1).context.sync(FAST)).toBe('#', undefined, { ...forbiddenError, message: forbiddenError.message.replace('GetContextInfo', 'GetSession') })
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
  })

  it('syncAsync resolves the failure; the callback form resolves "not triggered" and reports false once', async () => {
    const calls: boolean[] = []
    const results: unknown[] = []
    await settled(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer(forbidden)
      const context = sessionFor(1).context
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

describe('syncAsync edges (the slimmed run)', () => {
  it('an AbortSignal-like object that calls its listeners as functions aborts the sync, and its listener is removed', async () => {
    const listeners = new Set<unknown>()
    const reason = new Error('stop now')
    const signal = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (_type: string, listener: unknown) => listeners.add(listener),
      removeEventListener: (_type: string, listener: unknown) => listeners.delete(listener),
    }
    let outcome: unknown
    await settled(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [running])
      sessionFor()
        .context.syncAsync({ ...FAST, maxRetries: 100, signal: signal as unknown as AbortSignal })
        .then(
          (result) => (outcome = { resolved: result }),
          (error: unknown) => (outcome = { rejected: error }),
        )
      scheduler.schedule(() => {
        signal.aborted = true
        signal.reason = reason
        for (const listener of [...listeners]) (listener as (event: unknown) => void)({ type: 'abort' })
      }, 20)
    })
    expect(outcome).toEqual({ rejected: reason })
    expect(listeners.size).toBe(0)
  })

  it('calls the callback as a plain function (this is undefined), once', async () => {
    const seen: unknown[] = []
    await settled(() => {
      triggerAnswers()
      mounted(['ctx-1'])
      pollsAnswer([], [succeeded])
      void sessionFor().context.syncAsync({
        ...FAST,
        callback: function (this: unknown, success: boolean) {
          seen.push({ self: this, success })
        },
      })
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen).toEqual([{ self: undefined, success: true }])
  })
})
