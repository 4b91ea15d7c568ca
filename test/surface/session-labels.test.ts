// Issue 12 item 5: labels on a running session — SetLabel / GetLabel (official-sdk-calls §2), with
// the official SDKs' client-side checks, a strict decode of `Data.Labels`, and marbles for the
// completion, error and unsubscribe paths of both Observables.
import { firstValueFrom } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, DecodeError, ValidationError } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let fake: FakeTransport
let scheduler: TestScheduler
beforeEach(() => {
  fake = createFakeTransport()
  scheduler = createTestScheduler()
})
const session = (withScheduler = false) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, ...(withScheduler ? { scheduler } : {}) }).session('s-1')
const labelsAnswer = (labels: unknown) => jsonResponse({ ...okBody({ Labels: labels }), RequestId: 'get-1' })
const NOT_FOUND = jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound', Message: 'Session not found', RequestId: 'r-404' }, 400)

describe('session.setLabels()', () => {
  it('sends SetLabel with SessionId and Labels as a JSON object string, emits { requestId } and completes', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('SetLabel', () => cold('--(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'set-1' }) }))
      expectObservable(session(true).setLabels({ project: 'demo', env: 'test' })).toBe('--(a|)', { a: { requestId: 'set-1' } })
    })
    expect(fake.requestsOf('SetLabel')[0]?.params).toEqual({ SessionId: 's-1', Labels: '{"project":"demo","env":"test"}' })
  })

  it('errors with the service failure (a missing session is an HttpError carrying its code)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('SetLabel', () => cold('---(a|)', { a: NOT_FOUND }))
      expectObservable(session(true).setLabels({ a: 'b' })).toBe('---#', undefined, {
        name: 'HttpError',
        kind: 'http',
        message: 'SetLabel failed: HTTP 400 [InvalidMcpSession.NotFound] Session not found (requestId r-404)',
      })
    })
  })

  it('unsubscribing aborts the request in flight', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answer = cold('-----(a|)', { a: jsonResponse(okBody()) })
      fake.respond('SetLabel', () => answer)
      expectObservable(session(true).setLabels({ a: 'b' }), '^--!').toBe('---')
      expectSubscriptions(answer.subscriptions).toBe('^--!')
    })
    expect(fake.requestsOf('SetLabel')[0]?.state).toBe('cancelled')
    fake.verify()
  })

  it.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /^labels must be an object of strings/],
    ['null', null, /^labels must be an object of strings.*got null/],
    ['a string', 'project=demo', /^labels must be an object of strings.*got string/],
    ['an array', [['project', 'demo']], /^labels must be an object of strings, not an array/],
    ['a Map', new Map([['project', 'demo']]), /^labels must be a plain object; a Map is not/],
    ['an empty object', {}, /^labels must not be empty/],
    ['a blank key', { ' ': 'x' }, /^labels: keys must not be empty or blank/],
    ['an empty value', { project: '' }, /^labels\.project must not be empty or blank/],
    ['a blank value', { project: '  ' }, /^labels\.project must not be empty or blank/],
    ['a number value', { replicas: 3 }, /^labels\.replicas must be a string, got number/],
  ])('refuses %s with a ValidationError before any request (the official checks, §2)', async (_name, labels, message) => {
    const failure = await firstValueFrom(session().setLabels(labels as Record<string, string>)).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ValidationError)
    expect((failure as Error).message).toMatch(message)
    await expect(session().setLabelsAsync(labels as Record<string, string>)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })

  it('setLabelsAsync resolves the reference shape: success with the requestId, or the failure fields', async () => {
    fake.respond('SetLabel', jsonResponse({ ...okBody(), RequestId: 'set-2' }))
    expect(await session().setLabelsAsync({ a: 'b' })).toEqual({ requestId: 'set-2', success: true })
    fake.respond('SetLabel', NOT_FOUND)
    expect(await session().setLabelsAsync({ a: 'b' })).toMatchObject({ requestId: 'r-404', success: false, error: { code: 'InvalidMcpSession.NotFound' } })
  })
})

describe('session.getLabels()', () => {
  it('decodes Data.Labels (a JSON object string), emits { requestId, labels } and completes', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('GetLabel', () => cold('-(a|)', { a: labelsAnswer('{"project":"demo","env":"test"}') }))
      expectObservable(session(true).getLabels()).toBe('-(a|)', { a: { requestId: 'get-1', labels: { project: 'demo', env: 'test' } } })
    })
    expect(fake.requestsOf('GetLabel')[0]?.params).toEqual({ SessionId: 's-1' })
  })

  it('reads an absent or empty Labels as no labels, and keeps a "__proto__" label as data', async () => {
    fake.respond('GetLabel', jsonResponse(okBody({})))
    expect((await firstValueFrom(session().getLabels())).labels).toEqual({})
    fake.respond('GetLabel', labelsAnswer(''))
    expect((await firstValueFrom(session().getLabels())).labels).toEqual({})
    fake.respond('GetLabel', labelsAnswer('{"__proto__":"x","a":"b"}'))
    const { labels } = await firstValueFrom(session().getLabels())
    expect(Object.keys(labels)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype)
  })

  it.each<[string, unknown, string]>([
    ['Labels as an object, not a string', { project: 'demo' }, 'Data.Labels'],
    ['invalid JSON', '{project', 'Data.Labels'],
    ['a JSON array', '["demo"]', 'Data.Labels'],
    ['a non-string value', '{"replicas":3}', 'Data.Labels.replicas'],
  ])('errors with a DecodeError carrying the path on %s', async (_name, labels, path) => {
    fake.respond('GetLabel', labelsAnswer(labels))
    const failure = await firstValueFrom(session().getLabels()).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DecodeError)
    expect((failure as DecodeError).path).toBe(path)
  })

  it('errors with a DecodeError when Data is missing: no answer is not "no labels"', async () => {
    fake.respond('GetLabel', jsonResponse(okBody()))
    await expect(firstValueFrom(session().getLabels())).rejects.toBeInstanceOf(DecodeError)
  })

  it('errors with the service failure, and unsubscribing aborts the request in flight', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      fake.respond('GetLabel', () => cold('--(a|)', { a: NOT_FOUND }))
      expectObservable(session(true).getLabels()).toBe('--#', undefined, {
        name: 'HttpError',
        kind: 'http',
        message: 'GetLabel failed: HTTP 400 [InvalidMcpSession.NotFound] Session not found (requestId r-404)',
      })
    })
    fake = createFakeTransport()
    scheduler = createTestScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answer = cold('----(a|)', { a: labelsAnswer('{}') })
      fake.respond('GetLabel', () => answer)
      expectObservable(session(true).getLabels(), '^-!').toBe('--')
      expectSubscriptions(answer.subscriptions).toBe('^-!')
    })
    fake.verify()
  })

  it('getLabelsAsync resolves { requestId, success: true, labels } or the failure fields', async () => {
    fake.respond('GetLabel', labelsAnswer('{"a":"b"}'))
    expect(await session().getLabelsAsync()).toEqual({ requestId: 'get-1', success: true, labels: { a: 'b' } })
    fake.respond('GetLabel', labelsAnswer('[1]'))
    expect(await session().getLabelsAsync()).toMatchObject({ success: false, error: { kind: 'decode' } })
  })
})
