import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'

/**
 * The transport's default `fetch` (issue 13 goal 1): `node:http`/`node:https` with keep-alive
 * agents, where Node's global `fetch` (undici) spent most of an `info` call's CPU in web streams.
 * It is ky's `fetch`, typed as one, but it serves only the transport's own calls: a `DirectCall`
 * in ky's pass-through options (a user's own `fetch` is called by ky instead of this one). It
 * fails like `fetch` where the transport looks: `TypeError('fetch failed', { cause })` when no
 * answer came, `TypeError('terminated', { cause })` when the answer broke off; the cancel reason
 * on cancel, with the socket destroyed. It never follows a redirect: a 3xx with `Location` fails
 * (the API never redirects, and following would re-send the form body, key included, elsewhere).
 */
export type NodeFetch = typeof fetch

/** The sockets a `NodeFetch` uses; tests pass their own to see every socket. */
export interface NodeFetchAgents {
  readonly http?: HttpAgent
  readonly https?: HttpsAgent
}

/**
 * The transport hands its own fetch one `DirectCall` through ky's pass-through of options it does
 * not know (ky gives them to `fetch` as its second argument). Given to ky as `headers`, `body` and
 * `signal`, the same parts cost a `Headers` merge, a body stream and its tee for retries, an
 * `AbortSignal.any`, and the fetch reading them back out of ky's `Request`; an `AbortController`
 * is an `EventTarget` with a transferable signal. This is a URL, headers, a string and one
 * cancel slot. The fetch answers a `DirectCall` with a `BufferedAnswer`, not a `Response` (whose
 * body is a web stream): the transport reads only status, one header and the text.
 */
export const DIRECT_CALL = 'agentbayDirect'

export class DirectCall {
  private cancelled: Error | undefined
  private onCancel: ((reason: Error) => void) | undefined

  /** `headers` becomes the call's own: the fetch adds `content-length` and the defaults to it. */
  constructor(
    readonly url: string,
    readonly headers: Record<string, string | number>,
    readonly body: string,
  ) {}

  /** Stops the exchange (destroying its socket), or keeps it from starting; once. */
  cancel(reason: Error): void {
    if (this.cancelled !== undefined) return
    this.cancelled = reason
    const onCancel = this.onCancel
    this.onCancel = undefined
    onCancel?.(reason)
  }

  reason(): Error | undefined {
    return this.cancelled
  }

  listen(onCancel: (reason: Error) => void): () => void {
    this.onCancel = onCancel
    return () => (this.onCancel = undefined)
  }
}

/** What the transport reads of an answer: a `Response` has it, and so has a `BufferedAnswer`. */
export interface TransportAnswer {
  readonly status: number
  readonly headers: { get(name: string): string | null }
  text(): Promise<string>
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
  const clients: { http?: Client | Promise<Client>; https?: Client | Promise<Client> } = {}
  const client = (url: string): Client | Promise<Client> => {
    const scheme = url.startsWith('https:') ? 'https' : 'http'
    return (clients[scheme] ??= load(scheme, agents[scheme]).then((loaded) => (clients[scheme] = loaded)))
  }
  // ky reads only what a `TransportAnswer` has (see DIRECT_CALL).
  const send = (call: DirectCall, method: string, loaded: Client): Promise<Response> => exchange(loaded, method, call) as Promise<unknown> as Promise<Response>
  return async (input, init) => {
    const call = (init as Record<string, unknown> | undefined)?.[DIRECT_CALL]
    // ky calls it with its Request and our options; nothing else does (see NodeFetch).
    if (!(call instanceof DirectCall) || !(input instanceof Request)) {
      throw new TypeError(`createNodeFetch serves only the transport's calls: ky's Request with a DirectCall in ${DIRECT_CALL}`)
    }
    const loaded = client(call.url)
    return loaded instanceof Promise ? send(call, input.method, await loaded) : send(call, input.method, loaded)
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const NULL_BODY = new Set([101, 204, 205, 304])

function exchange(client: Client, method: string, call: DirectCall): Promise<BufferedAnswer> {
  const cancelled = call.reason()
  if (cancelled !== undefined) return Promise.reject(cancelled)
  const { url, headers, body } = call
  // The global fetch's defaults, so a server sees what it saw before this fetch replaced it.
  headers['accept'] ??= '*/*'
  headers['user-agent'] ??= 'node'
  headers['content-length'] = Buffer.byteLength(body)
  return new Promise<BufferedAnswer>((resolve, reject) => {
    let settled = false
    let stopListening = (): void => undefined
    const settle = (error: Error | undefined, answer?: BufferedAnswer): void => {
      if (settled) return
      settled = true
      stopListening()
      if (error === undefined) resolve(answer!)
      else reject(error)
    }
    const outgoing = client.request(url, { method, headers, agent: client.agent })
    // Destroying the request destroys its socket: an aborted exchange is never reused.
    stopListening = call.listen((reason) => {
      settle(reason)
      outgoing.destroy()
    })
    outgoing.on('error', (error) => settle(new TypeError('fetch failed', { cause: error })))
    outgoing.on('response', (incoming) => {
      const status = incoming.statusCode ?? 0
      if (REDIRECTS.has(status) && incoming.headers.location !== undefined) {
        settle(new TypeError('fetch failed', { cause: new Error('unexpected redirect') }))
        outgoing.destroy()
        return
      }
      readBody(incoming, (error, bytes) => {
        if (error !== undefined) return settle(new TypeError('terminated', { cause: error }))
        if (status < 200 || status > 599) return settle(new TypeError('fetch failed', { cause: new RangeError(`status ${status} is not a final answer`) }))
        settle(undefined, new BufferedAnswer(status, incoming.statusMessage ?? '', incoming.headers, NULL_BODY.has(status) ? undefined : bytes))
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

/** A `DirectCall`'s answer, whole: status, headers as Node parsed them, the body (`undefined` for statuses that have none) decoded as UTF-8. */
class BufferedAnswer implements TransportAnswer {
  readonly status: number
  readonly statusText: string
  readonly ok: boolean
  readonly headers: { get(name: string): string | null }

  constructor(
    status: number,
    statusText: string,
    fields: IncomingHttpHeaders,
    private readonly bytes: Buffer | undefined,
  ) {
    this.status = status
    this.statusText = statusText
    this.ok = status >= 200 && status < 300
    this.headers = {
      get: (name) => {
        const key = name.toLowerCase()
        // Node's header object has Object.prototype: `constructor` or `__proto__` are not headers.
        if (!Object.hasOwn(fields, key)) return null
        const value = fields[key]
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
      },
    }
  }

  /** Decoded as `Response.text()` decodes: UTF-8, bad bytes as U+FFFD, a leading BOM dropped. */
  text(): Promise<string> {
    const bytes = this.bytes
    if (bytes === undefined) return Promise.resolve('')
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    return Promise.resolve(bytes.toString('utf8', bom ? 3 : 0))
  }
}
