import { inspect } from 'node:util'
import { firstValueFrom, lastValueFrom } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AgentBay,
  ApiError,
  HttpError,
  NetworkError,
  RequestTimeoutError,
  ThrottlingError,
  type AgentBayClientOptions,
} from '../../src/entries/index.js'
import { redactUrl } from '../../src/entries/wire.js'
import { parseRetryAfter } from '../../src/wire/decode-response.js'
import { createRedactor } from '../../src/shared/redact.js'
import { retryDelayMs } from '../../src/rpc/retry.js'
import { reply, startServer, unusedPort, type Handler, type TestServer } from './http-test-server.js'

const KEY = 'ak-secret-123'
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } as const

let server: TestServer | undefined

afterEach(async () => {
  try {
    server?.verify()
  } finally {
    await server?.close()
    server = undefined
  }
})

async function serve(...handlers: Handler[]): Promise<TestServer> {
  server = await startServer(...handlers)
  return server
}

const clientFor = (srv: { endpoint: string }, options: AgentBayClientOptions = {}): AgentBay =>
  new AgentBay({ apiKey: KEY, endpoint: srv.endpoint, env: {}, retry: FAST_RETRY, ...options })

const ok = (data?: unknown, requestId = 'req-1'): Record<string, unknown> => ({
  RequestId: requestId,
  Success: true,
  Code: 'ok',
  HttpStatusCode: 200,
  ...(data === undefined ? {} : { Data: data }),
})

const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_seen, res) =>
    reply(res, status, body, headers)

const hang: Handler = () => undefined

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection, got a value')
}

/** Every way an error may be printed or logged. */
const renderings = (error: Error): string[] => [
  error.message,
  String(error),
  JSON.stringify(error),
  inspect(error),
  inspect(error, { showHidden: true, depth: null }),
  error.stack ?? '',
]

const expectNoKey = (error: Error): void => {
  for (const text of renderings(error)) {
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(encodeURIComponent(`Bearer ${KEY}`))
  }
}

// ---- request line and body ---------------------------------------------------------------------

