import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, DecodeError, ApiError, SyncUnconfirmedError, fixedSchedule, type SyncOptions } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import type { ContextStatusData } from '../../src/entries/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Every fake answer arrives one frame after the request: baseline poll at 0, trigger at 1, first poll at 2.
const FAST: SyncOptions = { retryInterval: 10, maxRetries: 5, noTaskGraceMs: 25, schedule: fixedSchedule(10) }

let scheduler: TestScheduler
let fake: FakeTransport

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
})

const sessionFor = () =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {}, random: () => 0.5 }).session('s-1')

/** Answers the n-th GetContextInfo (0 = the baseline before the trigger) with these task lists. */
function pollsAnswer(...lists: (readonly ContextStatusData[] | Error | string)[]): void {
  fake.respond('GetContextInfo', (_request, index) => {
    const entry = lists[Math.min(index, lists.length - 1)]
    if (entry instanceof Error) return scheduler.createColdObservable('-#', undefined, entry)
    if (typeof entry === 'string') return scheduler.createColdObservable('-(a|)', { a: jsonResponse(entry) })
    return scheduler.createColdObservable('-(a|)', { a: jsonResponse(contextInfoBody(entry ?? [])) })
  })
  fake.respond('SyncContext', () => scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'sync-1' }) }))
  mounted('ctx-1')
}

/** GetSession answers at once with these contexts mounted (what an unscoped sync expects tasks from). */
function mounted(...contextIds: string[]): void {
  fake.respond('GetSession', jsonResponse(okBody({ SessionId: 's-1', contexts: contextIds.map((id) => ({ id, name: `name-${id}` })) })))
}

const running = task({ status: 'Running', startTime: 1_700_000_100 })
const succeeded = task({ status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_105 })
const failed = task({ status: 'Failed', startTime: 1_700_000_100, finishTime: 1_700_000_105, errorMessage: 'disk full' })
const withId = (t: ContextStatusData) => ({ ...t, requestId: 'sync-1' })

