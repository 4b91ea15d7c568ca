// The transport's default fetch (src/http/node-fetch.ts, issue 13 goal 1): keep-alive node:http,
// answers and failures shaped like the global fetch's, so the transport maps them as before.
import { Agent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Socket } from 'node:net'
import { firstValueFrom } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AgentBay, HttpError, NetworkError, ThrottlingError } from '../../src/entries/index.js'
import { DIRECT_CALL, DirectCall, createNodeFetch, type NodeFetchAgents } from '../../src/http/node-fetch.js'
import { reply, startServer, unusedPort, type Handler, type TestServer } from './http-test-server.js'

const KEY = 'ak-node-fetch-key'
let server: TestServer | undefined
let agents: Required<NodeFetchAgents> | undefined

afterEach(async () => {
  vi.restoreAllMocks()
  agents?.http.destroy()
  agents?.https.destroy()
  agents = undefined
  await server?.close()
  server = undefined
})

async function serve(...handlers: Handler[]): Promise<TestServer> {
  server = await startServer(...handlers)
  return server
}

/** A fetch over agents this test owns, so it can see every socket (`sockets` in use, `freeSockets` idle). */
function ownedFetch(): { fetch: typeof fetch; agent: Agent } {
  agents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) }
  return { fetch: createNodeFetch(agents), agent: agents.http }
}

const socketCount = (pool: NodeJS.ReadOnlyDict<Socket[]>): number => Object.values(pool).reduce((sum, list) => sum + (list?.length ?? 0), 0)

const ok = (requestId: string) => ({ RequestId: requestId, Success: true, Code: 'ok' })
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_seen, res) => reply(res, status, body, headers)

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { cause?: unknown }> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection, got a value')
}

describe('the default transport', () => {
  it('sends through node:http, not the global fetch, on one keep-alive connection', async () => {
    const seenSockets = new Set<Socket>()
    const srv = await serve((seen, res, socket) => {
      seenSockets.add(socket)
      reply(res, 200, ok(`r-${seen.index}`))
    })
    const globalFetch = vi.spyOn(globalThis, 'fetch')
    const context = new AgentBay({ apiKey: KEY, endpoint: srv.endpoint, env: {} }).session('s-1').context
    const ids: string[] = []
    for (let i = 0; i < 3; i += 1) ids.push((await firstValueFrom(context.info())).requestId)

    expect(ids).toEqual(['r-0', 'r-1', 'r-2'])
    expect(globalFetch).not.toHaveBeenCalled()
    expect(seenSockets.size).toBe(1)
    expect(srv.requests[0]!.form.get('SessionId')).toBe('s-1')
    expect(srv.requests[0]!.headers).toMatchObject({
      'content-length': String(Buffer.byteLength(srv.requests[0]!.body)),
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-action': 'GetContextInfo',
      'user-agent': 'node', // as the global fetch sent
      accept: '*/*',
    })
  })

  it('keeps one pool per client (README Configuration): two clients never share a socket, each reuses its own', async () => {
    const sockets: Socket[] = []
    const srv = await serve((seen, res, socket) => {
      sockets.push(socket)
      reply(res, 200, ok(`r-${seen.index}`))
    })
    const [a, b] = [0, 1].map(() => new AgentBay({ apiKey: KEY, endpoint: srv.endpoint, env: {} }).session('s-1').context)
    for (const context of [a!, b!, a!, b!]) await firstValueFrom(context.info())

    expect(sockets).toHaveLength(4)
    expect(sockets[0]).not.toBe(sockets[1])
    expect(sockets[2]).toBe(sockets[0])
    expect(sockets[3]).toBe(sockets[1])
  })

  it('a fetch passed in the options wins, and gets the body and signal the standard way', async () => {
    const srv = await serve(answer(200, ok('via-user-fetch')))
    const userFetch = vi.fn<typeof fetch>((input, init) => fetch(input, init))
    const info = await firstValueFrom(new AgentBay({ apiKey: KEY, endpoint: srv.endpoint, env: {}, fetch: userFetch }).session('s-1').context.info())

    expect(info.requestId).toBe('via-user-fetch')
    expect(userFetch).toHaveBeenCalledTimes(1)
    const [request, init] = userFetch.mock.calls[0]!
    expect(request).toBeInstanceOf(Request)
    expect((request as Request).signal).toBeInstanceOf(AbortSignal)
    expect(init).not.toHaveProperty(DIRECT_CALL)
    expect(srv.requests[0]!.form.get('SessionId')).toBe('s-1')
  })

  it('maps HTTP failures, resets and redirects to the same typed errors as before', async () => {
    const elsewhere = await startServer(answer(200, ok('elsewhere')))
    try {
      const srv = await serve(
        answer(503, { Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'r-503' }),
        answer(429, { Code: 'Throttling', RequestId: 'r-429' }, { 'retry-after': '2' }),
        (_seen, _res, socket) => socket.destroy(),
        (_seen, res) => {
          res.writeHead(307, { location: `${elsewhere.endpoint}/` })
          res.end()
        },
      )
      const context = new AgentBay({ apiKey: KEY, endpoint: srv.endpoint, env: {}, retry: { attempts: 1 } }).session('s-1').context
      const errors = []
      for (let i = 0; i < 4; i += 1) errors.push(await rejectionOf(firstValueFrom(context.info())))

      expect(errors[0]).toBeInstanceOf(HttpError)
      expect(errors[0]).toMatchObject({ httpStatus: 503, code: 'ServiceUnavailable', requestId: 'r-503' })
      expect(errors[1]).toBeInstanceOf(ThrottlingError)
      expect(errors[1]).toMatchObject({ httpStatus: 429, retryAfterMs: 2000 })
      expect(errors[2]).toBeInstanceOf(NetworkError)
      expect(errors[3]).toBeInstanceOf(NetworkError)
      expect(errors[3]!.message).toMatch(/redirect/)
      expect(elsewhere.requests).toHaveLength(0)
    } finally {
      await elsewhere.close()
    }
  })
})

