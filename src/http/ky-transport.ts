import type { KyInstance, Options } from 'ky'
import { Observable } from 'rxjs'
import type { NormalizedConfig } from './config.js'
import { NetworkError, describeFetchFailure } from '../shared/errors/network-error.js'
import { RequestTimeoutError } from '../shared/errors/request-timeout-error.js'
import type { Redactor } from '../shared/redact.js'
import type { RawResponse, RpcRequest } from '../wire/messages.js'
import type { Transport } from './transport.js'
import { buildWireRequest, type WireRequest } from '../wire/wire-request.js'
import { API_VERSION } from '../wire/protocol.js'
import { DIRECT_CALL, DirectCall, createNodeFetch, type TransportAnswer } from './node-fetch.js'
import { CallGate, MAX_SOCKETS } from './call-gate.js'

/**
 * The production transport: ky moves bytes, RxJS owns time (style §4): `retry: 0`,
 * `throwHttpErrors: false` (we classify 4xx/5xx ourselves), and no ky `timeout`: one action on
 * the client's scheduler (below) bounds the whole attempt, so a second timer per call would only cost CPU.
 * Bytes go through `createNodeFetch()` (keep-alive `node:http`) unless the user passed `fetch`.
 * ky loads at the first request, not at import: its own import builds a `Request` to probe for
 * streams, which loads undici, a large share of a cold import (issue 13 goal 5).
 * The API key lives only in this closure (and the client's redactor), so no inspectable object
 * holds it (issue 9 item 10); failures are scrubbed with the client's redactor.
 */
export function createKyTransport(config: NormalizedConfig, apiKey: string, redactor: Redactor): Transport {
  const ownFetch = config.fetch === undefined
  let client: KyInstance | undefined
  let loading: Promise<KyInstance> | undefined
  const loadClient = (): Promise<KyInstance> =>
    (loading ??= import('ky').then(({ default: ky }) => (client = ky.create(kyOptionsOver(config.fetch ?? createNodeFetch())))))
  // The one limit on calls in flight (and so sockets) of the default fetch; a user's fetch sets its own.
  const gate = ownFetch ? new CallGate(MAX_SOCKETS) : undefined
  return (request: RpcRequest) =>
    new Observable<RawResponse>((subscriber) => {
      let settled = false
      let cancel = (): void => undefined
      let leave = (): void => undefined
      const send = (wire: WireRequest): Promise<TransportAnswer> => {
        const headers = {
          'content-type': 'application/x-www-form-urlencoded',
          'x-acs-action': request.action,
          'x-acs-version': API_VERSION,
        }
        let options: Options
        if (ownFetch) {
          // Our fetch takes the parts directly (see DIRECT_CALL); ky still runs the call.
          const call = new DirectCall(wire.url, headers, wire.body)
          cancel = () => call.cancel(new DOMException('This operation was aborted', 'AbortError'))
          options = { [DIRECT_CALL]: call } as Options
        } else {
          // A user's fetch gets everything the standard way.
          const controller = new AbortController()
          cancel = () => controller.abort()
          options = { headers, body: wire.body, signal: controller.signal }
        }
        const ky = client ?? loadClient()
        return ky instanceof Promise ? ky.then((loaded) => loaded.post(wire.url, options)) : ky.post(wire.url, options)
      }
      const run = async (wire: WireRequest): Promise<RawResponse> => {
        const response = await send(wire)
        const retryAfter = response.headers.get('retry-after')
        const body = await response.text()
        return retryAfter === null ? { status: response.status, body } : { status: response.status, retryAfter, body }
      }
      // Built when the call gets its place, not while it waits: a waiting call holds no URL or body
      // (no key), and its Timestamp is the time it is sent.
      const start = (leaveGate: () => void): void => {
        leave = leaveGate
        let wire: WireRequest
        try {
          wire = buildWireRequest(config.baseUrl, apiKey, request, new Date(config.scheduler.now()), randomNonce())
        } catch (error) {
          settled = true
          leave()
          return subscriber.error(error)
        }
        run(wire).then(
          (raw) => {
            if (settled) return
            settled = true
            leave()
            subscriber.next(raw)
            subscriber.complete()
          },
          (error: unknown) => {
            if (settled) return // cancelled: the subscriber is gone
            settled = true
            leave()
            subscriber.error(classifyTransportError(request.action, error, redactor))
          },
        )
      }
      const stop = (): void => {
        if (settled) return
        settled = true
        cancel()
        leave()
      }
      // ky's `timeout` stops at the response headers; a body that never finishes would hang the
      // attempt forever. This bounds the whole attempt (waiting in the gate, headers, body) on the
      // client's scheduler; it is cleared with the subscriber. (The RxJS `timeout` operator did
      // the same with a second subscriber chain per call.)
      subscriber.add(
        config.scheduler.schedule(() => {
          if (settled) return
          stop()
          subscriber.error(timeoutError(request.action, config.timeoutMs))
        }, config.timeoutMs),
      )
      if (gate === undefined) start(() => undefined)
      else leave = gate.enter(start)
      return stop
    })
}

/**
 * How the transport configures ky, over `fetch` (see `createKyTransport`). The one place it is
 * written: the CPU benchmark's "ky alone" row (test/bench/cpu.ts) runs ky with these options too,
 * so that row cannot drift from what the transport runs.
 */
export const kyOptionsOver = (fetch: NonNullable<Options['fetch']>): Options => ({
  retry: 0,
  throwHttpErrors: false,
  timeout: false,
  // The API never redirects (protocol §1.1). Following a 307/308 would re-send the form body,
  // which carries the key, to whatever origin the Location names.
  redirect: 'error',
  fetch,
})

const timeoutError = (action: string, timeoutMs: number): RequestTimeoutError =>
  new RequestTimeoutError(`no answer within ${timeoutMs} ms`, { action })

/**
 * Maps ky/fetch failures to our error family (timeouts are the transport's own, above). The raw error is
 * not kept as `cause`: fetch errors may quote the URL, and SyncContext's URL holds the key (protocol §1.2).
 */
function classifyTransportError(action: string, error: unknown, redactor: Redactor): Error {
  return new NetworkError(redactor.text(describeFetchFailure(error)), { action })
}

const randomNonce = (): string => crypto.randomUUID().replace(/-/g, '')
