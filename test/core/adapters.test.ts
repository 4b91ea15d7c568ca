import { getEventListeners } from 'node:events'
import { EMPTY, EmptyError, NEVER, Subject, concat, from, of, take, throwError, type Observable } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AgentBay,
  ApiError,
  DecodeError,
  HttpError,
  ValidationError,
  fixedSchedule,
  summarizeSync,
  toSyncResult,
  type ContextStatusData,
  type Logger,
  type SyncOptions,
} from '../../src/entries/index.js'
import { failureFields, lastValueWithSignal } from '../../src/shared/adapters.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport, type RawResponse } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Real time, but tiny: polls 1 ms apart, a handful at most, no grace wait. The budget is a
// wall-clock deadline (5 × 400 ms), generous so a loaded machine never hits it: the poll count ends first.
const FAST: SyncOptions = { retryInterval: 400, maxRetries: 5, noTaskGraceMs: 0, schedule: fixedSchedule(1) }

const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })
const failed = task({ status: 'Failed', startTime: 1_700_000_100, finishTime: 1_700_000_105, errorMessage: 'disk full' })

let fake: FakeTransport
let warnings: unknown[][]

beforeEach(() => {
  fake = createFakeTransport()
  warnings = []
})

const logger: Logger = { debug: () => undefined, warn: (...args: unknown[]) => warnings.push(args) }
const contextOf = () =>
  new AgentBay({ apiKey: 'ak-adapter-key', env: {}, transport: fake.transport, retry: { attempts: 1 }, logger }).session('s-1').context

const syncAccepted = (): void => {
  fake.respond('SyncContext', jsonResponse({ ...okBody(), RequestId: 'sync-1' }))
  mounted('ctx-1')
}

/** GetSession answers with these contexts mounted (what an unscoped sync expects tasks from). */
const mounted = (...contextIds: string[]): void =>
  fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', contexts: contextIds.map((id) => ({ id, name: `name-${id}` })) })))

/** GetContextInfo answers: entry i answers poll i (0 = the baseline before the trigger); the last repeats. */
function polls(...answers: (readonly ContextStatusData[] | RawResponse | Observable<RawResponse>)[]): void {
  fake.respond('GetContextInfo', (_request, index) => {
    const answer = answers[Math.min(index, answers.length - 1)] ?? []
    return Array.isArray(answer) ? jsonResponse(contextInfoBody(answer)) : (answer as RawResponse | Observable<RawResponse>)
  })
}

/** Resolves when `count` GetContextInfo requests have gone out. */
const pollsSent = (count: number) => vi.waitFor(() => expect(fake.requestsOf('GetContextInfo').length).toBeGreaterThanOrEqual(count), { interval: 1, timeout: 30_000 })

