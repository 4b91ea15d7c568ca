import { defer, map, type Observable } from 'rxjs'
import { RESPONSE_CODECS, type ResponseBody } from '../wire/codecs/actions.js'
import type { Envelope } from '../wire/codecs/envelope.js'
import type { Action } from '../wire/protocol.js'
import { decodeResponse } from '../wire/decode-response.js'
import { chainInterceptors, type RpcHandler, type RpcInterceptor, type RpcOptions } from './interceptors.js'
import type { Transport } from '../http/transport.js'

/** A decoded answer: the envelope fields plus the action's own fields. */
export type RpcResponse<A extends Action> = Envelope & ResponseBody<A>

/** Calls one action: `(action, params, options)` → cold Observable of the decoded body. */
export type Rpc = <A extends Action>(
  action: A,
  params?: Readonly<Record<string, string | undefined>>,
  options?: RpcOptions,
) => Observable<RpcResponse<A>>

/** The innermost handler: one transport attempt per subscription, decoded. */
const decodingHandler =
  (transport: Transport): RpcHandler =>
  ({ action, params }) =>
    defer(() => transport({ action, params })).pipe(map((raw) => decodeResponse(action, RESPONSE_CODECS[action], raw)))

/**
 * Composes the interceptors (first = outermost) around transport → decode, once. The client
 * passes its own (redaction, coalescing, retry, logging), each holding that client's state.
 */
export function createRpc(transport: Transport, interceptors: readonly RpcInterceptor[] = []): Rpc {
  const handle = chainInterceptors(interceptors, decodingHandler(transport))
  return <A extends Action>(action: A, params: Readonly<Record<string, string | undefined>> = {}, options: RpcOptions = {}) =>
    handle({ action, params, options }) as Observable<RpcResponse<A>>
}
