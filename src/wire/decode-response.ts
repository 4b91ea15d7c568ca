import type * as t from 'io-ts'
import { decodeOrThrow } from './codecs/decode.js'
import { Envelope, ErrorBody } from './codecs/envelope.js'
import { ApiError } from '../shared/errors/api-error.js'
import { DecodeError } from '../shared/errors/decode-error.js'
import { HttpError } from '../shared/errors/http-error.js'
import { ThrottlingError } from '../shared/errors/throttling-error.js'
import { isThrottlingCode } from './protocol.js'
import type { RawResponse } from './messages.js'

/**
 * The decode layer: a `RawResponse` becomes the typed body or throws one of our errors.
 * Order follows protocol §2.2: HTTP ≥ 400 first, then JSON, then `Success`, then the action's shape.
 */
export function decodeResponse<C extends t.Mixed>(
  action: string,
  codec: C,
  raw: RawResponse,
): Envelope & t.TypeOf<C> {
  const parsed = parseJson(raw.body)
  if (raw.status >= 400 || raw.status === 429) throw httpFailure(action, raw, parsed)
  if (parsed === NOT_JSON) {
    throw new DecodeError('response body is not JSON', { action, httpStatus: raw.status, path: '', body: raw.body })
  }
  const details = { action, httpStatus: raw.status, body: raw.body }
  const envelope = decodeOrThrow(Envelope, parsed, details)
  const requestId = envelope.RequestId
  if (!envelope.Success) {
    // protocol §7.5: Success=false is a failure even without a Code.
    const reason = envelope.Code === undefined ? describeMessage(envelope.Message) : `[${envelope.Code}] ${describeMessage(envelope.Message)}`
    throw new ApiError(reason, {
      action,
      httpStatus: raw.status,
      ...optional('requestId', requestId),
      ...optional('code', envelope.Code),
    })
  }
  const body = decodeOrThrow(codec, parsed, { ...details, ...optional('requestId', requestId) })
  return { ...envelope, ...body } as Envelope & t.TypeOf<C>
}

const NOT_JSON = Symbol('not-json')
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return NOT_JSON
  }
}

function httpFailure(action: string, raw: RawResponse, parsed: unknown): Error {
  const fields = parsed === NOT_JSON ? undefined : ErrorBody.decode(parsed)
  const body: ErrorBody = fields !== undefined && fields._tag === 'Right' ? fields.right : {}
  const details = {
    action,
    httpStatus: raw.status,
    ...optional('requestId', body.RequestId),
    ...optional('code', body.Code),
  }
  const what = body.Code === undefined ? `HTTP ${raw.status}` : `HTTP ${raw.status} [${body.Code}]`
  const reason = body.Message === undefined ? what : `${what} ${body.Message}`
  if (raw.status === 429 || isThrottlingCode(body.Code)) {
    return new ThrottlingError(reason, { ...details, ...optional('retryAfterMs', parseRetryAfter(raw.retryAfter)) })
  }
  return new HttpError(reason, details)
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const describeMessage = (message: string | undefined): string =>
  message === undefined || message === '' ? 'the service reported Success=false' : message

/** `{ [key]: value }` when value is defined, else `{}` — keeps optional fields absent, not undefined. */
export const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