/** A callback that records its calls and lets the test await the first one. */
function recordingCallback(behaviour: (success: boolean) => void = () => undefined) {
  const calls: boolean[] = []
  let called!: (value: boolean) => void
  const firstCall = new Promise<boolean>((resolve) => (called = resolve))
  const callback = (success: boolean): void => {
    calls.push(success)
    called(success)
    behaviour(success)
  }
  return { calls, firstCall, callback }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

// ---- infoAsync ----------------------------------------------------------------------------------

describe('infoAsync', () => {
  it('resolves the reference result shape on success', async () => {
    fake.respond('GetContextInfo', jsonResponse({ ...contextInfoBody([succeeded]), RequestId: 'info-1' }))
    await expect(contextOf().infoAsync({ contextId: 'ctx-1', path: '/p', taskType: 'upload' })).resolves.toEqual({
      requestId: 'info-1',
      success: true,
      contextStatusData: [succeeded],
    })
    expect(fake.requests[0]?.params).toEqual({ SessionId: 's-1', ContextId: 'ctx-1', Path: '/p', TaskType: 'upload' })
  })

  it.each([
    ['a business error', jsonResponse({ Success: false, Code: 'InvalidSession', Message: 'gone', RequestId: 'r-9' }), ApiError, 'r-9', /\[InvalidSession\] gone/],
    ['an HTTP error', jsonResponse({ Code: 'InternalError', RequestId: 'r-5' }, 500), HttpError, 'r-5', /HTTP 500/],
    ['a malformed ContextStatus', jsonResponse({ ...okBody({ ContextStatus: '[{' }), RequestId: 'r-d' }), DecodeError, 'r-d', /Data\.ContextStatus/],
  ])('resolves success false with errorMessage and the typed error on %s', async (_label, raw, type, requestId, message) => {
    fake.respond('GetContextInfo', raw)
    const result = await contextOf().infoAsync()
    expect(result).toMatchObject({ success: false, requestId, contextStatusData: [] })
    expect(result.errorMessage).toMatch(message)
    expect(result.error).toBeInstanceOf(type)
    expect(result.errorMessage).toBe(result.error?.message)
  })

  it('rejects invalid filters with a ValidationError before any request', async () => {
    await expect(contextOf().infoAsync({ taskType: 'sideways' as never })).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })

  it('aborts: the request is cancelled and the promise rejects with the abort reason', async () => {
    const controller = new AbortController()
    const pending = contextOf().infoAsync({}, { signal: controller.signal })
    expect(fake.requests.map((request) => request.state)).toEqual(['pending'])
    const reason = new Error('user gave up')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(fake.requests.map((request) => request.state)).toEqual(['cancelled'])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    fake.verify()
  })

  it('rejects with an AbortError at once, sending nothing, when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(contextOf().infoAsync({}, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(fake.requests).toHaveLength(0)
  })

  it('removes its abort listener once settled, and a late abort changes nothing', async () => {
    fake.respond('GetContextInfo', jsonResponse(contextInfoBody([])))
    const controller = new AbortController()
    const result = await contextOf().infoAsync({}, { signal: controller.signal })
    expect(result.success).toBe(true)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    controller.abort()
    expect(fake.requests.map((request) => request.state)).toEqual(['answered'])
  })
})

// ---- syncAsync ----------------------------------------------------------------------------------

describe('syncAsync', () => {
  it('resolves success when every task of this sync ends Success', async () => {
    syncAccepted()
    polls([], [running], [succeeded])
    await expect(contextOf().syncAsync({ ...FAST, mode: 'upload' })).resolves.toEqual({
      requestId: 'sync-1',
      success: true,
      timedOut: false,
      tasks: [succeeded],
    })
    fake.verify()
  })

  it('resolves success false with the task error when a task Failed', async () => {
    syncAccepted()
    polls([], [running], [failed])
    const result = await contextOf().syncAsync(FAST)
    expect(result).toMatchObject({ requestId: 'sync-1', success: false, timedOut: false, tasks: [failed] })
    expect(result.errorMessage).toContain('disk full')
  })

  it('resolves timedOut when the poll budget runs out with a task still running', async () => {
    syncAccepted()
    polls([], [running])
    const result = await contextOf().syncAsync({ ...FAST, maxRetries: 3 })
    expect(result).toMatchObject({ requestId: 'sync-1', success: false, timedOut: true, tasks: [running] })
    expect(result.errorMessage).toMatch(/timed out/)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1 + 3)
  })

  it('resolves success false with the typed error when the trigger is refused', async () => {
    fake.respond('SyncContext', jsonResponse({ Success: false, Code: 'InvalidSession', Message: 'gone', RequestId: 'r-t' }))
    mounted('ctx-1')
    polls([])
    const result = await contextOf().syncAsync(FAST)
    expect(result).toMatchObject({ requestId: 'r-t', success: false, timedOut: false, tasks: [] })
    expect(result.error).toBeInstanceOf(ApiError)
  })

  it.each([
    ['contextId without path', { contextId: 'ctx-1' }],
    ['path without contextId', { path: '/p' }],
    ['an unknown mode', { mode: 'sideways' as never }],
    ['a zero poll budget', { maxRetries: 0 }],
    ['a negative interval', { retryInterval: -1 }],
  ])('rejects %s with a ValidationError before any request', async (_label, options) => {
    await expect(contextOf().syncAsync(options)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })

  it('aborts mid-poll: the poll in flight is cancelled and the promise rejects with the reason', async () => {
    syncAccepted()
    polls([], NEVER)
    const controller = new AbortController()
    const pending = contextOf().syncAsync({ ...FAST, signal: controller.signal })
    await pollsSent(2)
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(fake.requestsOf('GetContextInfo').map((request) => request.state)).toEqual(['answered', 'cancelled'])
    await settle()
    expect(fake.requests).toHaveLength(4) // baseline, GetSession, trigger, poll: nothing more goes out after the abort
    fake.verify()
  })
})

