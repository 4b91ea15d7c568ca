import { API_VERSION, QUERY_FIELDS, bearer } from './protocol.js'
import type { RpcRequest } from './messages.js'

/** The URL and form body of one attempt, exactly as protocol §1.2–1.6 lays them out. */
export interface WireRequest {
  readonly url: string
  readonly body: string
}

/**
 * Builds the request line and body. Called per attempt (style §2) so `Timestamp` and
 * `SignatureNonce` are fresh on every retry and poll.
 */
export function buildWireRequest(
  baseUrl: string,
  apiKey: string,
  request: RpcRequest,
  now: Date,
  nonce: string,
): WireRequest {
  const query = new URLSearchParams()
  query.set('Action', request.action)
  query.set('Format', 'json')
  query.set('Version', API_VERSION)
  query.set('Timestamp', formatTimestamp(now))
  query.set('SignatureNonce', nonce)
  const all: Record<string, string | undefined> = { Authorization: bearer(apiKey), ...request.params }
  const inQuery = new Set(QUERY_FIELDS[request.action] ?? [])
  const body: string[] = []
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) continue
    if (inQuery.has(key)) query.append(key, value)
    else body.push(`${encodeFormComponent(key)}=${encodeFormComponent(value)}`)
  }
  // URLSearchParams writes spaces as '+'; the TS core writes %20 (protocol §1.4). Match it.
  return { url: `${baseUrl}?${query.toString().replace(/\+/g, '%20')}`, body: body.join('&') }
}

/** protocol §1.2: UTC, second precision, `YYYY-MM-DDThh:mm:ssZ`. */
export const formatTimestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`

/** Node `querystring.escape` semantics: space → %20, `+` → %2B (protocol §1.4). */
export const encodeFormComponent = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
