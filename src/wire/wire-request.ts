import { ValidationError } from '../shared/errors/validation-error.js'
import { API_VERSION, QUERY_FIELDS, bearer } from './protocol.js'
import type { RpcRequest } from './messages.js'

/** The URL and form body of one attempt, exactly as protocol §1.2–1.6 lays them out. */
export interface WireRequest {
  readonly url: string
  readonly body: string
}

/**
 * Builds the request line and body. Called per attempt (style §2) so `Timestamp` and
 * `SignatureNonce` are fresh on every retry and poll. A value holding a lone UTF-16 surrogate
 * (possible from plain JavaScript) has no UTF-8 form: it is a `ValidationError` naming the
 * parameter, never its value (it may be the key), and nothing is sent.
 */
export function buildWireRequest(
  baseUrl: string,
  apiKey: string,
  request: RpcRequest,
  now: Date,
  nonce: string,
): WireRequest {
  const inQuery = QUERY_FIELDS[request.action]
  const refuse = (what: string): ValidationError =>
    new ValidationError(`${what} holds a lone UTF-16 surrogate, which has no UTF-8 form: nothing was sent`, { action: request.action })
  const encode = (encoder: (value: string) => string, value: string, what: string): string => {
    try {
      return encoder(value)
    } catch {
      throw refuse(what) // encodeURIComponent's URIError: the one way these encoders fail
    }
  }
  let query =
    `Action=${encode(encodeQueryComponent, request.action, 'the action name')}&Format=json&Version=${API_VERSION}` +
    `&Timestamp=${encodeQueryComponent(formatTimestamp(now))}&SignatureNonce=${encode(encodeQueryComponent, nonce, 'SignatureNonce')}`
  let body = ''
  const add = (key: string, value: string | undefined): void => {
    if (value === undefined) return
    const name = encode(encodeFormComponent, key, 'a parameter name')
    if (inQuery?.includes(key)) query += `&${name}=${encode(encodeQueryComponent, value, key)}`
    else body += `${body === '' ? '' : '&'}${name}=${encode(encodeFormComponent, value, key)}`
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
 * serializer escapes them (and leaves `*`). Throws `URIError` on a lone surrogate (where
 * `URLSearchParams` would silently send U+FFFD, a different id): `buildWireRequest` refuses it.
 */
export const encodeQueryComponent = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** protocol §1.2: UTC, second precision, `YYYY-MM-DDThh:mm:ssZ`. */
export const formatTimestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`

/**
 * protocol §1.4: the TS core writes the form with Node's `querystring`, whose `escape` leaves
 * exactly what `encodeURIComponent` leaves (`A-Z a-z 0-9 - _ . ! ~ * ' ( )`): space → %20, `+` → %2B.
 */
export const encodeFormComponent = (value: string): string => encodeURIComponent(value)