describe('syncAsync with a callback', () => {
  it('resolves right after the trigger, then calls the callback exactly once with true', async () => {
    syncAccepted()
    const answers = new Subject<RawResponse>()
    polls([], answers.pipe(take(1)))
    const { calls, firstCall, callback } = recordingCallback()

    const result = await contextOf().syncAsync({ ...FAST, callback })
    // issue 9 item 11: the promise only reports the trigger, and says so.
    expect(result).toEqual({ requestId: 'sync-1', success: true, triggered: true })
    expect(calls).toEqual([])

    await pollsSent(2)
    answers.next(jsonResponse(contextInfoBody([succeeded])))
    await expect(firstCall).resolves.toBe(true)
    await settle()
    expect(calls).toEqual([true])
    fake.verify()
  })

  it('calls the callback once with false when a task Failed', async () => {
    syncAccepted()
    polls([], [failed])
    const { calls, firstCall, callback } = recordingCallback()
    await expect(contextOf().syncAsync({ ...FAST, callback })).resolves.toEqual({ success: true, triggered: true, requestId: 'sync-1' })
    await expect(firstCall).resolves.toBe(false)
    await settle()
    expect(calls).toEqual([false])
  })

  it('calls the callback once with false on a remote failure while polling', async () => {
    syncAccepted()
    polls([], jsonResponse({ Success: false, Code: 'InvalidSession', Message: 'gone' }))
    const { calls, firstCall, callback } = recordingCallback()
    await contextOf().syncAsync({ ...FAST, callback })
    await expect(firstCall).resolves.toBe(false)
    await settle()
    expect(calls).toEqual([false])
  })

  it('resolves with the failure and calls the callback once with false when the trigger is refused', async () => {
    fake.respond('SyncContext', jsonResponse({ Code: 'InternalError' }, 500))
    mounted('ctx-1')
    polls([])
    const { calls, callback } = recordingCallback()
    const result = await contextOf().syncAsync({ ...FAST, callback })
    expect(result).toMatchObject({ success: false, triggered: false })
    expect(result.success ? undefined : result.error).toBeInstanceOf(HttpError)
    await settle()
    expect(calls).toEqual([false])
  })

  it('calls a throwing callback exactly once and logs a warning instead of retrying or reporting false', async () => {
    syncAccepted()
    polls([], [succeeded])
    const { calls, firstCall, callback } = recordingCallback(() => {
      throw new Error('callback bug')
    })
    await contextOf().syncAsync({ ...FAST, callback })
    await firstCall
    await settle()
    expect(calls).toEqual([true])
    expect(warnings).toHaveLength(1)
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(2)
  })

  it('calls the callback once with false when aborted after the trigger, and cancels the poll', async () => {
    syncAccepted()
    polls([], NEVER)
    const controller = new AbortController()
    const { calls, firstCall, callback } = recordingCallback()
    await expect(contextOf().syncAsync({ ...FAST, callback, signal: controller.signal })).resolves.toMatchObject({ success: true })
    await pollsSent(2)
    controller.abort()
    await expect(firstCall).resolves.toBe(false)
    await settle()
    expect(calls).toEqual([false])
    expect(fake.requestsOf('GetContextInfo').map((request) => request.state)).toEqual(['answered', 'cancelled'])
  })
})

// ---- toSyncResult / summarizeSync --------------------------------------------------------------

