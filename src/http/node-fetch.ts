import type { Agent as HttpAgent, IncomingMessage } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'

/**
 * The transport's default `fetch` (issue 13 goal 1): `node:http`/`node:https` with keep-alive
 * agents, where Node's global `fetch` (undici) spent most of an `info` call's CPU in web streams.
 * It answers like `fetch` where the transport looks: a `Response` with status, headers and the
 * whole body; `TypeError('fetch failed', { cause })` when no answer came, `TypeError('terminated',
 * { cause })` when the answer broke off; the signal's reason on abort, with the socket destroyed.
 * It never follows a redirect: a 3xx with `Location` fails unless `redirect: 'manual'` (the API
 * never redirects, and following would re-send the form body, key included, elsewhere).
 */
export type NodeFetch = typeof fetch

/** The sockets a `NodeFetch` uses; tests pass their own to see every socket. */
export interface NodeFetchAgents {
  readonly http?: HttpAgent
  readonly https?: HttpsAgent
}

/**
 * What the transport hands its own fetch directly, through ky's pass-through of options it does
 * not know (ky gives them to `fetch` as its second argument): the form body and the abort signal.
 * Given to ky as `body` and `signal`, they would cost a body stream, its tee for retries and an
 * `AbortSignal.any` per call, for a string ky never needs to see.
 */
export const DIRECT_PARTS = 'agentbayDirect'
export interface DirectParts {
  readonly body: string
  readonly signal: AbortSignal
}

/** Idle keep-alive sockets close after this long; below the 5 s Node servers keep them open. */
const IDLE_SOCKET_MS = 4000

/** A request function and the agent it sends through. */
interface Client {
  readonly request: typeof import('node:http').request
  readonly agent: HttpAgent
}

/**
 * `node:http` and `node:https` load at the first request of their scheme, not at import (https
 * pulls in TLS: issue 13 goal 5). Each fetch has its own keep-alive pool per scheme, as each
 * client owns its state (README "Architecture": two clients share nothing), unless the caller
 * passes agents. Idle sockets are unref'd by Node's agent: a forgotten client never holds the process.
 */
const load = async (scheme: 'http' | 'https', own: HttpAgent | undefined): Promise<Client> => {
  const { request, Agent } = scheme === 'http' ? await import('node:http') : await import('node:https')
  return { request, agent: own ?? new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) }
}

export function createNodeFetch(agents: NodeFetchAgents = {}): NodeFetch {
  const clients: { http?: Promise<Client>; https?: Promise<Client> } = {}
  const client = (url: string): Promise<Client> => {
    const scheme = url.startsWith('https:') ? 'https' : 'http'
    return (clients[scheme] ??= load(scheme, agents[scheme]))
  }
  return async (input, init) => {
    const direct = (init as Record<string, unknown> | undefined)?.[DIRECT_PARTS] as DirectParts | undefined
    const request = (direct !== undefined || init === undefined) && input instanceof Request ? input : new Request(input, init)
    const url = request.url
    if (direct !== undefined) return send(request, url, direct.body, direct.signal, await client(url))
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer())
    return send(request, url, body, request.signal, await client(url))
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const NULL_BODY = new Set([101, 204, 205, 304])

/** `url` is `request.url`, read once: undici serializes it on every read. */
function send(request: Request, url: string, body: string | Buffer | undefined, signal: AbortSignal, client: Client): Promise<Response> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  const headers: Record<string, string | number> = {}
  request.headers.forEach((value, key) => (headers[key] = value))
  // The global fetch's defaults, so a server sees what it saw before this fetch replaced it.
  headers['accept'] ??= '*/*'
  headers['user-agent'] ??= 'node'
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
  return new Promise<Response>((resolve, reject) => {
    let settled = false
    const settle = (error: Error | undefined, response?: Response): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (error === undefined) resolve(response!)
      else reject(error)
    }
    const outgoing = client.request(url, { method: request.method, headers, agent: client.agent })
    // Destroying the request destroys its socket: an aborted exchange is never reused.
    const onAbort = (): void => {
      settle(signal.reason as Error)
      outgoing.destroy()
    }
    signal.addEventListener('abort', onAbort)
    outgoing.on('error', (error) => settle(new TypeError('fetch failed', { cause: error })))
    outgoing.on('response', (incoming) => {
      const status = incoming.statusCode ?? 0
      if (REDIRECTS.has(status) && incoming.headers.location !== undefined && request.redirect !== 'manual') {
        settle(new TypeError('fetch failed', { cause: new Error('unexpected redirect') }))
        outgoing.destroy()
        return
      }
      readBody(incoming, (error, bytes) => {
        if (error !== undefined) return settle(new TypeError('terminated', { cause: error }))
        try {
          settle(undefined, new Response(NULL_BODY.has(status) ? null : (bytes as unknown as BodyInit), { status, statusText: incoming.statusMessage, headers: headersOf(incoming) }))
        } catch (invalid) {
          settle(new TypeError('fetch failed', { cause: invalid }))
        }
      })
    })
    outgoing.end(body)
  })
}

/** The whole body, or why it broke off (a reset, or an abort that destroyed the socket). */
function readBody(incoming: IncomingMessage, done: (error: Error | undefined, bytes?: Buffer) => void): void {
  const chunks: Buffer[] = []
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
  incoming.on('end', () => done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
  incoming.on('error', (error) => done(error))
  incoming.on('close', () => {
    if (!incoming.complete) done(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }))
  })
}

const headersOf = (incoming: IncomingMessage): Headers => {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}
