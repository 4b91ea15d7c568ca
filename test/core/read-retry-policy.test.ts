import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import type { NormalizedRetry } from '../../src/http/config.js'
import {
  AgentBay,
  ApiError,
  DecodeError,
  HttpError,
  NetworkError,
  RequestTimeoutError,
  ThrottlingError,
  ValidationError,
} from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport } from '../../src/testing/index.js'
import { retryingInterceptor } from '../../src/rpc/interceptors.js'
import { createRpc } from '../../src/rpc/rpc.js'
import { READ_ACTIONS, isTransientError, retryDelayMs } from '../../src/rpc/retry.js'
import { ACTIONS, type Action } from '../../src/wire/protocol.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Transport-level retries of read actions (src/rpc/rpc.ts), in virtual time.

const POLICY: NormalizedRetry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 }
const NOT_JSON = jsonResponse('<html>busy</html>', 200)

let scheduler: TestScheduler
let fake: FakeTransport
let debugLines: string[]

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
  debugLines = []
})

const rpcWith = (retry: NormalizedRetry = POLICY, random: () => number = () => 0) =>
  createRpc(fake.transport, [
    retryingInterceptor(retry, scheduler, { debug: (line: string) => debugLines.push(line), warn: () => undefined }, random),
  ])

/** Answers every `action` request with `failures[i]` (as an HTTP status, or a transport error), then with success. */
function failThenSucceed(action: Action, ...failures: (number | Error)[]): void {
  failThenAnswer(action, okBody(), ...failures)
}

/** `failThenSucceed` whose success answers `body`. */
function failThenAnswer(action: Action, body: unknown, ...failures: (number | Error)[]): void {
  fake.respond(action, (_request, index) => {
    const failure = failures[index]
    if (failure === undefined) return scheduler.createColdObservable('(a|)', { a: jsonResponse(body) })
    if (failure instanceof Error) return scheduler.createColdObservable('#', undefined, failure)
    return scheduler.createColdObservable('(a|)', { a: jsonResponse({ Code: `E${failure}` }, failure) })
  })
}

/** Runs `action` once in virtual time; returns when it settled (frame) and how. */
function settle(action: Action, rpc = rpcWith(), params: Readonly<Record<string, string>> = {}): { frame: number; outcome: 'value' | Error } {
  let result: { frame: number; outcome: 'value' | Error } | undefined
  scheduler.run(() => {
    rpc(action, params).subscribe({
      next: () => (result = { frame: scheduler.now(), outcome: 'value' }),
      error: (error: Error) => (result = { frame: scheduler.now(), outcome: error }),
    })
  })
  if (result === undefined) throw new Error(`${action} never settled`)
  return result
}

describe('which failures a read action retries', () => {
  it('retries HTTP 500 and 502, not only 503', () => {
    failThenSucceed('GetContextInfo', 500, 502)
    expect(settle('GetContextInfo').outcome).toBe('value')
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(3)
  })

  it('does not retry HTTP 499 or 404: only 5xx is a server-side hiccup', () => {
    failThenSucceed('GetContextInfo', 499)
    expect(settle('GetContextInfo').outcome).toBeInstanceOf(HttpError)
    failThenSucceed('GetSession', 404)
    expect(settle('GetSession').outcome).toBeInstanceOf(HttpError)
    expect(fake.requests).toHaveLength(2)
  })

  it('retries network errors and timeouts', () => {
    failThenSucceed('GetContextInfo', new NetworkError('reset'), new RequestTimeoutError('slow'))
    expect(settle('GetContextInfo').outcome).toBe('value')
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(3)
  })

  it('does not retry a body that is not JSON (DecodeError): the same answer would come back', () => {
    fake.respond('GetContextInfo', NOT_JSON)
    expect(settle('GetContextInfo').outcome).toBeInstanceOf(DecodeError)
    expect(fake.requests).toHaveLength(1)
  })

  it('classifies errors: transient are network, timeout, throttling and HTTP ≥ 500', () => {
    expect(isTransientError(new NetworkError('reset'))).toBe(true)
    expect(isTransientError(new RequestTimeoutError('slow'))).toBe(true)
    expect(isTransientError(new ThrottlingError('slow down'))).toBe(true)
    expect(isTransientError(new HttpError('HTTP 500', { httpStatus: 500 }))).toBe(true)
    expect(isTransientError(new HttpError('HTTP 599', { httpStatus: 599 }))).toBe(true)
    expect(isTransientError(new HttpError('HTTP 499', { httpStatus: 499 }))).toBe(false)
    expect(isTransientError(new HttpError('no status'))).toBe(false)
    expect(isTransientError(new ApiError('business error', { httpStatus: 500 }))).toBe(false)
    expect(isTransientError(new DecodeError('garbage', { path: '', httpStatus: 500 }))).toBe(false)
    expect(isTransientError(new ValidationError('bad option'))).toBe(false)
    expect(isTransientError(new Error('ECONNRESET'))).toBe(false)
    expect(isTransientError('network')).toBe(false)
  })
})