describe('createNodeFetch: the transport\'s own calls (ky\'s Request with a DirectCall)', () => {
  const direct = (call: DirectCall): RequestInit => ({ [DIRECT_CALL]: call }) as RequestInit
  const kyRequest = (url: string): Request => new Request(url, { method: 'POST' })
  /** One call as the transport makes it: ky's Request for `url`, the parts in a DirectCall. */
  const post = (nodeFetch: typeof fetch, url: string, body: string): Promise<Response> => nodeFetch(kyRequest(url), direct(new DirectCall(url, {}, body)))

  it('refuses anything but a DirectCall: a standard fetch call is not what it serves (production never makes one)', async () => {
    const srv = await serve(answer(200, ok('never')))
    const { fetch: nodeFetch } = ownedFetch()
    for (const call of [nodeFetch(`${srv.endpoint}/`, { method: 'POST', body: 'x' }), nodeFetch(kyRequest(`${srv.endpoint}/`))]) {
      expect(await rejectionOf(call)).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/serves only the transport's calls/) })
    }
    expect((await post(nodeFetch, `${srv.endpoint}/`, 'x')).status).toBe(200)
    expect(srv.requests).toHaveLength(1)
  })

  it('reuses one keep-alive socket for sequential calls and leaves it idle, not in use', async () => {
    const seenSockets = new Set<Socket>()
    const srv = await serve((seen, res, socket) => {
      seenSockets.add(socket)
      reply(res, 200, ok(`r-${seen.index}`))
    })
    const { fetch: nodeFetch, agent } = ownedFetch()
    for (let i = 0; i < 3; i += 1) {
      const response = await post(nodeFetch, `${srv.endpoint}/`, `n=${i}`)
      expect(JSON.parse(await response.text())).toMatchObject({ RequestId: `r-${i}` })
    }
    expect(seenSockets.size).toBe(1)
    expect(srv.requests.map((seen) => seen.body)).toEqual(['n=0', 'n=1', 'n=2'])
    expect(socketCount(agent.sockets)).toBe(0)
    expect(socketCount(agent.freeSockets)).toBe(1)
  })

  it('delivers a large body whole, multi-byte characters split across chunks included', async () => {
    const text = JSON.stringify({ Data: 'é漢🙂'.repeat(400_000) }) // ≈ 4 MB, many TCP chunks
    const srv = await serve((_seen, res) => reply(res, 200, text))
    const { fetch: nodeFetch } = ownedFetch()
    const response = await post(nodeFetch, `${srv.endpoint}/`, 'x')
    expect(await response.text()).toBe(text)
  })

  it('never follows a redirect: fails like fetch with redirect "error", and the other origin sees nothing', async () => {
    const elsewhere = await startServer(answer(200, ok('elsewhere')))
    try {
      const srv = await serve((_seen, res) => {
        res.writeHead(308, { location: `${elsewhere.endpoint}/` })
        res.end()
      })
      const { fetch: nodeFetch } = ownedFetch()
      const error = await rejectionOf(post(nodeFetch, `${srv.endpoint}/`, 'key=secret'))
      expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
      expect(String((error.cause as Error).message)).toMatch(/redirect/)
      expect(srv.requests).toHaveLength(1)
      expect(elsewhere.requests).toHaveLength(0)
    } finally {
      await elsewhere.close()
    }
  })

  it('fails like fetch on a refused connection, a reset before the answer and a reset mid-body', async () => {
    const { fetch: nodeFetch, agent } = ownedFetch()
    const refused = await rejectionOf(post(nodeFetch, `http://127.0.0.1:${await unusedPort()}/`, 'x'))
    expect(refused).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } })

    const srv = await serve(
      (_seen, _res, socket) => socket.destroy(),
      (_seen, res, socket) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
        res.write('{"Success":true', () => setTimeout(() => socket.destroy(), 5))
      },
    )
    const reset = await rejectionOf(post(nodeFetch, `${srv.endpoint}/`, 'x'))
    expect(reset).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
    const midBody = await rejectionOf(post(nodeFetch, `${srv.endpoint}/`, 'x'))
    expect(midBody).toMatchObject({ name: 'TypeError', message: 'terminated' })
    expect(socketCount(agent.sockets)).toBe(0)
    expect(socketCount(agent.freeSockets)).toBe(0)
  })

  it('sends the call\'s URL, headers and body, and answers with status, headers and text', async () => {
    const srv = await serve(answer(503, { Code: 'Busy' }, { 'retry-after': '7' }))
    const { fetch: nodeFetch } = ownedFetch()
    const call = new DirectCall(`${srv.endpoint}/?a=1`, { 'x-acs-action': 'GetContextInfo' }, 'SessionId=s-1')
    const response = await nodeFetch(kyRequest(`${srv.endpoint}/ignored`), direct(call))
    expect(response.status).toBe(503)
    expect(response.ok).toBe(false)
    expect(response.headers.get('Retry-After')).toBe('7')
    expect(response.headers.get('x-absent')).toBeNull()
    expect(JSON.parse(await response.text())).toEqual({ Code: 'Busy' })
    expect(srv.requests[0]!.body).toBe('SessionId=s-1')
    expect(srv.requests[0]!.headers).toMatchObject({ 'x-acs-action': 'GetContextInfo', 'content-length': '13', accept: '*/*' })
  })

  it("answers headers.get like Headers: null for a name the answer lacks, Object.prototype's names included", async () => {
    const srv = await serve(answer(200, ok('r-1'), { 'x-seen': 'yes' }))
    const { fetch: nodeFetch } = ownedFetch()
    const response = await post(nodeFetch, `${srv.endpoint}/`, 'x=1')
    expect(response.headers.get('X-Seen')).toBe('yes')
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(response.headers.get(name)).toBeNull()
  })

  it("answers text() as Response.text() decodes the same bytes: a leading UTF-8 BOM dropped, bad bytes replaced", async () => {
    const bodies = [Buffer.from('\uFEFF{"RequestId":"bom"}'), Buffer.from([0x7b, 0xff, 0xc3, 0x7d])]
    const srv = await serve(...bodies.map((bytes): Handler => (_seen, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(bytes)))
    const { fetch: nodeFetch } = ownedFetch()
    for (const bytes of bodies) {
      const response = await post(nodeFetch, `${srv.endpoint}/`, 'x=1')
      expect(await response.text()).toBe(await new Response(bytes).text())
    }
  })

  it('cancel mid-response rejects with the reason and destroys the socket', async () => {
    const srv = await serve((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
      res.write('{"Success":')
    })
    const { fetch: nodeFetch, agent } = ownedFetch()
    const call = new DirectCall(`${srv.endpoint}/`, {}, 'x=1')
    const pending = nodeFetch(kyRequest(`${srv.endpoint}/`), direct(call))
    await srv.received(1)
    await vi.waitFor(() => expect(socketCount(agent.sockets)).toBe(1))
    call.cancel(new DOMException('stop', 'AbortError'))
    call.cancel(new Error('a second cancel changes nothing'))

    const error = await rejectionOf(pending)
    expect(error).toMatchObject({ name: 'AbortError', message: 'stop' })
    expect(await srv.ended(0)).toBe('closed-early')
    expect(socketCount(agent.sockets)).toBe(0)
    expect(socketCount(agent.freeSockets)).toBe(0)
  })

  it('a call cancelled before it is sent sends nothing: no connection opened, and a later call is the only one the server sees', async () => {
    const srv = await serve((seen, res) => reply(res, 200, ok(`r-${seen.index}`)))
    const { fetch: nodeFetch, agent } = ownedFetch()
    const connections = vi.spyOn(agent, 'createConnection')
    const call = new DirectCall(`${srv.endpoint}/`, {}, 'early=1')
    call.cancel(new DOMException('early', 'AbortError'))
    const error = await rejectionOf(nodeFetch(kyRequest(`${srv.endpoint}/`), direct(call)))
    expect(error.message).toBe('early')
    // No wait for "long enough": a connection would have been opened at once, and the server
    // answers the later call only after it read it, so a sent early call would be in the list.
    expect(connections).not.toHaveBeenCalled()
    expect(JSON.parse(await (await post(nodeFetch, `${srv.endpoint}/`, 'later=1')).text())).toMatchObject({ RequestId: 'r-0' })
    expect(srv.requests.map((seen) => seen.body)).toEqual(['later=1'])
    expect(connections).toHaveBeenCalledTimes(1)
  })
})
