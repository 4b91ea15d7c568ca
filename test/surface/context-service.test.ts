import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ValidationError, type Context } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

let fake: FakeTransport

beforeEach(() => {
  fake = createFakeTransport()
})

const client = (extra: { regionId?: string; scheduler?: TestScheduler; fetch?: typeof fetch } = {}) =>
  new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, random: () => 0.5, ...extra })

const record = (i: number) => ({ Id: `SdkCtx-${i}`, Name: `ctx-${i}`, State: 'available', CreateTime: '2025-05-29T12:00:00Z' })

/** ListContexts answered from `total` records, `MaxResults` per page, NextToken = the next offset. */
function pagedContexts(total: number): void {
  fake.respond('ListContexts', (request) => {
    const size = Number(request.params['MaxResults'])
    const offset = Number(request.params['NextToken'] ?? '0')
    const end = Math.min(total, offset + size)
    const data = Array.from({ length: end - offset }, (_, k) => record(offset + k))
    return jsonResponse(okBody(data, { NextToken: end < total ? String(end) : '', MaxResults: size, TotalCount: total }))
  })
}

describe('agentBay.context: lookup and lifecycle requests', () => {
  it('get(name) sends Name and AllowCreate=false, and maps the record to a Context', async () => {
    fake.respond('GetContext', jsonResponse(okBody({ ...record(1), LastUsedTime: '2025-05-29T12:30:00Z', OsType: 'linux' })))
    const context = await firstValueFrom(client().context.get('ctx-1'))
    expect(fake.requestsOf('GetContext')[0]?.params).toEqual({ Name: 'ctx-1', AllowCreate: 'false' })
    expect(context).toEqual<Context>({
      id: 'SdkCtx-1',
      name: 'ctx-1',
      state: 'available',
      createdAt: '2025-05-29T12:00:00Z',
      lastUsedAt: '2025-05-29T12:30:00Z',
      osType: 'linux',
    })
  })

  it('create(name) sends AllowCreate=true and the configured region as LoginRegionId', async () => {
    fake.respond('GetContext', jsonResponse(okBody(record(1))))
    await firstValueFrom(client({ regionId: 'cn-hangzhou' }).context.create('ctx-1'))
    expect(fake.requestsOf('GetContext')[0]?.params).toEqual({ Name: 'ctx-1', AllowCreate: 'true', LoginRegionId: 'cn-hangzhou' })
  })

  it('getById(id) sends ContextId with AllowCreate=false and no region', async () => {
    fake.respond('GetContext', jsonResponse(okBody(record(7))))
    await firstValueFrom(client({ regionId: 'cn-hangzhou' }).context.getById('SdkCtx-7'))
    expect(fake.requestsOf('GetContext')[0]?.params).toEqual({ ContextId: 'SdkCtx-7', AllowCreate: 'false' })
  })

  it('update() renames with ModifyContext Id + Name, delete() sends DeleteContext Id', async () => {
    fake.respond('ModifyContext', jsonResponse({ ...okBody(), RequestId: 'mod-1' }))
    fake.respond('DeleteContext', jsonResponse({ ...okBody(), RequestId: 'del-1' }))
    const agentBay = client()
    expect(await firstValueFrom(agentBay.context.update({ id: 'SdkCtx-1', name: 'renamed' }))).toEqual({ requestId: 'mod-1' })
    expect(await firstValueFrom(agentBay.context.delete({ id: 'SdkCtx-1' }))).toEqual({ requestId: 'del-1' })
    expect(fake.requestsOf('ModifyContext')[0]?.params).toEqual({ Id: 'SdkCtx-1', Name: 'renamed' })
    expect(fake.requestsOf('DeleteContext')[0]?.params).toEqual({ Id: 'SdkCtx-1' })
  })

  it('is cold: nothing is sent before subscribe', () => {
    const agentBay = client()
    agentBay.context.get('x')
    agentBay.context.list()
    agentBay.context.clear('SdkCtx-1')
    agentBay.context.upload('SdkCtx-1', '/a', 'x')
    expect(fake.requests).toHaveLength(0)
  })

  it('Promise forms resolve remote failures to { success: false } and reject invalid arguments before any request', async () => {
    fake.respond('GetContext', jsonResponse({ Success: false, Code: 'Context.NotFound', Message: 'no such context', RequestId: 'r-404' }))
    const agentBay = client()
    const missing = await agentBay.context.getAsync('nope')
    expect(missing).toMatchObject({ success: false, requestId: 'r-404', errorMessage: expect.stringContaining('[Context.NotFound] no such context') })
    expect(missing.error?.code).toBe('Context.NotFound')
    await expect(agentBay.context.getAsync('  ')).rejects.toBeInstanceOf(ValidationError)
    await expect(agentBay.context.updateAsync({ id: '', name: 'x' })).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests).toHaveLength(1)
  })

  it('getAsync resolves to the reference shape with contextId and context', async () => {
    fake.respond('GetContext', jsonResponse({ ...okBody(record(3)), RequestId: 'g-1' }))
    const result = await client().context.getAsync('ctx-3', { create: true })
    expect(result).toMatchObject({ success: true, requestId: 'g-1', contextId: 'SdkCtx-3', context: { id: 'SdkCtx-3', name: 'ctx-3' } })
  })
})

