// Issue 12 item 3: the start-only clear (`startClear`, the official `clearAsync`) and the status
// probe (`clearStatus`, the official `getClearStatus`), in virtual time against a fake transport;
// `clear()` is built from the two, so it decodes states as strictly.
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, HttpError, ValidationError } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let fake: FakeTransport
let scheduler: TestScheduler

beforeEach(() => {
  fake = createFakeTransport()
  scheduler = createTestScheduler()
})

const client = (withScheduler = true) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, random: () => 0.5, ...(withScheduler ? { scheduler } : {}) })

const contextWith = (state?: string) => ({ Id: 'SdkCtx-1', Name: 'ctx-1', ...(state === undefined ? {} : { State: state }) })
const notFound = jsonResponse({ RequestId: 'nf-1', Success: false, Code: 'InvalidContext.NotFound', Message: 'context SdkCtx-9 not found' }, 400)

/** Each answer arrives `delay` after its request, as a cold marble. */
const answer = (marble: string, response: ReturnType<typeof jsonResponse>) => () => scheduler.createColdObservable(marble, { a: response })

describe('context.startClear()', () => {
  it('sends one ClearContext, emits clearing once acknowledged and completes without probing', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('ClearContext', answer('--(a|)', jsonResponse({ ...okBody(), RequestId: 'clr-1' })))
      expectObservable(client().context.startClear('SdkCtx-1')).toBe('--(s|)', { s: 'clearing' })
    })
    expect(fake.requestsOf('ClearContext').map((request) => request.params)).toEqual([{ Id: 'SdkCtx-1' }])
    expect(fake.requestsOf('GetContext')).toHaveLength(0)
    fake.verify()
  })

  it('errors with the typed error of a refused ClearContext', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('ClearContext', answer('-(a|)', notFound))
      expectObservable(client().context.startClear('SdkCtx-9')).toBe('-#', undefined, {
        name: 'HttpError',
        kind: 'http',
        message: 'ClearContext failed: HTTP 400 [InvalidContext.NotFound] context SdkCtx-9 not found (requestId nf-1)',
      })
    })
  })

  it('unsubscribing before the answer cancels the ClearContext request and sends nothing more', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('ClearContext', answer('-----(a|)', jsonResponse(okBody())))
      expectObservable(client().context.startClear('SdkCtx-1'), '^--!').toBe('---')
    })
    expect(fake.requests.map((request) => [request.action, request.state])).toEqual([['ClearContext', 'cancelled']])
  })

  it('startClearAsync resolves at once with the ClearContext requestId and state clearing', async () => {
    fake.respond('ClearContext', jsonResponse({ ...okBody(), RequestId: 'clr-2' }))
    expect(await client(false).context.startClearAsync('SdkCtx-1')).toEqual({ success: true, requestId: 'clr-2', contextId: 'SdkCtx-1', state: 'clearing' })
    expect(fake.requestsOf('GetContext')).toHaveLength(0)
  })

  it('rejects an empty id before any request', async () => {
    await expect(client(false).context.startClearAsync('')).rejects.toBeInstanceOf(ValidationError)
    await expect(client(false).context.startClearAsync('SdkCtx-1', 30 as never)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })
})

describe('context.clearStatus()', () => {
  it('sends one GetContext by id and emits its state', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetContext', answer('-(a|)', jsonResponse(okBody(contextWith('pre-available')))))
      expectObservable(client().context.clearStatus('SdkCtx-1')).toBe('-(s|)', { s: 'pre-available' })
    })
    expect(fake.requestsOf('GetContext').map((request) => request.params)).toEqual([{ ContextId: 'SdkCtx-1', AllowCreate: 'false' }])
  })

  it.each([
    ['clearing', 'clearing'],
    ['pre-available', 'pre-available'],
    ['available', 'available'],
    ['in-use', 'in-use'],
    [undefined, 'clearing'], // calls doc §7: the official SDKs read a missing State as clearing
  ])('reads State %s as %s', async (wire, state) => {
    fake.respond('GetContext', jsonResponse({ ...okBody(contextWith(wire)), RequestId: 'get-1' }))
    expect(await client(false).context.clearStatusAsync('SdkCtx-1')).toEqual({ success: true, requestId: 'get-1', contextId: 'SdkCtx-1', state })
  })

  it('errors with a DecodeError naming Data.State for a state outside the protocol', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetContext', answer('-(a|)', jsonResponse({ ...okBody(contextWith('Available')), RequestId: 'get-2' })))
      expectObservable(client().context.clearStatus('SdkCtx-1')).toBe('-#', undefined, {
        name: 'DecodeError',
        kind: 'decode',
        message: 'GetContext failed: unexpected response body: expected "clearing" | "pre-available" | "available" | "in-use", got "Available" at Data.State (requestId get-2)',
      })
    })
  })

  it('an unknown context is a typed error (HttpError with the code), and success false in the Promise form', async () => {
    fake.respond('GetContext', notFound)
    const result = await client(false).context.clearStatusAsync('SdkCtx-9')
    expect(result).toMatchObject({ success: false, requestId: 'nf-1', error: { name: 'HttpError', code: 'InvalidContext.NotFound', httpStatus: 400 } })
    expect(result.success === false && result.error).toBeInstanceOf(HttpError)
  })

  it('unsubscribing mid-probe cancels it', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetContext', answer('----(a|)', jsonResponse(okBody(contextWith('clearing')))))
      expectObservable(client().context.clearStatus('SdkCtx-1'), '^-!').toBe('--')
    })
    expect(fake.requests.map((request) => request.state)).toEqual(['cancelled'])
  })
})

describe('context.clear() reuses the two pieces', () => {
  it('stops probing with a DecodeError at the first state outside the protocol', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('ClearContext', answer('-(a|)', jsonResponse({ ...okBody(), RequestId: 'clr-3' })))
      fake.respond('GetContext', (_request, index) =>
        scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(contextWith(index === 0 ? 'clearing' : 'wiping')), RequestId: 'get-3' }) }),
      )
      const clear$ = client().context.clear('SdkCtx-1', { pollIntervalMs: 10, timeoutMs: 1000 })
      // trigger answers at 1; probes leave at 11 and 22 and answer a frame later.
      expectObservable(clear$).toBe('-a 21ms #', { a: 'clearing' }, {
        name: 'DecodeError',
        kind: 'decode',
        message: 'GetContext failed: unexpected response body: expected "clearing" | "pre-available" | "available" | "in-use", got "wiping" at Data.State (requestId get-3)',
      })
    })
    expect(fake.requestsOf('GetContext')).toHaveLength(2)
    fake.verify()
  })
})
