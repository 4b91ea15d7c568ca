// What a sync reports when the server leaves ids out, the trigger fails, the callback throws, or
// the budget is 0 ms (issue 9 item 17: survivors of src/sync/context-manager.ts). Virtual time.
import { lastValueFrom, throwError, type Observable } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, NetworkError, SyncUnconfirmedError, fixedSchedule, toSyncResult, type SyncOptions } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport, type RawResponse } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

const FAST: SyncOptions = { retryInterval: 10, maxRetries: 5, noTaskGraceMs: 25, schedule: fixedSchedule(10), contextId: 'ctx-1', path: '/home/wuying/data' }

let scheduler: TestScheduler
let fake: FakeTransport
let warnings: unknown[][]

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
  warnings = []
})

const session = () =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {}, logger: { debug: () => undefined, warn: (...args) => warnings.push(args) } }).session('s-1')
const later = (raw: RawResponse): Observable<RawResponse> => scheduler.createColdObservable('-(a|)', { a: raw })
const withoutRequestId = (body: Record<string, unknown>): Record<string, unknown> => {
  const { RequestId: _dropped, ...rest } = body
  return rest
}
const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })

/** Runs `start` in virtual time and lets the promise callbacks run. */
async function settle<T>(start: () => Promise<T>): Promise<T | undefined> {
  let result: T | undefined
  scheduler.run(({ flush }) => {
    void start().then((value) => (result = value))
    flush()
  })
  await new Promise((resolve) => setTimeout(resolve, 0))
  return result
}

describe('answers without a RequestId', () => {
  it('info() reports an empty requestId', async () => {
    fake.respond('GetContextInfo', jsonResponse(withoutRequestId(contextInfoBody([running]))))
    const result = await settle(() => session().context.infoAsync())
    expect(result).toEqual({ requestId: '', success: true, contextStatusData: [running] })
  })

  it('a trigger without one gives the tasks an empty requestId', async () => {
    fake.respond('SyncContext', () => later(jsonResponse(withoutRequestId(okBody()))))
    fake.respond('GetContextInfo', (_request, index) => later(jsonResponse(contextInfoBody(index === 0 ? [] : [succeeded]))))
    scheduler.run(({ expectObservable }) => {
      expectObservable(session().context.sync(FAST)).toBe('---(a|)', { a: { ...succeeded, requestId: '' } })
    })
    const result = await settle(() => session().context.syncAsync(FAST))
    expect(result).toEqual({ requestId: '', success: true, timedOut: false, tasks: [succeeded] })
  })

  it('toSyncResult() folds an unconfirmed sync that carries no requestId into an empty one', async () => {
    const unconfirmed$ = throwError(() => new SyncUnconfirmedError('no task appeared'))
    await expect(lastValueFrom(unconfirmed$.pipe(toSyncResult()))).resolves.toMatchObject({ requestId: '', success: false, unconfirmed: true })
  })
})

describe('a trigger that fails', () => {
  const triggerFails = () => {
    fake.respond('GetContextInfo', () => later(jsonResponse(contextInfoBody([]))))
    fake.respond('SyncContext', () => scheduler.createColdObservable('-#', undefined, new NetworkError('connection reset')))
  }

  it('syncAsync resolves to a failure with no requestId, none having been given', async () => {
    triggerFails()
    const result = await settle(() => session().context.syncAsync(FAST))
    expect(result).toMatchObject({ requestId: '', success: false, errorMessage: expect.stringContaining('connection reset') })
  })

  it('the callback form resolves to "not triggered" with the error, and reports false once', async () => {
    triggerFails()
    const calls: boolean[] = []
    const result = await settle(() => session().context.syncAsync({ ...FAST, callback: (success) => calls.push(success) }))
    expect(result).toMatchObject({ requestId: '', success: false, triggered: false, errorMessage: expect.stringContaining('connection reset') })
    expect(result).toHaveProperty('error', expect.any(NetworkError))
    expect(calls).toEqual([false])
  })
})

describe('a callback that throws', () => {
  it('is called once, and the throw is logged as a warning', async () => {
    fake.respond('SyncContext', () => later(jsonResponse({ ...okBody(), RequestId: 'sync-1' })))
    fake.respond('GetContextInfo', (_request, index) => later(jsonResponse(contextInfoBody(index === 0 ? [] : [succeeded]))))
    const thrown = new Error('callback bug')
    let calls = 0
    await settle(() =>
      session().context.syncAsync({
        ...FAST,
        callback: () => {
          calls += 1
          throw thrown
        },
      }),
    )
    expect(calls).toBe(1)
    expect(warnings).toEqual([['sync callback threw; it is not called again', thrown]])
  })
})

describe('a budget of 0 ms (retryInterval: 0)', () => {
  it('sets no deadline: the trigger and the polls take their time, only the poll count bounds them', () => {
    fake.respond('SyncContext', () => later(jsonResponse({ ...okBody(), RequestId: 'sync-1' })))
    fake.respond('GetContextInfo', (_request, index) => later(jsonResponse(contextInfoBody(index < 3 ? [running] : [succeeded]))))
    scheduler.run(({ expectObservable }) => {
      const sync$ = session().context.sync({ ...FAST, retryInterval: 0, schedule: fixedSchedule(10) })
      // baseline 0–1, trigger 1–2, polls answered at 3, 14 and 25
      expectObservable(sync$).toBe('---a 21ms (b|)', { a: { ...running, requestId: 'sync-1' }, b: { ...succeeded, requestId: 'sync-1' } })
    })
  })
})
