// Each client's RPC calls pass a gate of MAX_SOCKETS places before ky builds anything (issue 13
// goal 4): a call waiting for a place holds only its start function, not a built request.
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { firstValueFrom, forkJoin } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentBay, RequestTimeoutError } from '../../src/entries/index.js'
import { CallGate, MAX_SOCKETS } from '../../src/http/call-gate.js'
import { reply, startServer, type TestServer } from './http-test-server.js'

describe('CallGate', () => {
  it('runs at most `limit` at once, the rest in order as places free', () => {
    const gate = new CallGate(2)
    const started: number[] = []
    const leaves = [0, 1, 2, 3].map((i) => gate.enter(() => started.push(i)))
    expect(started).toEqual([0, 1])
    leaves[1]!()
    expect(started).toEqual([0, 1, 2])
    leaves[0]!()
    expect(started).toEqual([0, 1, 2, 3])
  })

  it('a call may leave from inside its start (a synchronous failure), and the next one starts', () => {
    const gate = new CallGate(1)
    const started: string[] = []
    gate.enter((leave) => {
      started.push('fails at once')
      leave()
    })
    gate.enter(() => started.push('next'))
    expect(started).toEqual(['fails at once', 'next'])
  })

  it('a waiting call that leaves is never started; leaving twice frees one place only', () => {
    const gate = new CallGate(1)
    const started: string[] = []
    const first = gate.enter(() => started.push('first'))
    const gaveUp = gate.enter(() => started.push('gave up'))
    const third = gate.enter(() => started.push('third'))
    const fourth = gate.enter(() => started.push('fourth'))
    gaveUp()
    first()
    first()
    expect(started).toEqual(['first', 'third'])
    third()
    expect(started).toEqual(['first', 'third', 'fourth'])
    fourth()
  })
})

const KEY = 'ak-call-gate-key'
let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const ok = (requestId: string) => ({ RequestId: requestId, Success: true, Code: 'ok' })

describe('the default client gates its calls', () => {
  it(`N > ${MAX_SOCKETS} concurrent calls on one client all succeed over at most ${MAX_SOCKETS} sockets`, async () => {
    const calls = MAX_SOCKETS + 36
    const sockets = new Set<Socket>()
    const held: (() => void)[] = []
    // Answers are held until a full gate's worth of requests is waiting (or every call arrived):
    // without the gate, all calls would be in flight at once, each on its own socket.
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

  it(`with ${MAX_SOCKETS} calls in flight, the next waits unsent; unsubscribed, it is never sent; the others go on as places free`, async () => {
    const held: { res: ServerResponse; socket: Socket }[] = []
    server = await startServer((_seen, res, socket) => void held.push({ res, socket }))
    const agentBay = new AgentBay({ apiKey: KEY, endpoint: server.endpoint, env: {}, retry: { attempts: 1 } })
    const inFlight = Array.from({ length: MAX_SOCKETS }, () => firstValueFrom(agentBay.session('s-in-flight').context.info()))
    await server.received(MAX_SOCKETS)
    const abandoned = agentBay.session('s-abandoned').context.info().subscribe({ error: () => undefined })
    const waiting = firstValueFrom(agentBay.session('s-waiting').context.info())
    abandoned.unsubscribe()
    const first = held.shift()!
    reply(first.res, 200, ok('r-first')) // one place frees: the waiting call, not the abandoned one, goes
    const [next] = (await server.received(MAX_SOCKETS + 1)).slice(MAX_SOCKETS)
    expect(next!.form.get('SessionId')).toBe('s-waiting')
    // It came over the socket of the call whose place it took, so it was sent only once that answer
    // was read (one exchange at a time per socket; Node's agent frees the socket before the answer's
    // promise settles, when the place frees): it waited unsent. Sent at once, it needed a socket of its own.
    expect(held.at(-1)!.socket).toBe(first.socket)
    for (const [index, { res }] of held.splice(0).entries()) reply(res, 200, ok(`r-${index}`))
    expect((await waiting).success).toBe(true)
    expect((await Promise.all(inFlight)).every((result) => result.success)).toBe(true)
    expect(server.requests).toHaveLength(MAX_SOCKETS + 1) // the abandoned call never left
  })

  it('the time a call waits for a place counts against its timeout', async () => {
    server = await startServer(() => undefined) // never answers: every place stays taken
    const timeoutMs = 2_000
    const context = new AgentBay({ apiKey: KEY, endpoint: server.endpoint, env: {}, timeoutMs, retry: { attempts: 1 } }).session('s-1').context
    const busy = Array.from({ length: MAX_SOCKETS }, () => context.info().subscribe({ error: () => undefined }))
    await server.received(MAX_SOCKETS)
    const subscribedAt = performance.now()
    const queued = await firstValueFrom(context.info()).catch((error: unknown) => error)
    expect(queued).toBeInstanceOf(RequestTimeoutError)
    // Had its clock started only once it got a place (when the busy calls timed out), it would have
    // taken two timeouts; the margin to that is 1.5 s of event-loop stall on a loaded machine.
    expect(performance.now() - subscribedAt).toBeLessThan(1.25 * timeoutMs)
    for (const subscription of busy) subscription.unsubscribe()
  })
})
