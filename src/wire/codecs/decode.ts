import * as t from 'io-ts'
import { DecodeError } from '../../shared/errors/decode-error.js'

/**
 * The io-ts path that failed, as `Data.ContextStatus[0].data[1].status`. Modelled on
 * io-ts `PathReporter`, but keeps only the first (deepest) error and skips the
 * synthetic keys intersections and unions add.
 */
export function pathOf(context: t.Context): string {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type
    const key = context[i]?.key ?? ''
    if (parent instanceof t.IntersectionType || parent instanceof t.UnionType) continue
    if (parent instanceof t.ArrayType || /^\d+$/.test(key)) path += `[${key}]`
    else path += path === '' ? key : `.${key}`
  }
  return path
}

/** A one-line reason for the first io-ts error. */
export function describeErrors(errors: t.Errors): { path: string; reason: string } {
  const first = errors[0]
  if (first === undefined) return { path: '', reason: 'invalid value' }
  const expected = first.context[first.context.length - 1]?.type.name ?? 'a valid value'
  const got = describeValue(first.value)
  return { path: pathOf(first.context), reason: first.message ?? `expected ${expected}, got ${got}` }
}

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 24 ? `a string` : JSON.stringify(value)
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}

/**
 * Decodes `value` with `codec`, or throws a `DecodeError` carrying the failing path and a
 * redacted excerpt of `body`. The `Either` never leaves this function.
 */
export function decodeOrThrow<C extends t.Mixed>(
  codec: C,
  value: unknown,
  details: { action?: string; requestId?: string; httpStatus?: number; body?: string } = {},
): t.TypeOf<C> {
  const result = codec.decode(value)
  if (result._tag === 'Right') return result.right as t.TypeOf<C>
  const { path, reason } = describeErrors(result.left)
  return throwDecode(reason, path, details)
}

const throwDecode = (
  reason: string,
  path: string,
  details: { action?: string; requestId?: string; httpStatus?: number; body?: string },
): never => {
  throw new DecodeError(`unexpected response body: ${reason}`, { ...details, path })
}
