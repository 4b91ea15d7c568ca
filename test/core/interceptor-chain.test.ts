// The interceptor chain and its logging, each interceptor alone (issue 9 item 17: survivors of
// src/rpc/interceptors.ts). All timing in virtual time.
import { mergeMap, of, tap, throwError } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/entries/index.js'
import { createRedactor } from '../../src/shared/redact.js'
import { createFakeTransport, jsonResponse, okBody } from '../../src/testing/index.js'
import {
  chainInterceptors,
  coalescingInterceptor,
  loggingInterceptor,
  redactingLogger,
  retryingInterceptor,
  type RpcCall,
  type RpcInterceptor,
} from '../../src/rpc/interceptors.js'
import { PollCoalescer } from '../../src/rpc/poll-coalescer.js'
import { createRpc } from '../../src/rpc/rpc.js'
import { createTestScheduler } from '../helpers/marbles.js'

const SECRET = 'sk-live-0123456789abcdef'

let scheduler: TestScheduler
let lines: { level: 'debug' | 'warn'; message: string; details: unknown[] }[]
const logger = {
  debug: (message: string, ...details: unknown[]) => lines.push({ level: 'debug', message, details }),
  warn: (message: string, ...details: unknown[]) => lines.push({ level: 'warn', message, details }),
}

beforeEach(() => {
  scheduler = createTestScheduler()
  lines = []
})

const call = (action: RpcCall['action'] = 'GetContextInfo'): RpcCall => ({ action, params: { SessionId: 's-1' }, options: {} })

describe('chainInterceptors', () => {
  it('hands the call to the first interceptor first and the answer to it last', () => {
    const order: string[] = []
    const tracing =
      (name: string): RpcInterceptor =>
      (rpcCall, next) => {
        order.push(`${name} sees the call`)
        return next(rpcCall).pipe(tap(() => order.push(`${name} sees the answer`)))
      }
    const handle = chainInterceptors([tracing('outer'), tracing('inner')], () => of('answer'))
    handle(call()).subscribe()
    expect(order).toEqual(['outer sees the call', 'inner sees the call', 'inner sees the answer', 'outer sees the answer'])
  })
})

describe('loggingInterceptor', () => {
  it('logs each failed attempt with its virtual duration and the error message, and nothing on success', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const failure = new NetworkError('connection reset')
      const handle = chainInterceptors([loggingInterceptor(logger, scheduler)], () => cold('-------#', undefined, failure))
      // subscribed at 3: the attempt took 7 ms
      expectObservable(cold('---(x|)').pipe(mergeMap(() => handle(call())))).toBe('----------#', undefined, failure)
      const ok = chainInterceptors([loggingInterceptor(logger, scheduler)], () => cold('--(a|)', { a: 'answer' }))
      expectObservable(ok(call())).toBe('--(a|)', { a: 'answer' })
    })
    expect(lines).toEqual([{ level: 'debug', message: 'GetContextInfo: attempt failed after 7 ms: connection reset', details: [] }])
  })

  it('measures from the subscription, not from when the call was built', () => {
    scheduler.run(({ cold }) => {
      const handle = chainInterceptors([loggingInterceptor(logger, scheduler)], () => cold('--#', undefined, new NetworkError('reset')))
      const attempt$ = handle(call())
      scheduler.schedule(() => attempt$.subscribe({ error: () => undefined }), 10)
    })
    expect(lines.map((line) => line.message)).toEqual(['GetContextInfo: attempt failed after 2 ms: reset'])
  })

  it('logs a thrown value that is not an Error as text', () => {
    const handle = chainInterceptors([loggingInterceptor(logger, scheduler)], () => throwError(() => 'plain failure'))
    handle(call()).subscribe({ error: () => undefined })
    expect(lines.map((line) => line.message)).toEqual(['GetContextInfo: attempt failed after 0 ms: plain failure'])
  })
})

describe('redactingLogger', () => {
  it('scrubs the message and every detail of debug and warn lines: strings as text, errors in place', () => {
    const scrubbing = redactingLogger(logger, createRedactor([SECRET]))
    const error = new Error(`rejected ${SECRET}`)
    scrubbing.debug(`debug ${SECRET}`, `detail ${SECRET}`, error)
    scrubbing.warn(`warn ${SECRET}`, `detail ${SECRET}`)
    expect(lines.map(({ level, message, details }) => ({ level, message, details: details.map((d) => (d instanceof Error ? `Error: ${d.message}` : d)) }))).toEqual([
      { level: 'debug', message: 'debug <redacted>', details: ['detail <redacted>', 'Error: rejected <redacted>'] },
      { level: 'warn', message: 'warn <redacted>', details: ['detail <redacted>'] },
    ])
    expect(lines[0]?.details[1]).toBe(error)
  })
})

describe('retryingInterceptor', () => {
  it('logs the wait before a retry rounded to whole ms', () => {
    const fake = createFakeTransport()
    fake.respond('GetContextInfo', (_request, index) =>
      index === 0 ? scheduler.createColdObservable('#', undefined, new NetworkError('reset')) : scheduler.createColdObservable('(a|)', { a: jsonResponse(okBody()) }),
    )
    // ceiling 100 ms, random 0.25: 50 + 12.5 ms
    const rpc = createRpc(fake.transport, [retryingInterceptor({ attempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 }, scheduler, logger, () => 0.25)])
    scheduler.run(() => rpc('GetContextInfo').subscribe())
    expect(lines.map((line) => line.message)).toEqual(['GetContextInfo: transient failure, retry 1 in 63 ms'])
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(2)
  })
})

describe('coalescingInterceptor', () => {
  it('shares nothing for a read without a cursor: each call sends its own request', () => {
    let sent = 0
    scheduler.run(({ cold }) => {
      const handle = chainInterceptors([coalescingInterceptor(new PollCoalescer(scheduler))], () => {
        sent += 1
        return cold('----(a|)', { a: sent })
      })
      handle(call()).subscribe()
      scheduler.schedule(() => handle(call()).subscribe(), 1)
    })
    expect(sent).toBe(2)
  })
})