describe('which actions are retried', () => {
  // Spelled out rather than read from READ_ACTIONS: a dropped or misspelt entry there must fail here.
  const reads: Action[] = [
    'GetSession',
    'GetSessionDetail',
    'ListSession',
    'ListContexts',
    'GetContextInfo',
    'DescribeContextFiles',
    'GetContextFileUploadUrl',
    'GetContextFileDownloadUrl',
    'GetLabel',
  ]

  it.each(reads)('%s is a read action: a 503 is tried again', (action) => {
    failThenSucceed(action, 503)
    settle(action) // the second answer is an empty envelope, which some actions reject: only the count matters
    expect(fake.requestsOf(action)).toHaveLength(2)
  })

  // Stop 18 item 5: GetContext reads unless AllowCreate is true (then it may create the context).
  it.each([
    ['by name, AllowCreate false', { Name: 'data', AllowCreate: 'false' }],
    ['by id, AllowCreate false', { ContextId: 'SdkCtx-1', AllowCreate: 'false' }],
    ['without AllowCreate (the service does not create)', { Name: 'data' }],
  ])('GetContext %s is a read: two 503s, then success, succeeds', (_case, params) => {
    failThenAnswer('GetContext', okBody({ Id: 'SdkCtx-1', Name: 'data' }), 503, 503)
    expect(settle('GetContext', rpcWith(), params).outcome).toBe('value')
    expect(fake.requestsOf('GetContext')).toHaveLength(3)
  })

  it.each(['true', 'TRUE'])('GetContext with AllowCreate %s may create: a 503 is not retried (one request)', (allowCreate) => {
    failThenSucceed('GetContext', 503)
    expect(settle('GetContext', rpcWith(), { Name: 'data', AllowCreate: allowCreate }).outcome).toBeInstanceOf(HttpError)
    expect(fake.requestsOf('GetContext')).toHaveLength(1)
  })

  it('through the client: context.get(name) retries, context.get(name, { create: true }) sends once', () => {
    failThenAnswer('GetContext', okBody({ Id: 'SdkCtx-1', Name: 'data' }), 503, 503)
    const agentBay = new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {} })
    const outcomes: unknown[] = []
    scheduler.run(({ flush }) => {
      agentBay.context.get('data').subscribe({ next: (context) => outcomes.push(context.id), error: (error) => outcomes.push(error) })
      flush()
    })
    expect(outcomes).toEqual(['SdkCtx-1'])
    expect(fake.requestsOf('GetContext').map((request) => request.params['AllowCreate'])).toEqual(['false', 'false', 'false'])

    fake = createFakeTransport()
    failThenAnswer('GetContext', okBody({ Id: 'SdkCtx-1', Name: 'data' }), 503)
    const creating = new AgentBay({ apiKey: 'test-key', transport: fake.transport, scheduler, env: {} })
    scheduler.run(({ flush }) => {
      creating.context.get('data', { create: true }).subscribe({ next: (context) => outcomes.push(context.id), error: (error) => outcomes.push(error) })
      flush()
    })
    expect(outcomes[1]).toBeInstanceOf(HttpError)
    expect(fake.requestsOf('GetContext').map((request) => request.params['AllowCreate'])).toEqual(['true'])
  })

  it('every other action is sent once, whatever the failure', () => {
    // GetContext is sent with AllowCreate true here: the form that may create (see above).
    const writes = ACTIONS.filter((action) => !reads.includes(action))
    expect(writes.length).toBeGreaterThan(0)
    for (const action of writes) {
      failThenSucceed(action, 503)
      expect(settle(action, rpcWith(), action === 'GetContext' ? { Name: 'data', AllowCreate: 'true' } : {}).outcome).toBeInstanceOf(HttpError)
      expect(fake.requestsOf(action)).toHaveLength(1)
    }
    expect([...READ_ACTIONS].sort()).toEqual([...reads].sort())
  })
})