describe('the request on the wire', () => {
  it('posts GetContextInfo to / with the common query parameters in order and the key in the form body', async () => {
    const srv = await serve(answer(200, ok({ ContextStatus: '[]' })))
    const info = await firstValueFrom(clientFor(srv).session('s-1').context.info({ contextId: 'ctx 1', path: '/home/a b' }))

    expect(info).toEqual({ requestId: 'req-1', success: true, contextStatusData: [] })
    const [seen] = srv.requests
    expect(seen?.method).toBe('POST')
    expect(seen?.url.startsWith('/?')).toBe(true)
    expect([...(seen?.query.keys() ?? [])]).toEqual(['Action', 'Format', 'Version', 'Timestamp', 'SignatureNonce'])
    expect(seen?.query.get('Action')).toBe('GetContextInfo')
    expect(seen?.query.get('Format')).toBe('json')
    expect(seen?.query.get('Version')).toBe('2025-05-06')
    expect(seen?.query.get('Timestamp')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(seen?.rawQuery).toMatch(/&Timestamp=\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}Z&/)
    expect(seen?.query.get('SignatureNonce')).toMatch(/^[0-9a-f]{32}$/)
    expect(Math.abs(Date.parse(seen?.query.get('Timestamp') ?? '') - Date.now())).toBeLessThan(5_000)

    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(seen?.headers['x-acs-action']).toBe('GetContextInfo')
    expect(seen?.headers['x-acs-version']).toBe('2025-05-06')
    expect(seen?.headers['authorization']).toBeUndefined()
    expect(seen?.body).toBe('Authorization=Bearer%20ak-secret-123&SessionId=s-1&ContextId=ctx%201&Path=%2Fhome%2Fa%20b')
    expect(seen?.body).not.toContain('+')
    expect(seen?.query.has('Authorization')).toBe(false)
  })

  it('omits undefined filters entirely instead of sending them empty', async () => {
    const srv = await serve(answer(200, ok()))
    await firstValueFrom(clientFor(srv).session('s-1').context.info())
    expect([...(srv.requests[0]?.form.keys() ?? [])]).toEqual(['Authorization', 'SessionId'])
  })

  it('puts the key of SyncContext in the query string, after the common parameters, and the rest in the body', async () => {
    const srv = await serve(answer(200, ok()))
    await lastValueFrom(clientFor(srv).rpc('SyncContext', { SessionId: 's-1', ContextId: 'ctx-1', Path: '/data', Mode: 'upload' }))

    const [seen] = srv.requests
    expect([...(seen?.query.keys() ?? [])]).toEqual(['Action', 'Format', 'Version', 'Timestamp', 'SignatureNonce', 'Authorization'])
    expect(seen?.rawQuery).toMatch(/&Authorization=Bearer%20ak-secret-123$/)
    expect(seen?.query.get('Authorization')).toBe(`Bearer ${KEY}`)
    expect(seen?.body).toBe('SessionId=s-1&ContextId=ctx-1&Path=%2Fdata&Mode=upload')
  })

  it('puts SessionId of GetSessionDetail in the query string and the key in the body', async () => {
    const srv = await serve(answer(200, ok({ Status: 'RUNNING' })))
    const detail = await firstValueFrom(clientFor(srv).rpc('GetSessionDetail', { SessionId: 's-1' }))

    expect(detail.Data.Status).toBe('RUNNING')
    const [seen] = srv.requests
    expect(seen?.query.get('SessionId')).toBe('s-1')
    expect([...(seen?.query.keys() ?? [])].at(-1)).toBe('SessionId')
    expect(seen?.body).toBe('Authorization=Bearer%20ak-secret-123')
  })

  it('sends a JSON-string parameter as one form field that decodes back to the same JSON', async () => {
    const srv = await serve(answer(200, ok({ SessionId: 's-9' })))
    const labels = JSON.stringify({ a: 'b c', plus: '1+1', amp: 'x&y=z', quote: '"q"', uni: '下载' })
    const persistence = JSON.stringify([{ ContextId: 'SdkCtx-1', Path: '/home/wuying/data', Policy: JSON.stringify({ uploadPolicy: { autoUpload: true } }) }])
    await firstValueFrom(clientFor(srv).rpc('CreateMcpSession', { ImageId: 'linux_latest', Labels: labels, PersistenceDataList: persistence }))

    const [seen] = srv.requests
    expect(seen?.form.get('Labels')).toBe(labels)
    expect(seen?.form.get('PersistenceDataList')).toBe(persistence)
    expect(JSON.parse(JSON.parse(seen?.form.get('PersistenceDataList') ?? '')[0].Policy)).toEqual({ uploadPolicy: { autoUpload: true } })
    // protocol §1.4: space → %20, `+` → %2B; never a bare `+`.
    expect(seen?.body).toContain('Labels=%7B%22a%22%3A%22b%20c%22%2C%22plus%22%3A%221%2B1%22')
    expect(seen?.body).not.toMatch(/\+/)
  })

  it('encodes a key with +, /, = and ~ so the server reads it back unchanged, in body and query', async () => {
    const key = 'ak+b/c=d~e'
    const srv = await serve(answer(200, ok()))
    const client = new AgentBay({ apiKey: key, endpoint: srv.endpoint, env: {} })
    await firstValueFrom(client.session('s-1').context.info())
    await firstValueFrom(client.rpc('SyncContext', { SessionId: 's-1' }))
    expect(srv.requests[0]?.form.get('Authorization')).toBe(`Bearer ${key}`)
    expect(srv.requests[1]?.query.get('Authorization')).toBe(`Bearer ${key}`)
    expect(srv.requests[0]?.body).toContain('Bearer%20ak%2Bb%2Fc%3Dd~e')
  })

  it('re-signs every attempt: a fresh SignatureNonce and Timestamp per retry', async () => {
    const busy = answer(503, { Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' })
    const srv = await serve(busy, busy, answer(200, ok()))
    await firstValueFrom(clientFor(srv).session('s-1').context.info())

    expect(srv.requests).toHaveLength(3)
    const nonces = srv.requests.map((seen) => seen.query.get('SignatureNonce'))
    expect(new Set(nonces).size).toBe(3)
    for (const seen of srv.requests) expect(seen.query.get('Timestamp')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
  })
})

// ---- cancellation --------------------------------------------------------------------------------

describe('cancellation', () => {
  it('aborts the request when the subscriber unsubscribes before the answer', async () => {
    const srv = await serve(hang)
    const seen: unknown[] = []
    const subscription = clientFor(srv)
      .session('s-1')
      .context.info()
      .subscribe({ next: (value) => seen.push(value), error: (error: unknown) => seen.push(error) })
    await srv.received(1)
    subscription.unsubscribe()

    expect(await srv.ended(0)).toBe('closed-early')
    expect(seen).toEqual([])
  })

  it('aborts a request whose headers arrived but whose body is still streaming', async () => {
    const srv = await serve((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"Success":')
    })
    const subscription = clientFor(srv).session('s-1').context.info().subscribe()
    await srv.received(1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    subscription.unsubscribe()
    expect(await srv.ended(0)).toBe('closed-early')
  })

  it('sends nothing before subscribe (cold)', async () => {
    const srv = await serve(answer(200, ok()))
    clientFor(srv).session('s-1').context.info()
    clientFor(srv).rpc('SyncContext', { SessionId: 's-1' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(srv.requests).toHaveLength(0)
  })
})

// ---- retries -------------------------------------------------------------------------------------

describe('retries', () => {
  it('retries a read action on 503 and succeeds on the third attempt', async () => {
    const busy = answer(503, { Code: 'ServiceUnavailable', Message: 'busy' })
    const srv = await serve(busy, busy, answer(200, ok(undefined, 'third')))
    const info = await firstValueFrom(clientFor(srv).session('s-1').context.info())
    expect(info.requestId).toBe('third')
    expect(srv.requests).toHaveLength(3)
  })

  it('gives up after `attempts` and surfaces the last HttpError with status, code and requestId', async () => {
    const srv = await serve(answer(503, { Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }))
    const error = await rejectionOf(firstValueFrom(clientFor(srv).session('s-1').context.info()))
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ httpStatus: 503, code: 'ServiceUnavailable', requestId: 'r-503', action: 'GetContextInfo' })
    expect(srv.requests).toHaveLength(3)
  })

  it('retries HTTP 429 and a Throttling code, as ThrottlingError', async () => {
    const srv = await serve(
      answer(429, { Code: 'Throttling', Message: 'slow down' }, { 'retry-after': '0' }),
      answer(400, { Code: 'Throttling.User', Message: 'slow down' }),
      answer(200, ok()),
    )
    await firstValueFrom(clientFor(srv).session('s-1').context.info())
    expect(srv.requests).toHaveLength(3)

    const srv2 = await startServer(answer(429, { Code: 'Throttling.Api', RequestId: 'r-429' }, { 'retry-after': '0' }))
    try {
      const error = await rejectionOf(firstValueFrom(clientFor(srv2).session('s-1').context.info()))
      expect(error).toBeInstanceOf(ThrottlingError)
      expect(error).toMatchObject({ httpStatus: 429, code: 'Throttling.Api', requestId: 'r-429', retryAfterMs: 0 })
      expect(srv2.requests).toHaveLength(3)
    } finally {
      await srv2.close()
    }
  })

  it('waits at least Retry-After between attempts even when the backoff is shorter', async () => {
    // Retry-After 0.08 s (fractional delta-seconds, read as 80 ms) against a 5 ms backoff ceiling.
    const srv = await serve(answer(429, { Code: 'Throttling' }, { 'retry-after': '0.08' }), answer(200, ok()))
    await firstValueFrom(clientFor(srv).session('s-1').context.info())
    expect(srv.requests).toHaveLength(2)
    const [first, second] = srv.requests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(70)
  })

  it('does not retry a 400 that is not throttling', async () => {
    const body = { RequestId: 'get-session-detail-request-id', Code: 'InvalidMcpSession.NotFound', Message: 'Session not found', Success: false, HttpStatusCode: 400 }
    const srv = await serve(answer(400, body))
    const error = await rejectionOf(firstValueFrom(clientFor(srv).rpc('GetSessionDetail', { SessionId: 's-1' })))
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ httpStatus: 400, code: 'InvalidMcpSession.NotFound', requestId: 'get-session-detail-request-id' })
    expect(srv.requests).toHaveLength(1)
  })

  it('does not retry a business error (HTTP 200, Success false)', async () => {
    const srv = await serve(answer(200, { Success: false, Code: 'InvalidSession', Message: 'gone', RequestId: 'r-1' }))
    const error = await rejectionOf(firstValueFrom(clientFor(srv).session('s-1').context.info()))
    expect(error).toBeInstanceOf(ApiError)
    expect(srv.requests).toHaveLength(1)
  })

  it('never retries a non-read action: SyncContext 503 is one attempt', async () => {
    const srv = await serve(answer(503, { Code: 'ServiceUnavailable' }))
    const error = await rejectionOf(firstValueFrom(clientFor(srv).rpc('SyncContext', { SessionId: 's-1', Mode: 'upload' })))
    expect(error).toBeInstanceOf(HttpError)
    expect(srv.requests).toHaveLength(1)
  })

  it('never retries a throttled SyncContext either', async () => {
    const srv = await serve(answer(429, { Code: 'Throttling' }, { 'retry-after': '0' }))
    const error = await rejectionOf(firstValueFrom(clientFor(srv).rpc('SyncContext', { SessionId: 's-1' })))
    expect(error).toBeInstanceOf(ThrottlingError)
    expect(srv.requests).toHaveLength(1)
  })
})

describe('retryDelayMs / parseRetryAfter', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 }
  const throttled = (retryAfterMs?: number) =>
    new ThrottlingError('slow', retryAfterMs === undefined ? {} : { retryAfterMs })

  it('backs off exponentially with jitter between half and the full ceiling, capped at maxDelayMs', () => {
    const network = new NetworkError('reset')
    expect(retryDelayMs(network, 1, policy, () => 0)).toBe(50)
    expect(retryDelayMs(network, 1, policy, () => 1)).toBe(100)
    expect(retryDelayMs(network, 3, policy, () => 1)).toBe(400)
    expect(retryDelayMs(network, 10, policy, () => 1)).toBe(1_000)
  })

  it('waits at least Retry-After on throttling', () => {
    expect(retryDelayMs(throttled(2_500), 1, policy, () => 0)).toBe(2_500)
    expect(retryDelayMs(throttled(10), 1, policy, () => 1)).toBe(100)
    expect(retryDelayMs(throttled(), 1, policy, () => 1)).toBe(100)
  })

  it('reads Retry-After as delta-seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3_000)
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('0.5', now)).toBe(500)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})

