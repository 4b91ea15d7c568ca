// The one poll operator (issue 9 items 3 and 5; issue 10 item 2 builds the other polling sites on it).
import { take, type SchedulerLike } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { poll, pollUntil } from '../../src/rpc/poll.js'
import { fixedSchedule } from '../../src/rpc/poll-schedule.js'
import { MAX_DELAY_MS, deadlineTimer, isDelayMs, requireDeadline, requireDelay, withDeadline } from '../../src/shared/duration.js'
import { AgentBay, HttpError, ValidationError } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

/** Delegates to the test scheduler and records every delay it was asked to wait. */
function recording(delays: number[]): SchedulerLike {
  return {
    now: () => scheduler.now(),
    schedule: (work, delay, state) => {
      delays.push(delay ?? 0)
      return scheduler.schedule(work as never, delay, state)
    },
  }
}

const transient = new HttpError('busy', { httpStatus: 503 })

describe('poll()', () => {
  it('sends the next request only after the previous answered, and nothing once unsubscribed', () => {
    let requests = 0
    let scheduleCalls = 0
    scheduler.run(({ expectObservable, cold }) => {
      const polls$ = poll({
        request: () => {
          requests += 1
          return cold('--(a|)', { a: requests })
        },
        schedule: (index) => {
          scheduleCalls += 1
          return index === 0 ? 0 : 10
        },
        scheduler,
      })
      expectObservable(polls$.pipe(take(3))).toBe('--a 11ms b 11ms (c|)', { a: 1, b: 2, c: 3 })
    })
    expect(requests).toBe(3)
    expect(scheduleCalls).toBeLessThanOrEqual(4)
  })

  it('completes after maxPolls polls', () => {
    scheduler.run(({ expectObservable, cold }) => {
      expectObservable(poll({ request: () => cold('-(a|)', { a: 'x' }), schedule: fixedSchedule(5), maxPolls: 2, scheduler })).toBe('-a 5ms (a|)', { a: 'x' })
    })
  })

  it('aborts the request in flight at the deadline and completes', () => {
    scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
      const answered = cold('-(a|)', { a: 'x' })
      const hanging = cold('-')
      let index = 0
      const polls$ = poll({ request: () => (index++ === 0 ? answered : hanging), schedule: fixedSchedule(5), deadline: 30, scheduler })
      expectObservable(polls$).toBe('-a 28ms |', { a: 'x' })
      expectSubscriptions(hanging.subscriptions).toBe('------^-----------------------!')
    })
  })

  it('skips transient failures and goes on', () => {
    scheduler.run(({ expectObservable, cold }) => {
      let index = 0
      const polls$ = poll({ request: () => (index++ === 0 ? cold('-#', undefined, transient) : cold('-(a|)', { a: 'x' })), schedule: fixedSchedule(5), maxPolls: 2, scheduler })
      expectObservable(polls$).toBe('-------(a|)', { a: 'x' })
    })
  })

  it('errors with the last failure when every poll failed, never completing empty', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const polls$ = poll({ request: () => cold('-#', undefined, transient), schedule: fixedSchedule(5), maxPolls: 3, scheduler })
      expectObservable(polls$).toBe('-------------#', undefined, transient)
    })
  })

  it('ends at once on a failure that is not transient', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const fatal = new Error('fatal')
      expectObservable(poll({ request: () => cold('-#', undefined, fatal), schedule: fixedSchedule(5), maxPolls: 3, scheduler })).toBe('-#', undefined, fatal)
    })
  })

  it('refuses a schedule that returns no usable delay', () => {
    scheduler.run(({ expectObservable, cold }) => {
      expectObservable(poll({ request: () => cold('-(a|)', { a: 1 }), schedule: () => Number.NaN, scheduler })).toBe('#', undefined, {
        name: 'ValidationError',
        kind: 'validation',
        message: 'schedule(0) must return a number of ms ≥ 0, got NaN',
      })
    })
  })
})

describe('pollUntil() (issue 10 item 2)', () => {
  const timedOut = new Error('still waiting')

  it('emits each answer up to the first that meets the stop condition, then sends nothing more', () => {
    let requests = 0
    scheduler.run(({ expectObservable, cold }) => {
      const answers$ = pollUntil({
        request: () => cold('-(a|)', { a: ++requests }),
        schedule: fixedSchedule(5),
        until: (answer) => answer === 2,
        timeoutError: () => timedOut,
        scheduler,
      })
      expectObservable(answers$).toBe('-a 5ms (b|)', { a: 1, b: 2 })
    })
    expect(requests).toBe(2)
  })

  it('errors with timeoutError when the budget ends before the stop condition', () => {
    scheduler.run(({ expectObservable, cold }) => {
      const answers$ = pollUntil({ request: () => cold('-(a|)', { a: 0 }), schedule: fixedSchedule(5), maxPolls: 2, until: () => false, timeoutError: () => timedOut, scheduler })
      expectObservable(answers$).toBe('-a 5ms (a#)', { a: 0 }, timedOut)
    })
  })
})