describe('toSyncResult()', () => {
  let scheduler: TestScheduler
  beforeEach(() => {
    scheduler = createTestScheduler()
  })

  it('folds a task stream into one result when it completes, keeping each task’s last state', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const tasks$ = cold('-a-b-c|', {
        a: { ...running, requestId: 'sync-7' },
        b: { ...task({ contextId: 'ctx-2', status: 'Success', finishTime: 2 }), requestId: 'sync-7' },
        c: { ...succeeded, requestId: 'sync-7' },
      })
      expectObservable(tasks$.pipe(toSyncResult())).toBe('------(r|)', {
        r: { requestId: 'sync-7', success: true, timedOut: false, tasks: [succeeded, task({ contextId: 'ctx-2', status: 'Success', finishTime: 2 })] },
      })
    })
  })

  it('reports a Failed task and a task left running', async () => {
    const fail = await new Promise((resolve) => from([running, failed]).pipe(toSyncResult('given')).subscribe(resolve))
    expect(fail).toMatchObject({ requestId: 'given', success: false, timedOut: false, tasks: [failed] })
    const unfinished = await new Promise((resolve) => of(running).pipe(toSyncResult()).subscribe(resolve))
    expect(unfinished).toMatchObject({ requestId: '', success: false, timedOut: true })
  })

  it('reads a sync with no task as success, and passes errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(EMPTY.pipe(toSyncResult('r-1'))).toBe('(r|)', { r: { requestId: 'r-1', success: true, timedOut: false, tasks: [] } })
      const error = new ApiError('gone')
      expectObservable(cold('-a-#', { a: running }, error).pipe(toSyncResult())).toBe('---#', undefined, error)
    })
  })

  it('summarizeSync counts only unfinished tasks as still in progress on a timeout', () => {
    const done = task({ contextId: 'ctx-2', status: 'Success', finishTime: 2 })
    expect(summarizeSync('r', [done, running]).errorMessage).toBe('sync timed out with 1 task(s) still in progress')
  })

  it('summarizeSync names every failed task in errorMessage', () => {
    const other = task({ contextId: 'ctx-2', status: 'Failed', errorMessage: '' })
    expect(summarizeSync('r', [failed, other]).errorMessage).toBe(
      'upload ctx-1:/home/wuying/data failed: disk full; upload ctx-2:/home/wuying/data failed: no reason given',
    )
  })
})

// ---- the bridge itself ----------------------------------------------------------------------------

describe('lastValueWithSignal / failureFields', () => {
  it('resolves the last value, like lastValueFrom, when not aborted', async () => {
    await expect(lastValueWithSignal(of(1, 2, 3), new AbortController().signal)).resolves.toBe(3)
    await expect(lastValueWithSignal(of(1, 2))).resolves.toBe(2)
  })

  it('rejects an empty source with EmptyError, not an AbortError, when nobody aborted', async () => {
    await expect(lastValueWithSignal(EMPTY, new AbortController().signal)).rejects.toBeInstanceOf(EmptyError)
  })

  it('rejects with the abort reason even when a value was already seen', async () => {
    const controller = new AbortController()
    const values = new Subject<number>()
    const pending = lastValueWithSignal(values, controller.signal)
    values.next(1)
    controller.abort('stop')
    await expect(pending).rejects.toBe('stop')
    expect(values.observed).toBe(false)
  })

  it('keeps the result of a source that ended before a same-tick abort', async () => {
    const controller = new AbortController()
    const pending = lastValueWithSignal(of(7), controller.signal)
    controller.abort()
    await expect(pending).resolves.toBe(7)
  })

  it('passes a source error through', async () => {
    const error = new HttpError('x')
    await expect(lastValueWithSignal(concat(of(1), throwError(() => error)), new AbortController().signal)).rejects.toBe(error)
  })

  it('failureFields maps remote failures and rethrows everything else', () => {
    const api = new ApiError('gone', { requestId: 'r-1' })
    expect(failureFields(api)).toEqual({ requestId: 'r-1', success: false, errorMessage: 'gone (requestId r-1)', error: api })
    const invalid = new ValidationError('bad')
    expect(() => failureFields(invalid)).toThrow(invalid)
    expect(() => failureFields(new TypeError('bug'))).toThrow(TypeError)
  })
})
