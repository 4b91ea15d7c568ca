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
  const inQuery = QUERY_FIELDS[request.action]
  let query =
    `Action=${encodeQueryComponent(request.action)}&Format=json&Version=${API_VERSION}` +
    `&Timestamp=${encodeQueryComponent(formatTimestamp(now))}&SignatureNonce=${encodeQueryComponent(nonce)}`
  let body = ''
  const add = (key: string, value: string | undefined): void => {
    if (value === undefined) return
    if (inQuery?.includes(key)) query += `&${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`
    else body += `${body === '' ? '' : '&'}${encodeFormComponent(key)}=${encodeFormComponent(value)}`
  }
  const params = request.params
  // The key first, unless the call passes its own Authorization (which then takes its place).
  add('Authorization', Object.hasOwn(params, 'Authorization') ? params['Authorization'] : bearer(apiKey))
  for (const key of Object.keys(params)) if (key !== 'Authorization') add(key, params[key])
  return { url: `${baseUrl}?${query}`, body }
}

/**
 * What `URLSearchParams` writes for a query value, with a space as %20 rather than '+': the TS
 * core writes %20 (protocol §1.4). `encodeURIComponent` leaves `!'()~` as they are; the form
 * serializer escapes them (and leaves `*`). A lone surrogate, which `encodeURIComponent` refuses
 * (URIError), becomes U+FFFD, as `URLSearchParams` makes it.
 */
export const encodeQueryComponent = (value: string): string =>
  uriComponentOfWellFormed(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const uriComponentOfWellFormed = (value: string): string => {
  try {
    return encodeURIComponent(value)
  } catch {
    // Only a lone surrogate makes it throw; `toWellFormed` (Node 20) is not in the ES2023 lib types.
    return encodeURIComponent((value as string & { toWellFormed(): string }).toWellFormed())
  }
}

/** protocol §1.2: UTC, second precision, `YYYY-MM-DDThh:mm:ssZ`. */
export const formatTimestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`

/**
 * protocol §1.4: the TS core writes the form with Node's `querystring`, whose `escape` leaves
 * exactly what `encodeURIComponent` leaves (`A-Z a-z 0-9 - _ . ! ~ * ' ( )`): space → %20, `+` → %2B.
 */
export const encodeFormComponent = (value: string): string => encodeURIComponent(value)
