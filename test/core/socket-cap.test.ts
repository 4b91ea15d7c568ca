// The default fetch bounds each client's sockets (issue 13 goal 4): N concurrent calls beyond the
// cap wait for a free socket instead of opening N connections, and a waiting call still aborts
// at once on unsubscribe and still times out.
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { firstValueFrom, forkJoin } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentBay, RequestTimeoutError } from '../../src/entries/index.js'
import { MAX_SOCKETS, createNodeFetch } from '../../src/http/node-fetch.js'
import { reply, startServer, type TestServer } from './http-test-server.js'

const KEY = 'ak-socket-cap-key'
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const ok = (requestId: string) => ({ RequestId: requestId, Success: true, Code: 'ok' })

describe('socket cap of the default fetch', () => {
  it(`N > ${MAX_SOCKETS} concurrent calls on one client all succeed over at most ${MAX_SOCKETS} sockets`, async () => {
    const calls = MAX_SOCKETS + 36
    const sockets = new Set<Socket>()
    const held: (() => void)[] = []
    // Answers are held until a full cap's worth of requests is waiting (or every call arrived):
    // without a cap, all calls would be in flight at once, each on its own socket.
    server = await startServer((seen, res: ServerResponse, socket) => {
      sockets.add(socket)
      held.push(() => reply(res, 200, ok(`r-${seen.index}`)))
      if (held.length >= MAX_SOCKETS || server!.requests.length === calls) for (const answer of held.splice(0)) answer()
    })
    const context = new AgentBay({ apiKey: KEY, endpoint: server.endpoint, env: {} }).session('s-1').context
    const results = await firstValueFrom(forkJoin(Array.from({ length: calls }, () => context.info())))

    expect(results.every((result) => result.success)).toBe(true)
    expect(new Set(results.map((result) => result.requestId)).size).toBe(calls)
    expect(server.requests).toHaveLength(calls)
    expect(sockets.size).toBeLessThanOrEqual(MAX_SOCKETS)
  })

  it('a call waiting for a socket aborts at once on unsubscribe and never reaches the server', async () => {
    let answerFirst: (() => void) | undefined
    server = await startServer(
      (seen, res) => (answerFirst = () => reply(res, 200, ok(`r-${seen.index}`))),
      (seen, res) => reply(res, 200, ok(`r-${seen.index}`)),
    )
    const fetch = createNodeFetch(undefined, { maxSockets: 1 })
    const context = new AgentBay({ apiKey: KEY, endpoint: server.endpoint, env: {}, fetch, retry: { attempts: 1 } }).session('s-1').context
    const first = firstValueFrom(context.info())
    await server.received(1)
    const queued = context.info().subscribe({ error: () => undefined })
    queued.unsubscribe()
    answerFirst!()
    expect((await first).requestId).toBe('r-0')
    // The socket the aborted call waited for serves the next call: the aborted one was never sent.
    expect((await firstValueFrom(context.info())).requestId).toBe('r-1')
    expect(server.requests).toHaveLength(2)
  })

  it('a call waiting for a socket still times out with RequestTimeoutError, unsent', async () => {
    server = await startServer(() => undefined) // never answers: the one socket stays busy
    const fetch = createNodeFetch(undefined, { maxSockets: 1 })
    const client = (timeoutMs: number) => new AgentBay({ apiKey: KEY, endpoint: server!.endpoint, env: {}, fetch, timeoutMs, retry: { attempts: 1 } }).session('s-1').context
    const busy = client(60_000).info().subscribe({ error: () => undefined })
    await server.received(1)
    const queued = await firstValueFrom(client(300).info()).catch((error: unknown) => error)
    expect(queued).toBeInstanceOf(RequestTimeoutError)
    expect(server.requests).toHaveLength(1)
    busy.unsubscribe()
    expect(await server.ended(0)).toBe('closed-early')
  })
})
