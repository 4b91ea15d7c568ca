// Issue 12 item 4: `agentBay.delete(session, { syncContext })` and `deleteAsync` beside
// `session.delete` — same flow (official-sdk-calls §8), a Session or a session id, validated.
import { firstValueFrom } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ValidationError, type Session } from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let fake: FakeTransport
let scheduler: TestScheduler
beforeEach(() => {
  fake = createFakeTransport()
  scheduler = createTestScheduler()
})
const client = (withScheduler = false) => new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, ...(withScheduler ? { scheduler } : {}) })
const GONE = jsonResponse({ Success: false, Code: 'InvalidMcpSession.NotFound', Message: 'gone' }, 400)

describe('agentBay.delete(session, options)', () => {
  it('deletes a Session: DeleteSessionAsync, then probes until gone; emits one result and completes', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('DeleteSessionAsync', () => cold('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'del-1' }) }))
      fake.respond('GetSessionDetail', (_request, index) => cold('-(a|)', { a: index === 0 ? jsonResponse(okBody({ Status: 'DELETING' })) : GONE }))
      const agentBay = client(true)
      // deleted at 1; probes leave at 1 and 12 (10 ms after the first answer) and answer a frame later.
      expectObservable(agentBay.delete(agentBay.session('s-1'), { pollIntervalMs: 10 })).toBe('-------------(a|)', {
        a: { requestId: 'del-1', success: true, deleted: true },
      })
    })
    expect(fake.requestsOf('DeleteSessionAsync')[0]?.params).toEqual({ SessionId: 's-1' })
  })

  it('accepts a session id string', async () => {
    fake.respond('DeleteSessionAsync', jsonResponse(okBody()))
    fake.respond('GetSessionDetail', GONE)
    expect(await firstValueFrom(client().delete('s-2', { pollIntervalMs: 1 }))).toMatchObject({ success: true, deleted: true })
    expect(fake.requestsOf('DeleteSessionAsync')[0]?.params).toEqual({ SessionId: 's-2' })
  })

  it('with syncContext, uploads the mounted contexts first (SyncContext before DeleteSessionAsync)', async () => {
    const agentBay = client()
    fake.respond('CreateMcpSession', jsonResponse(okBody({ SessionId: 's-3' })))
    const download = task({ contextId: 'SdkCtx-1', taskType: 'download', status: 'Success', finishTime: 1_700_000_001 })
    const upload = task({ contextId: 'SdkCtx-1', taskType: 'upload', status: 'Success', startTime: 1_700_000_100, finishTime: 1_700_000_101 })
    let synced = false
    fake.respond('SyncContext', () => {
      synced = true
      return jsonResponse({ ...okBody(), RequestId: 'sync-1' })
    })
    fake.respond('GetContextInfo', () => jsonResponse(contextInfoBody(synced ? [download, upload] : [download])))
    fake.respond('DeleteSessionAsync', jsonResponse({ ...okBody(), RequestId: 'del-3' }))
    fake.respond('GetSessionDetail', GONE)
    const session: Session = await firstValueFrom(
      agentBay.create({ contextSync: [{ contextId: 'SdkCtx-1', path: '/home/wuying/data' }], downloadWait: { maxPolls: 3, schedule: () => 0, noTaskGraceMs: 0 } }),
    )
    const result = await firstValueFrom(agentBay.delete(session, { syncContext: true, pollIntervalMs: 1, sync: { retryInterval: 1, maxRetries: 20, noTaskGraceMs: 0 } }))
    expect(result).toMatchObject({ requestId: 'del-3', success: true, deleted: true, upload: { success: true } })
    const order = fake.requests.map((request) => request.action).filter((action) => action === 'SyncContext' || action === 'DeleteSessionAsync')
    expect(order).toEqual(['SyncContext', 'DeleteSessionAsync'])
    expect(fake.requestsOf('SyncContext')[0]?.params).toMatchObject({ SessionId: 's-3', Mode: 'upload' })
  })

  it('errors when DeleteSessionAsync fails, and probes nothing', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('DeleteSessionAsync', () => cold('--(a|)', { a: jsonResponse({ Success: false, Code: 'Forbidden', Message: 'not yours', RequestId: 'd-9' }) }))
      expectObservable(client(true).delete('s-1')).toBe('--#', undefined, {
        name: 'ApiError',
        kind: 'api',
        message: 'DeleteSessionAsync failed: [Forbidden] not yours (requestId d-9)',
      })
    })
    expect(fake.requestsOf('GetSessionDetail')).toHaveLength(0)
  })

  it('unsubscribing mid-wait cancels the probe in flight and sends nothing more', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const probe = cold('----(a|)', { a: jsonResponse(okBody({ Status: 'DELETING' })) })
      fake.respond('DeleteSessionAsync', () => cold('-(a|)', { a: jsonResponse(okBody()) }))
      fake.respond('GetSessionDetail', () => probe)
      expectObservable(client(true).delete('s-1', { pollIntervalMs: 10 }), '^--!').toBe('---')
      expectSubscriptions(probe.subscriptions).toBe('-^-!')
    })
    expect(fake.requestsOf('GetSessionDetail')).toHaveLength(1)
    fake.verify()
  })

  it.each<[string, unknown, unknown, RegExp]>([
    ['the official positional syncContext', 's-1', true, /^agentBay\.delete\(session, options\): options must be an object, got true; use agentBay\.delete\(session, \{ syncContext: true \}\)/],
    ['no session', undefined, {}, /^session must be a Session or a session id string, got undefined/],
    ['null', null, {}, /got null/],
    ['a blank id', '  ', {}, /^session must be a non-empty string/],
    ['a plain object', { sessionId: 's-1' }, {}, /^session must be a Session or a session id string, got object/],
  ])('refuses %s with a ValidationError before any request', async (_name, session, options, message) => {
    const agentBay = client()
    const failure = await firstValueFrom(agentBay.delete(session as string, options as object)).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ValidationError)
    expect((failure as Error).message).toMatch(message)
    await expect(agentBay.deleteAsync(session as string, options as object)).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(0)
  })
})

describe('agentBay.deleteAsync(session, options)', () => {
  it('resolves the result, or { success: false, deleted: false } for a remote failure', async () => {
    const agentBay = client()
    fake.respond('DeleteSessionAsync', jsonResponse({ ...okBody(), RequestId: 'del-1' }))
    fake.respond('GetSessionDetail', GONE)
    expect(await agentBay.deleteAsync(agentBay.session('s-1'), { pollIntervalMs: 1 })).toEqual({ requestId: 'del-1', success: true, deleted: true })
    fake.respond('DeleteSessionAsync', jsonResponse({ Success: false, Code: 'Forbidden', Message: 'no', RequestId: 'd-2' }))
    expect(await agentBay.deleteAsync('s-1')).toMatchObject({ requestId: 'd-2', success: false, deleted: false, error: { code: 'Forbidden' } })
  })

  it('rejects with the abort reason when its signal aborts', async () => {
    fake.respond('DeleteSessionAsync', jsonResponse(okBody()))
    fake.respond('GetSessionDetail', jsonResponse(okBody({ Status: 'DELETING' })))
    const controller = new AbortController()
    const pending = client().deleteAsync('s-1', { pollIntervalMs: 5, signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
  })
})
