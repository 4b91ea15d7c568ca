import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One request as the loopback server saw it. */
export interface SeenRequest {
  readonly index: number
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** Raw query string (after `?`), undecoded, for order and encoding checks. */
  readonly rawQuery: string
  readonly query: URLSearchParams
  readonly form: URLSearchParams
  /** Milliseconds since the server started, when the body had been read. */
  readonly at: number
  /** How the exchange ended: answered, closed by the client before the answer, or still open. */
  state: 'open' | 'answered' | 'closed-early'
}

/** Answers one request; may also leave it hanging or destroy the socket. */
export type Handler = (request: SeenRequest, res: ServerResponse, socket: Socket) => void

export interface TestServer {
  readonly endpoint: string
  readonly port: number
  readonly requests: SeenRequest[]
  /** Resolves once `count` requests have arrived (bodies read). */
  received(count: number): Promise<SeenRequest[]>
  /** Resolves when request `index`'s exchange has ended (answered or closed by the client). */
  ended(index: number): Promise<SeenRequest['state']>
  /**
   * Like `ended(index)`, but a request the client gave up on before it arrived (a short client
   * timeout on a loaded machine) resolves `'never-arrived'` once the client has closed every
   * connection, instead of waiting for it forever.
   */
  endedOrNeverArrived(index: number): Promise<SeenRequest['state'] | 'never-arrived'>
  /** Fails if any exchange is still open (Angular `HttpClientTestingBackend.verify`). */
  verify(): void
  close(): Promise<void>
}

/** A JSON answer with `status` and extra headers. */
export function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(text)
}

/**
 * A real `node:http` server on 127.0.0.1, port 0 (style §13; ky `create-http-test-server.ts`).
 * `handlers[i]` answers request i; the last handler answers every request after it.
 */
export async function startServer(...handlers: Handler[]): Promise<TestServer> {
  const requests: SeenRequest[] = []
  const waiters: (() => void)[] = []
  const endWaiters = new Map<number, ((state: SeenRequest['state']) => void)[]>()
  const startedAt = performance.now()
  const notifyEnd = (seen: SeenRequest): void => {
    for (const resolve of endWaiters.get(seen.index) ?? []) resolve(seen.state)
    endWaiters.delete(seen.index)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = req.url ?? ''
      const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
      const body = Buffer.concat(chunks).toString('utf8')
      const seen: SeenRequest = {
        index: requests.length,
        method: req.method ?? '',
        url,
        headers: req.headers,
        body,
        rawQuery,
        query: new URLSearchParams(rawQuery),
        form: new URLSearchParams(body),
        at: performance.now() - startedAt,
        state: 'open',
      }
      requests.push(seen)
      res.on('close', () => {
        seen.state = res.writableFinished ? 'answered' : 'closed-early'
        notifyEnd(seen)
      })
      for (const wake of waiters.splice(0)) wake()
      const handler = handlers[Math.min(seen.index, handlers.length - 1)]
      handler?.(seen, res, req.socket)
    })
  })
  const sockets = new Set<Socket>()
  const disconnectWaiters: (() => void)[] = []
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      // After this socket's own 'close' listeners (the response's), so request states are final.
      if (sockets.size === 0) setImmediate(() => sockets.size === 0 && disconnectWaiters.splice(0).forEach((wake) => wake()))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const ended = async (index: number): Promise<SeenRequest['state']> => {
    await received(index + 1)
    const seen = requests[index] as SeenRequest
    if (seen.state !== 'open') return seen.state
    return new Promise((resolve) => endWaiters.set(index, [...(endWaiters.get(index) ?? []), resolve]))
  }
  const received = async (count: number): Promise<SeenRequest[]> => {
    while (requests.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
    return requests
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    received,
    ended,
    endedOrNeverArrived(index) {
      const disconnected = new Promise<void>((resolve) => (sockets.size === 0 ? setImmediate(resolve) : disconnectWaiters.push(resolve)))
      return Promise.race([ended(index), disconnected.then(() => requests[index]?.state ?? 'never-arrived')])
    },
    verify() {
      const open = requests.filter((seen) => seen.state === 'open')
      if (open.length > 0) throw new Error(`requests still open: ${open.map((seen) => seen.url).join(', ')}`)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}

/** A port nobody listens on: bind port 0, note it, close. */
export async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