describe('agentBay.context.list(): lazy paging', () => {
  it('take(5) with maxResults ≥ 5 fetches exactly one page', async () => {
    pagedContexts(25)
    const contexts = await lastValueFrom(client().context.list({ maxResults: 10 }).pipe(take(5), toArray()))
    expect(contexts.map((c) => c.id)).toEqual(['SdkCtx-0', 'SdkCtx-1', 'SdkCtx-2', 'SdkCtx-3', 'SdkCtx-4'])
    expect(fake.requestsOf('ListContexts')).toHaveLength(1)
    fake.verify()
  })

  it('walks every page by NextToken, in order, and stops on the empty token', async () => {
    pagedContexts(23)
    const contexts = await lastValueFrom(client().context.list({ maxResults: 10, sessionId: 's-1' }).pipe(toArray()))
    expect(contexts).toHaveLength(23)
    expect(contexts[22]?.id).toBe('SdkCtx-22')
    expect(fake.requestsOf('ListContexts').map((r) => r.params)).toEqual([
      { MaxResults: '10', SessionId: 's-1' },
      { MaxResults: '10', NextToken: '10', SessionId: 's-1' },
      { MaxResults: '10', NextToken: '20', SessionId: 's-1' },
    ])
  })

  it('take(12) over pages of 10 fetches two pages, not three', async () => {
    pagedContexts(30)
    await lastValueFrom(client().context.list({ maxResults: 10 }).pipe(take(12), toArray()))
    expect(fake.requestsOf('ListContexts')).toHaveLength(2)
  })

  it('stops instead of looping when the server repeats a NextToken', async () => {
    fake.respond('ListContexts', () => jsonResponse(okBody([record(1)], { NextToken: 'same' })))
    const contexts = await lastValueFrom(client().context.list().pipe(toArray()))
    expect(contexts).toHaveLength(2)
    expect(fake.requestsOf('ListContexts')).toHaveLength(2)
  })

  it('listPage returns the page fields, without nextToken on the last page; maxResults out of range is rejected', async () => {
    pagedContexts(3)
    const page = await firstValueFrom(client().context.listPage({ maxResults: 5 }))
    expect(page).toEqual({ requestId: expect.any(String), contexts: expect.any(Array), maxResults: 5, totalCount: 3 })
    await expect(client().context.listPageAsync({ maxResults: 0 })).rejects.toThrow(/maxResults/)
  })
})