describe('the attempt budget', () => {
  it('makes exactly `attempts` requests, then surfaces the last failure', () => {
    failThenSucceed('GetContextInfo', 503, 500, 502, 504)
    const outcome = settle('GetContextInfo', rpcWith({ ...POLICY, attempts: 3 })).outcome
    expect(outcome).toMatchObject({ httpStatus: 502 })
    expect(fake.requests).toHaveLength(3)
  })

  it('attempts: 1 means one request and no retry', () => {
    failThenSucceed('GetContextInfo', 503)
    expect(settle('GetContextInfo', rpcWith({ ...POLICY, attempts: 1 })).outcome).toBeInstanceOf(HttpError)
    expect(fake.requests).toHaveLength(1)
  })

  it('attempts: 2 retries once', () => {
    failThenSucceed('GetContextInfo', 503, 503)
    expect(settle('GetContextInfo', rpcWith({ ...POLICY, attempts: 2 })).outcome).toBeInstanceOf(HttpError)
    expect(fake.requests).toHaveLength(2)
  })
})

describe('waiting between attempts', () => {
  it('waits the jittered backoff on the injected scheduler, and logs each retry', () => {
    // random() = 0: half the ceiling, i.e. 50 ms then 100 ms.
    failThenSucceed('GetContextInfo', 503, 503)
    expect(settle('GetContextInfo')).toEqual({ frame: 150, outcome: 'value' })
    expect(debugLines).toEqual([
      'GetContextInfo: transient failure, retry 1 in 50 ms',
      'GetContextInfo: transient failure, retry 2 in 100 ms',
    ])
  })

  it('waits the longer Retry-After of a throttled answer', () => {
    fake.respond('GetContextInfo', (_request, index) =>
      index === 0
        ? scheduler.createColdObservable('(a|)', { a: jsonResponse({ Code: 'Throttling' }, 429, '2') })
        : scheduler.createColdObservable('(a|)', { a: jsonResponse(okBody()) }),
    )
    expect(settle('GetContextInfo')).toEqual({ frame: 2_000, outcome: 'value' })
  })

  it('caps Retry-After at one minute', () => {
    const throttled = (retryAfterMs: number) => new ThrottlingError('slow down', { retryAfterMs })
    expect(retryDelayMs(throttled(3_600_000), 1, POLICY, () => 0)).toBe(60_000)
    expect(retryDelayMs(throttled(59_000), 1, POLICY, () => 0)).toBe(59_000)
  })

  it('ignores a retryAfterMs on anything but a throttling error', () => {
    const odd = Object.assign(new HttpError('HTTP 503', { httpStatus: 503 }), { retryAfterMs: 9_000 })
    expect(retryDelayMs(odd, 1, POLICY, () => 0)).toBe(50)
  })

  it('doubles the ceiling per retry: 100, 200, 400 ms at full jitter', () => {
    const network = new NetworkError('reset')
    expect([1, 2, 3].map((count) => retryDelayMs(network, count, POLICY, () => 1))).toEqual([100, 200, 400])
    expect([1, 2, 3].map((count) => retryDelayMs(network, count, POLICY, () => 0.5))).toEqual([75, 150, 300])
  })
})