describe('sync() in virtual time', () => {
  it('emits an upload task when it appears and when it changes, then completes when it is terminal', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [running], [running], [succeeded])
      // polls answer at 3, 14, 25
      expectObservable(sessionFor().context.sync({ ...FAST, mode: 'upload' })).toBe('---a 21ms (b|)', {
        a: withId(running),
        b: withId(succeeded),
      })
    })
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(4)
    expect(fake.requestsOf('SyncContext')[0]?.params).toMatchObject({ SessionId: 's-1', Mode: 'upload' })
    fake.verify()
  })

  it('follows a download task in download mode and ignores the upload task beside it', () => {
    const download = task({ taskType: 'download', status: 'Pending', startTime: 1_700_000_200 })
    const downloaded = { ...download, status: 'Success', finishTime: 1_700_000_201 }
    const otherUpload = task({ taskType: 'upload', status: 'Running', startTime: 1_700_000_200 })
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [download, otherUpload], [downloaded, otherUpload])
      expectObservable(sessionFor().context.sync({ ...FAST, mode: 'download' })).toBe('---a 10ms (b|)', {
        a: withId(download),
        b: withId(downloaded),
      })
    })
  })

  it('emits a Failed task as a value and completes without an error', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [running], [failed])
      expectObservable(sessionFor().context.sync(FAST)).toBe('---a 10ms (b|)', { a: withId(running), b: withId(failed) })
    })
  })

  it('completes without error when the poll budget runs out while a task is still running', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [running])
      // maxRetries 3: polls answered at 3, 14, 25; the budget ends at 25.
      expectObservable(sessionFor().context.sync({ ...FAST, maxRetries: 3 })).toBe('---a 21ms |', { a: withId(running) })
    })
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1 + 3)
  })

  it('never ends on a task that had already finished before the trigger (regression: protocol §7.3)', () => {
    const earlierDownload = task({ taskType: 'upload', status: 'Success', startTime: 1_699_999_000, finishTime: 1_699_999_010 })
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([earlierDownload], [earlierDownload], [earlierDownload, running], [earlierDownload, succeeded])
      expectObservable(sessionFor().context.sync(FAST)).toBe('--------------a 10ms (b|)', {
        a: withId(running),
        b: withId(succeeded),
      })
    })
  })

  it('errors with SyncUnconfirmedError, never an empty success, when contexts are mounted and no task of this sync ever shows up', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [])
      // issue 9: nothing seen within the grace period (25 ms) ends the watch at the first poll past it (answered at 3, 14, 25, 36).
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '36ms #',
        undefined,
        new SyncUnconfirmedError(
          'no sync task appeared within 34 ms of the trigger, although 1 context(s) are mounted in its scope: its outcome is unknown',
          { requestId: 'sync-1' },
        ),
      )
    })
  })

  it('retries a poll that failed transiently (503) within the budget and still sees the task finish', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('SyncContext', () => scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'sync-1' }) }))
      mounted('ctx-1')
      fake.respond('GetContextInfo', (_request, index) => {
        // baseline, then a 503 on every attempt of the first poll (rpc retries 3 times), then the task.
        const body =
          index === 0 ? jsonResponse(contextInfoBody([])) :
          index <= 3 ? jsonResponse({ Code: 'ServiceUnavailable', Message: 'busy' }, 503) :
          jsonResponse(contextInfoBody([succeeded]))
        return scheduler.createColdObservable('-(a|)', { a: body })
      })
      // The budget (4 × 200 ms) is a deadline: it must leave room for the backoff of the first poll.
      const sync$ = sessionFor().context.sync({ ...FAST, maxRetries: 4, retryInterval: 200 })
      // poll 0's attempts answer at 3, 154, 455 (backoff 150 ms then 300 ms with random 0.5) and it is skipped;
      // poll 1 goes out 10 ms later and sees the task finished.
      expectObservable(sync$).toBe('466ms (a|)', { a: withId(succeeded) })
    })
  })

  it('surfaces a malformed ContextStatus as a DecodeError at once, never as "no tasks"', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], JSON.stringify({ ...okBody({ ContextStatus: '[{"type":"data","data":"not json"}]' }), RequestId: 'x' }))
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '---#',
        undefined,
        new DecodeError('unexpected response body: expected valid JSON inside the string', {
          action: 'GetContextInfo',
          path: 'Data.ContextStatus[0].data',
          requestId: 'x',
        }),
      )
    })
  })

  it('fails at once on an API error during polling (regression: protocol §7.2)', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], JSON.stringify({ Success: false, Code: 'InvalidSession', Message: 'gone', RequestId: 'r-9' }))
      expectObservable(sessionFor().context.sync(FAST)).toBe(
        '---#',
        undefined,
        new ApiError('[InvalidSession] gone', { action: 'GetContextInfo', requestId: 'r-9' }),
      )
    })
  })

  it('stops polling and sends nothing more once unsubscribed mid-poll', () => {
    scheduler.run(({ expectObservable, cold, expectSubscriptions }) => {
      const pollAnswer = cold('-(a|)', { a: jsonResponse(contextInfoBody([running])) })
      fake.respond('SyncContext', () => cold('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'sync-1' }) }))
      mounted('ctx-1')
      fake.respond('GetContextInfo', () => pollAnswer)
      expectObservable(sessionFor().context.sync(FAST), '^-------------!').toBe('---a', { a: withId(running) })
      // baseline 0–1, poll 0 at 2–3; poll 1 leaves at 13 and is aborted at 14, before its answer is delivered.
      expectSubscriptions(pollAnswer.subscriptions).toBe(['^!', '--^!', '-------------^!'])
    })
    expect(fake.requestsOf('GetContextInfo').map((r) => r.state)).toEqual(['answered', 'answered', 'cancelled'])
    fake.verify()
  })

  it('rejects contextId without path before any request', () => {
    scheduler.run(({ expectObservable }) => {
      expectObservable(sessionFor().context.sync({ contextId: 'ctx-1' })).toBe('#', undefined, {
        name: 'ValidationError',
        kind: 'validation',
        message: 'contextId and path must be given together or not at all',
      })
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('sends ContextId, Path and Mode to SyncContext and the same filters to GetContextInfo', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [succeeded])
      expectObservable(sessionFor().context.sync({ ...FAST, contextId: 'ctx-1', path: '/home/wuying/data', mode: 'upload' })).toBe(
        '---(a|)',
        { a: withId(succeeded) },
      )
    })
    expect(fake.requestsOf('SyncContext')[0]?.params).toEqual({
      SessionId: 's-1',
      ContextId: 'ctx-1',
      Path: '/home/wuying/data',
      Mode: 'upload',
    })
    expect(fake.requestsOf('GetContextInfo')[1]?.params).toMatchObject({ ContextId: 'ctx-1', Path: '/home/wuying/data' })
  })
})

describe('info$ / sync$ aliases', () => {
  it('info$ and sync$ are the same cold observables as info and sync', () => {
    scheduler.run(({ expectObservable }) => {
      pollsAnswer([], [succeeded])
      expectObservable(sessionFor().context.sync$(FAST)).toBe('---(a|)', { a: withId(succeeded) })
    })
    scheduler = createTestScheduler()
    scheduler.run(({ expectObservable, cold }) => {
      fake.respond('GetContextInfo', () => cold('-(a|)', { a: jsonResponse({ ...contextInfoBody([succeeded]), RequestId: 'i-1' }) }))
      expectObservable(sessionFor().context.info$({ contextId: 'ctx-1' })).toBe('-(a|)', {
        a: { requestId: 'i-1', success: true, contextStatusData: [succeeded] },
      })
    })
  })
})