describe('agentBay.context files', () => {
  it('listFiles sends ContextId, ParentFolderPath and paging defaults, and maps entries', async () => {
    fake.respond('DescribeContextFiles', jsonResponse(okBody([{ FilePath: '/data/a.txt', FileName: 'a.txt', Size: 3 }], { Count: 1 })))
    const page = await firstValueFrom(client().context.listFiles('SdkCtx-1', '/data'))
    expect(fake.requestsOf('DescribeContextFiles')[0]?.params).toEqual({ ContextId: 'SdkCtx-1', ParentFolderPath: '/data', PageNumber: '1', PageSize: '50' })
    expect(page.entries).toEqual([{ filePath: '/data/a.txt', fileName: 'a.txt', size: 3 }])
    expect(page.count).toBe(1)
  })

  it('presigned URL calls send ContextId + FilePath; deleteFile sends DeleteContextFile', async () => {
    fake.respond('GetContextFileUploadUrl', jsonResponse(okBody({ Url: 'https://oss/x?Signature=abc', ExpireTime: 3600 })))
    fake.respond('DeleteContextFile', jsonResponse(okBody()))
    const agentBay = client()
    const url = await firstValueFrom(agentBay.context.getFileUploadUrl('SdkCtx-1', '/a.txt'))
    expect(url).toMatchObject({ url: 'https://oss/x?Signature=abc', expireTime: 3600 })
    await firstValueFrom(agentBay.context.deleteFile('SdkCtx-1', '/a.txt'))
    expect(fake.requestsOf('GetContextFileUploadUrl')[0]?.params).toEqual({ ContextId: 'SdkCtx-1', FilePath: '/a.txt' })
    expect(fake.requestsOf('DeleteContextFile')[0]?.params).toEqual({ ContextId: 'SdkCtx-1', FilePath: '/a.txt' })
  })

  it('a non-2xx PUT is an HttpError whose message never contains the presigned query', async () => {
    fake.respond('GetContextFileUploadUrl', jsonResponse(okBody({ Url: 'https://oss.example/bucket/key?Signature=s3cr3t&OSSAccessKeyId=AK&Expires=1' })))
    const fetchStub = (async () => new Response('denied', { status: 403 })) as typeof fetch
    const result = await client({ fetch: fetchStub }).context.uploadAsync('SdkCtx-1', '/a.txt', 'hello')
    expect(result.success).toBe(false)
    expect(result.error?.name).toBe('HttpError')
    expect(result.error?.httpStatus).toBe(403)
    expect(result.errorMessage).toContain('https://oss.example/bucket/key')
    expect(result.errorMessage).not.toMatch(/s3cr3t|OSSAccessKeyId|Expires/)
  })

  it('a failed connection is a NetworkError', async () => {
    fake.respond('GetContextFileDownloadUrl', jsonResponse(okBody({ Url: 'https://oss.example/k?Signature=s' })))
    const fetchStub = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })
    }) as typeof fetch
    const result = await client({ fetch: fetchStub }).context.downloadAsync('SdkCtx-1', '/a.txt')
    expect(result).toMatchObject({ success: false, error: { name: 'NetworkError' } })
    expect(result.errorMessage).toContain('ECONNREFUSED')
  })

  it('upload emits progress with the total, then done; the PUT carries Content-Length', async () => {
    fake.respond('GetContextFileUploadUrl', jsonResponse({ ...okBody({ Url: 'https://oss.example/k' }), RequestId: 'u-1' }))
    const seen: { length?: string | null; bytes?: number } = {}
    const fetchStub = (async (_url: string, init: RequestInit) => {
      seen.length = new Headers(init.headers).get('content-length')
      seen.bytes = (await new Response(init.body).arrayBuffer()).byteLength
      return new Response(null, { status: 200, headers: { etag: '"e1"' } })
    }) as unknown as typeof fetch
    const data = new Uint8Array(150 * 1024).fill(7)
    const events = await lastValueFrom(client({ fetch: fetchStub }).context.upload('SdkCtx-1', '/big.bin', data).pipe(toArray()))
    expect(seen).toEqual({ length: String(data.byteLength), bytes: data.byteLength })
    expect(events[0]).toEqual({ kind: 'progress', transferredBytes: 0, totalBytes: data.byteLength })
    expect(events.at(-2)).toEqual({ kind: 'progress', transferredBytes: data.byteLength, totalBytes: data.byteLength })
    expect(events.at(-1)).toEqual({ kind: 'done', requestId: 'u-1', transferredBytes: data.byteLength, etag: '"e1"' })
  })

  it('unsubscribing from upload mid-body aborts the PUT', async () => {
    fake.respond('GetContextFileUploadUrl', jsonResponse(okBody({ Url: 'https://oss.example/k' })))
    let signal: AbortSignal | undefined
    const fetchStub = ((_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined
      return new Promise<Response>(() => undefined)
    }) as unknown as typeof fetch
    const events: unknown[] = []
    const subscription = client({ fetch: fetchStub }).context.upload('SdkCtx-1', '/a', new Uint8Array(10)).subscribe((e) => events.push(e))
    await new Promise((resolve) => setImmediate(resolve))
    subscription.unsubscribe()
    expect(signal?.aborted).toBe(true)
    expect(events).toEqual([{ kind: 'progress', transferredBytes: 0, totalBytes: 10 }])
  })

  it('unsubscribing from download aborts the transfer', async () => {
    fake.respond('GetContextFileDownloadUrl', jsonResponse(okBody({ Url: 'https://oss.example/k' })))
    let signal: AbortSignal | undefined
    const fetchStub = ((_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined
      return new Promise<Response>(() => undefined)
    }) as unknown as typeof fetch
    const subscription = client({ fetch: fetchStub }).context.download('SdkCtx-1', '/a').subscribe()
    await new Promise((resolve) => setImmediate(resolve))
    expect(signal?.aborted).toBe(false)
    subscription.unsubscribe()
    expect(signal?.aborted).toBe(true)
  })
})

