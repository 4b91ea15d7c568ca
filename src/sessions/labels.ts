import { defer, map, type Observable } from 'rxjs'
import { requireNoControlCharacter, requireText } from '../shared/arguments.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import type { Labels } from '../wire/codecs/labels.js'
import type { LabelsSet, SessionDeps, SessionLabels } from './types.js'

/**
 * SetLabel (official-sdk-calls §2): replaces the running session's labels. Validated first, as
 * the official SDKs do, so bad labels send nothing. Emits `{ requestId }` once.
 */
export function setSessionLabels(client: SessionDeps, sessionId: string, labels: Labels): Observable<LabelsSet> {
  return defer(() => {
    requireText(sessionId, 'sessionId')
    return client.rpc('SetLabel', { SessionId: sessionId, Labels: serializeLabels(labels) })
  }).pipe(map((body) => ({ requestId: body.RequestId ?? '' })))
}

/** GetLabel (§2): the session's labels, decoded from `Data.Labels` (a JSON object string). */
export function getSessionLabels(client: SessionDeps, sessionId: string): Observable<SessionLabels> {
  return defer(() => {
    requireText(sessionId, 'sessionId')
    return client.rpc('GetLabel', { SessionId: sessionId })
  }).pipe(map((body) => ({ requestId: body.RequestId ?? '', labels: body.Data.Labels ?? {} })))
}

/**
 * The one label check, for `setLabels`, `create({ labels })` and the `list({ labels })` filter:
 * the official SDKs' checks (§2), each a `ValidationError` naming `labels` — a plain object (no
 * array, `Map` or other built-in), at least one label, keys and values non-blank; and, since the
 * wire wants string → string, every value a string. Returns the `Labels` JSON string. With
 * `allowEmpty` (create, list), `{}` passes: a session created with no labels, a filter that lists
 * every session; only `setLabels` needs one, as officially (issue 12: create and the filter used to
 * take blank keys and values, and a `Map`, which would have sent `{}`).
 */
export function serializeLabels(labels: unknown, { allowEmpty = false }: { readonly allowEmpty?: boolean } = {}): string {
  if (typeof labels !== 'object' || labels === null) {
    throw new ValidationError(`labels must be an object of strings such as { project: 'demo' }, got ${labels === null ? 'null' : typeof labels}`)
  }
  if (Array.isArray(labels)) throw new ValidationError('labels must be an object of strings, not an array')
  const prototype: unknown = Object.getPrototypeOf(labels)
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValidationError(`labels must be a plain object; a ${labels.constructor?.name ?? 'built-in object'} is not (its entries would not be sent)`)
  }
  const entries = Object.entries(labels)
  if (entries.length === 0 && !allowEmpty) throw new ValidationError('labels must not be empty: give at least one label')
  for (const [key, value] of entries) {
    if (key.trim() === '') throw new ValidationError(`labels: keys must not be empty or blank, got ${JSON.stringify(key)}`)
    requireNoControlCharacter(key, 'labels: a key')
    if (typeof value !== 'string') throw new ValidationError(`labels.${key} must be a string, got ${typeof value}`)
    if (value.trim() === '') throw new ValidationError(`labels.${key} must not be empty or blank`)
    requireNoControlCharacter(value, `labels.${key}`)
  }
  return JSON.stringify(labels)
}
