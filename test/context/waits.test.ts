// Clear and delete wait on the one poll operator (issue 10 item 2): the same fault gets the same
// treatment in every wait. All in virtual time; each probe answers one frame after it leaves.
import type { Observable } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport } from '../../src/testing/index.js'
import type { RawResponse } from '../../src/wire/messages.js'
import type { Action } from '../../src/wire/protocol.js'
import { createTestScheduler } from '../helpers/marbles.js'

let scheduler: TestScheduler
let fake: FakeTransport

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
})

const INTERVAL = 10
const TIMEOUT = 50
const transient = () => jsonResponse({ Success: false, Code: 'ServiceUnavailable', Message: 'busy' }, 503)
const fatal = () => jsonResponse({ Success: false, Code: 'Forbidden', Message: 'no access' }, 403)

/** One wait under test: its trigger, its probe, and the probe answers for "not yet" and "done". */
interface Wait {
  readonly name: string
  readonly trigger: Action
  readonly probe: Action
  readonly notYet: () => RawResponse
  readonly done: () => RawResponse
  readonly start: (agentBay: AgentBay) => Observable<unknown>
  /** The frame probe n answers at: the trigger answers at 1, then each probe leaves `INTERVAL` after the previous answer. */
  readonly answerAt: (probe: number) => number
  /** What the wait emits on success, at the frame of the answer that met the stop condition. */
  readonly doneValue: unknown
  /** What it emitted before (frame 1 for clear's `clearing`). */
  readonly before: string
  readonly timeoutMessage: string
}

const context = (state: string) => jsonResponse(okBody({ Id: 'SdkCtx-1', Name: 'c', State: state, CreateTime: '2025-05-29T12:00:00Z' }))

const WAITS: readonly Wait[] = [
  {
    name: 'session.delete()',
    trigger: 'DeleteSessionAsync',
    probe: 'GetSessionDetail',
    notYet: () => jsonResponse(okBody({ Status: 'DELETING' })),
    done: () => jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound', Message: 'gone' }, 400),
    start: (agentBay) => agentBay.session('s-1').delete({ pollIntervalMs: INTERVAL, timeoutMs: TIMEOUT }),
    // The first probe leaves with the trigger's answer.
    answerAt: (probe) => 2 + probe * (INTERVAL + 1),
    doneValue: { requestId: 'req-1', success: true, deleted: true },
    before: '',
    timeoutMessage: `DeleteSessionAsync failed: session s-1 still exists ${TIMEOUT} ms after DeleteSessionAsync (requestId req-1)`,
  },
  {
    name: 'context.clear()',
    trigger: 'ClearContext',
    probe: 'GetContext',
    notYet: () => context('clearing'),
    done: () => context('available'),
    start: (agentBay) => agentBay.context.clear('SdkCtx-1', { pollIntervalMs: INTERVAL, timeoutMs: TIMEOUT }),
    // The first probe leaves `INTERVAL` after the trigger's answer (clearing takes time).
    answerAt: (probe) => 1 + (probe + 1) * (INTERVAL + 1),
    doneValue: 'available',
    before: '-b',
    timeoutMessage: `ClearContext failed: context SdkCtx-1 was not available again within ${TIMEOUT} ms (requestId req-1)`,
  },
]

/** A marble with `event` at `frame`, after what the wait emitted before it. */
const at = (wait: Wait, frame: number, event: string): string => `${wait.before} ${frame - wait.before.length}ms ${event}`

describe.each(WAITS)('$name waits on the one poll operator', (wait) => {
  const client = () => new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, scheduler, retry: { attempts: 1 } })
  const values = { a: wait.doneValue, b: 'clearing' }

  /** The trigger answers at frame 1; probe n answers with `probes[n]` (the last one repeats), or hangs on `hang`. */
  const serve = (probes: readonly (() => RawResponse | 'hang')[], hang = scheduler.createColdObservable<RawResponse>('-')) => {
    fake.respond(wait.trigger, () => scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'req-1' }) }))
    fake.respond(wait.probe, (_request, index) => {
      const answer = (probes[Math.min(index, probes.length - 1)] as () => RawResponse | 'hang')()
      return answer === 'hang' ? hang : scheduler.createColdObservable('-(a|)', { a: answer })
    })
    return hang
  }

  it('survives a transient probe failure mid-wait and goes on probing', () => {
    scheduler.run(({ expectObservable }) => {
      serve([wait.notYet, transient, wait.done])
      expectObservable(wait.start(client())).toBe(at(wait, wait.answerAt(2), '(a|)'), values)
    })
    expect(fake.requestsOf(wait.probe)).toHaveLength(3)
  })

  it('ends at once with a failure that is not transient, and probes no more', () => {
    scheduler.run(({ expectObservable }) => {
      serve([wait.notYet, fatal])
      expectObservable(wait.start(client())).toBe(at(wait, wait.answerAt(1), '#'), values, {
        name: 'HttpError',
        kind: 'http',
        message: `${wait.probe} failed: HTTP 403 [Forbidden] no access`,
      })
    })
    expect(fake.requestsOf(wait.probe)).toHaveLength(2)
  })

  it('times out at the deadline even while a probe hangs, and aborts that probe', () => {
    let hang!: ReturnType<TestScheduler['createColdObservable']>
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      hang = serve([wait.notYet, () => 'hang'])
      const deadline = 1 + TIMEOUT
      expectObservable(wait.start(client())).toBe(at(wait, deadline, '#'), values, { name: 'RequestTimeoutError', kind: 'timeout', message: wait.timeoutMessage })
      const hangFrom = wait.answerAt(0) + INTERVAL
      expectSubscriptions(hang.subscriptions).toBe(`${hangFrom}ms ^ ${deadline - hangFrom - 1}ms !`)
    })
    expect(fake.requestsOf(wait.probe).map((request) => request.state)).toEqual(['answered', 'cancelled'])
  })

  it('errors with the last failure, not a made-up timeout, when no probe answered by the deadline', () => {
    scheduler.run(({ expectObservable }) => {
      serve([transient])
      expectObservable(wait.start(client())).toBe(at(wait, 1 + TIMEOUT, '#'), values, {
        name: 'HttpError',
        kind: 'http',
        message: `${wait.probe} failed: HTTP 503 [ServiceUnavailable] busy`,
      })
    })
  })

  it('sends nothing after the stop condition', () => {
    scheduler.run(({ expectObservable }) => {
      serve([wait.notYet, wait.done, wait.notYet])
      expectObservable(wait.start(client())).toBe(at(wait, wait.answerAt(1), '(a|)'), values)
    })
    // The run flushed all virtual time: a probe still scheduled would have been sent.
    expect(fake.requestsOf(wait.probe)).toHaveLength(2)
    fake.verify()
  })
})
