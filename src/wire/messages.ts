import type { Action } from './protocol.js'

/** One RPC attempt as the domain layer describes it: action plus string parameters (no key). */
export interface RpcRequest {
  readonly action: Action
  /** Form/query fields, already stringified; `undefined` values are omitted (protocol §1.4). */
  readonly params: Readonly<Record<string, string | undefined>>
}

/** What came back over the wire, before any decoding. */
export interface RawResponse {
  readonly status: number
  /** `Retry-After` header value, when present. */
  readonly retryAfter?: string
  readonly body: string
}