// ---- transport failures --------------------------------------------------------------------------

describe('transport failures', () => {
  it('fails with RequestTimeoutError when no answer comes within timeoutMs', async () => {
    const srv = await serve(hang)
    const error = await rejectionOf(
      firstValueFrom(clientFor(srv, { timeoutMs: 50, retry: { attempts: 1 } }).session('s-1').context.info()),
    )
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expect(error).toMatchObject({ kind: 'timeout', action: 'GetContextInfo' })
    // Closed by the client (or, on a loaded machine, given up on before it even arrived).
    expect(['closed-early', 'never-arrived']).toContain(await srv.endedOrNeverArrived(0))
  })

  it('counts the body in the timeout: headers on time, body never finished → RequestTimeoutError', async () => {
    const srv = await serve((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"Success":')
    })
    const error = await rejectionOf(
      firstValueFrom(clientFor(srv, { timeoutMs: 80, retry: { attempts: 1 } }).session('s-1').context.info()),
    )
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expect(['closed-early', 'never-arrived']).toContain(await srv.endedOrNeverArrived(0))
  })

  it('retries timeouts of read actions within the attempt budget', async () => {
    const srv = await serve(hang, answer(200, ok(undefined, 'after-timeout')))
    // Long enough that the answering attempt never times out on a loaded machine.
    const info = await firstValueFrom(clientFor(srv, { timeoutMs: 1000 }).session('s-1').context.info())
    expect(info.requestId).toBe('after-timeout')
    expect(srv.requests).toHaveLength(2)
    expect(await srv.ended(0)).toBe('closed-early')
  })

  it('fails with NetworkError when the connection is refused', async () => {
    const port = await unusedPort()
    const error = await rejectionOf(
      firstValueFrom(clientFor({ endpoint: `http://127.0.0.1:${port}` }).session('s-1').context.info()),
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ kind: 'network', action: 'GetContextInfo' })
    expect(error.message).toMatch(/ECONNREFUSED/)
  })

  it('fails with NetworkError when the connection is reset before an answer', async () => {
    const srv = await serve((_seen, _res, socket) => socket.destroy())
    const error = await rejectionOf(firstValueFrom(clientFor(srv, { retry: { attempts: 1 } }).session('s-1').context.info()))
    expect(error).toBeInstanceOf(NetworkError)
    expect(srv.requests).toHaveLength(1)
    await srv.ended(0)
  })

  it('fails with NetworkError when the connection is reset mid-response', async () => {
    const srv = await serve((_seen, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
      res.write('{"Success":true,"Data":{"Cont', () => setTimeout(() => socket.destroy(), 5))
    })
    const error = await rejectionOf(firstValueFrom(clientFor(srv, { retry: { attempts: 1 } }).session('s-1').context.info()))
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/terminated|other side closed|UND_ERR_SOCKET/)
    await srv.ended(0)
  })

  it('retries a reset read action and succeeds', async () => {
    const srv = await serve((_seen, _res, socket) => socket.destroy(), answer(200, ok(undefined, 'second')))
    const info = await firstValueFrom(clientFor(srv).session('s-1').context.info())
    expect(info.requestId).toBe('second')
    await srv.ended(0)
  })
})