describe('agentBay.context.clear() in virtual time', () => {
  let scheduler: TestScheduler
  beforeEach(() => {
    scheduler = createTestScheduler()
  })

  const states = (...list: string[]) => {
    fake.respond('ClearContext', () => scheduler.createColdObservable('-(a|)', { a: jsonResponse({ ...okBody(), RequestId: 'clr-1' }) }))
    fake.respond('GetContext', (_request, index) =>
      scheduler.createColdObservable('-(a|)', { a: jsonResponse(okBody({ ...record(1), State: list[Math.min(index, list.length - 1)] })) }),
    )
  }

  it('emits clearing, then each new state, and completes when available', () => {
    scheduler.run(({ expectObservable }) => {
      states('clearing', 'pre-available', 'pre-available', 'available')
      // trigger answers at 1; each probe leaves 10 ms after the previous answer (11, 22, 33, 44) and answers a frame later.
      expectObservable(client({ scheduler }).context.clear('SdkCtx-1', { pollIntervalMs: 10, timeoutMs: 100 })).toBe('-a 21ms b 21ms (c|)', {
        a: 'clearing',
        b: 'pre-available',
        c: 'available',
      })
    })
    expect(fake.requestsOf('ClearContext')[0]?.params).toEqual({ Id: 'SdkCtx-1' })
    expect(fake.requestsOf('GetContext')[0]?.params).toEqual({ ContextId: 'SdkCtx-1', AllowCreate: 'false' })
    fake.verify()
  })

  it('errors with a RequestTimeoutError once the budget is spent, and stops probing', () => {
    scheduler.run(({ expectObservable }) => {
      states('clearing')
      expectObservable(client({ scheduler }).context.clear('SdkCtx-1', { pollIntervalMs: 10, timeoutMs: 35 })).toBe('-a 34ms #', { a: 'clearing' }, {
        name: 'RequestTimeoutError',
        kind: 'timeout',
        message: 'ClearContext failed: context SdkCtx-1 was not available again within 35 ms (requestId clr-1)',
      })
    })
    expect(fake.requestsOf('GetContext')).toHaveLength(3)
    fake.verify()
  })

  it('clearAsync resolves with the final state', async () => {
    fake.respond('ClearContext', jsonResponse(okBody()))
    fake.respond('GetContext', jsonResponse(okBody(record(1))))
    const result = await client().context.clearAsync('SdkCtx-1', { pollIntervalMs: 1, timeoutMs: 1000 })
    expect(result).toMatchObject({ success: true, contextId: 'SdkCtx-1', state: 'available' })
  })
})