describe('durations (issue 9 item 3)', () => {
  it('deadlineTimer waits past 2^31−1 ms in chained timers, none longer than one timer can hold', () => {
    const delays: number[] = []
    scheduler.run(({ expectObservable }) => {
      expectObservable(deadlineTimer(5_000_000_000, recording(delays))).toBe('5000000000ms (a|)', { a: 0 })
    })
    expect(delays.length).toBeGreaterThan(1)
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_DELAY_MS)
  })

  it('withDeadline: the source until the deadline, then the made error and the source unsubscribed; a source done in time is left alone', () => {
    const timedOut = new Error('past the deadline')
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const late = cold('-a-b-c-|')
      expectObservable(withDeadline(late, 4, scheduler, () => timedOut)).toBe('-a-b#', undefined, timedOut)
      expectSubscriptions(late.subscriptions).toBe('^---!')
      const prompt = cold('-a|')
      expectObservable(withDeadline(prompt, 4, scheduler, () => timedOut)).toBe('-a|')
      expectSubscriptions(prompt.subscriptions).toBe('^-!')
    })
  })

  it('poll() waits a schedule delay past 2^31−1 ms correctly too', () => {
    const delays: number[] = []
    scheduler.run(({ expectObservable, cold }) => {
      const polls$ = poll({ request: () => cold('(a|)', { a: 1 }), schedule: fixedSchedule(3_000_000_000), maxPolls: 2, scheduler: recording(delays) })
      expectObservable(polls$).toBe('a 2999999999ms (a|)', { a: 1 })
    })
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_DELAY_MS)
  })

  it('one rule for single delays: finite, ≥ 0 (or > 0), at most 2^31−1; the error names the option', () => {
    expect(isDelayMs(0)).toBe(true)
    expect(isDelayMs(0, true)).toBe(false)
    expect(isDelayMs(MAX_DELAY_MS)).toBe(true)
    expect(isDelayMs(MAX_DELAY_MS + 1)).toBe(false)
    expect(isDelayMs(-1)).toBe(false)
    expect(isDelayMs(Number.NaN)).toBe(false)
    expect(isDelayMs('5')).toBe(false)
    expect(() => requireDelay(3e9, 'pollIntervalMs')).toThrow(ValidationError)
    expect(() => requireDelay(3e9, 'pollIntervalMs')).toThrow(/pollIntervalMs must be a number of ms ≥ 0 and ≤ 2147483647, got 3000000000/)
    expect(() => requireDeadline(3e9, 'timeoutMs')).not.toThrow()
    expect(() => requireDeadline(Infinity, 'timeoutMs')).toThrow(/timeoutMs must be a finite number/)
    expect(() => requireDeadline(-1, 'timeoutMs')).toThrow(ValidationError)
  })
})

describe('clear and delete durations (issue 9 item 3)', () => {

  it('refuse a poll interval beyond 2^31−1 ms with a ValidationError naming it', async () => {
    const fake = createFakeTransport()
    const agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {} })
    await expect(agentBay.session('s-1').deleteAsync({ pollIntervalMs: 3e9 })).rejects.toThrow(/pollIntervalMs must be a number of ms/)
    await expect(agentBay.context.clearAsync('ctx-1', { pollIntervalMs: 3e9 })).rejects.toThrow(/pollIntervalMs must be a number of ms/)
    expect(fake.requests).toHaveLength(0)
  })

  it('delete waits with a timeoutMs beyond 2^31−1 ms instead of timing out at once', async () => {
    const fake = createFakeTransport()
    fake.respond('DeleteSessionAsync', jsonResponse({ ...okBody(), RequestId: 'del-1' }))
    fake.respond('GetSessionDetail', (_request, index) => jsonResponse(okBody({ Status: index < 2 ? 'RUNNING' : 'FINISH' })))
    const agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {} })
    await expect(agentBay.session('s-1').deleteAsync({ pollIntervalMs: 5, timeoutMs: 3e9 })).resolves.toMatchObject({ success: true, deleted: true })
    expect(fake.requestsOf('GetSessionDetail')).toHaveLength(3)
  })
})