describe('redirects', () => {
  it('are not followed: a 307 elsewhere would re-send the form body, key included', async () => {
    const elsewhere = await startServer(answer(200, ok()))
    try {
      const srv = await serve((_seen, res) => {
        res.writeHead(307, { location: `${elsewhere.endpoint}/?Action=GetContextInfo` })
        res.end()
      })
      const error = await rejectionOf(firstValueFrom(clientFor(srv, { retry: { attempts: 1 } }).session('s-1').context.info()))
      expect(error).toBeInstanceOf(NetworkError)
      expectNoKey(error)
      expect(elsewhere.requests).toHaveLength(0)
    } finally {
      await elsewhere.close()
    }
  })
})

// ---- redaction -----------------------------------------------------------------------------------

describe('the API key never leaks into errors', () => {
  const sync = (client: AgentBay) => firstValueFrom(client.rpc('SyncContext', { SessionId: 's-1', Mode: 'upload' }))

  it('on a SyncContext timeout (the URL carries the key)', async () => {
    const srv = await serve(hang)
    const error = await rejectionOf(sync(clientFor(srv, { timeoutMs: 30 })))
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expectNoKey(error)
    await srv.endedOrNeverArrived(0)
  })

  it('on a SyncContext connection reset and a refused connection', async () => {
    const srv = await serve((_seen, _res, socket) => socket.destroy())
    const reset = await rejectionOf(sync(clientFor(srv)))
    expect(reset).toBeInstanceOf(NetworkError)
    expectNoKey(reset)
    await srv.ended(0)

    const refused = await rejectionOf(sync(clientFor({ endpoint: `http://127.0.0.1:${await unusedPort()}` })))
    expect(refused).toBeInstanceOf(NetworkError)
    expectNoKey(refused)
  })

  it('on HTTP and API errors whose bodies echo the key', async () => {
    const echo: Handler = (seen, res) =>
      reply(res, 500, { Code: 'InternalError', Message: `bad request ${seen.url} Authorization=${seen.query.get('Authorization')} key ${KEY}`, RequestId: 'r-500' })
    const srv = await serve(echo, answer(200, { Success: false, Code: 'InvalidKey', Message: `key ${KEY} is not valid (Bearer ${KEY})` }), answer(200, `<html>${KEY}</html>`))

    const http = await rejectionOf(sync(clientFor(srv)))
    expect(http).toBeInstanceOf(HttpError)
    expectNoKey(http)
    const api = await rejectionOf(sync(clientFor(srv)))
    expect(api).toBeInstanceOf(ApiError)
    expectNoKey(api)
    const decode = await rejectionOf(sync(clientFor(srv)))
    expect(decode.name).toBe('DecodeError')
    expectNoKey(decode)
  })

  it('redactUrl scrubs the key from a SyncContext URL and keeps the other parameters', () => {
    const url = `http://127.0.0.1:1/?Action=SyncContext&Format=json&Authorization=Bearer%20${KEY}`
    const redacted = redactUrl(url)
    expect(redacted).not.toContain(KEY)
    expect(redacted).toContain('Action=SyncContext')
    expect(redactUrl(new URL(url))).not.toContain(KEY)
    expect(redactUrl(`http://127.0.0.1:1/?authorization=Bearer+${KEY}`)).not.toContain(KEY)
  })

  it("a client's redactor scrubs its key wherever it sits in the URL, not only in Authorization=", () => {
    const { url } = createRedactor([KEY])
    expect(url(`http://127.0.0.1:1/?Debug=Bearer%20${KEY}`)).not.toContain(KEY)
    expect(url(`http://127.0.0.1:1/${KEY}/x`)).not.toContain(KEY)
    expect(url(`not a url Authorization=Bearer ${KEY}`)).not.toContain(KEY)
  })
})
