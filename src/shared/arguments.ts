import { ValidationError } from './errors/validation-error.js'
import { MIN_SECRET_LENGTH, redactText } from './redact.js'

/**
 * The keys an options type has, each `true`. Declaring a key set as
 * `{ syncContext: true, … } satisfies KnownKeys<DeleteSessionOptions>` makes it complete at compile
 * time: a key missing from the set, or one the type lacks, fails typecheck, so an option added to
 * the type cannot be refused at run time for want of being listed (issue 12).
 */
export type KnownKeys<T> = { readonly [K in keyof T]-?: true }

/** `keys` and `signal`: the options of an `…Async` Promise form. */
export const withSignal = <K extends Readonly<Record<string, true>>>(keys: K): K & { readonly signal: true } => ({ ...keys, signal: true })

/** The options of a Promise form that takes nothing but `signal`. */
export const SIGNAL_ONLY = { signal: true } as const

/**
 * Checks the options argument of a call and returns it (`{}` when omitted).
 *
 * The official SDKs take positional arguments where this SDK takes an options object:
 * `context.get(name, true)`, `session.delete(true)`, `listFiles(id, folder, 2, 20)`,
 * `clear(id, 30)`, `fs.writeFile(path, text, 'append')`. From plain JavaScript those would read
 * as `{}` and silently do something else (no create, no upload before delete, page 1, a 60 s
 * budget, an overwrite), so anything but an object is a `ValidationError` that names the form
 * to use (issue 9 item 9). Keys outside `keys` are refused too (see `requireKnownKeys`): the
 * Python spelling `{ sync_context: true }` would otherwise delete without uploading (issue 12).
 *
 * @example
 * const { create } = requireOptions(options, 'context.get(name, options)', 'context.get(name, { create: true })', { create: true })
 */
export function requireOptions<T extends object>(value: T | undefined, call: string, use: string, keys: KnownKeys<NoInfer<T>>): T {
  if (value === undefined) return {} as T
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${call}: options must be an object, got ${describeValue(value)}; use ${use}`)
  }
  requireKnownKeys(value, call, keys, { use })
  return value
}

/** The error a check throws, given its message (`ValidationError` unless a caller has its own bad-argument type). */
export type ArgumentErrorType = new (message: string) => Error

/** How `requireKnownKeys` words and types its error. */
export interface KnownKeysCheck {
  /** The form to use instead, appended as `; use …`. */
  readonly use?: string | undefined
  /** The error thrown; default `ValidationError`. */
  readonly errorType?: ArgumentErrorType
}

/**
 * Refuses any own key of `value` that `known` does not list, even one whose value is `undefined`:
 * a `ValidationError` (or `errorType`) naming the call and each unknown key, with the known key it most likely
 * meant (`sync_context` → `syncContext`, `timeout` → `timeoutMs`) and the known keys.
 */
export function requireKnownKeys(
  value: object,
  call: string,
  known: Readonly<Record<string, true>>,
  { use, errorType = ValidationError }: KnownKeysCheck = {},
): void {
  const knownKeys = Object.keys(known)
  const unknown = Object.keys(value).filter((key) => !Object.hasOwn(known, key))
  if (unknown.length === 0) return
  const hints = unknown.map((key) => {
    const meant = closestKey(key, knownKeys)
    if (meant !== undefined) return ` (did you mean ${JSON.stringify(meant)}?)`
    // An Observable is cancelled by unsubscribing; only the Promise forms take a signal.
    if (key === 'signal') return ' (an Observable is cancelled by unsubscribing; signal belongs to the …Async form)'
    return ''
  })
  const listed = unknown.map((key, index) => `${JSON.stringify(key)}${hints[index] ?? ''}`).join(', ')
  const knownText = knownKeys.length === 0 ? 'none' : knownKeys.join(', ')
  throw new errorType(`${call}: unknown option(s) ${listed}; known: ${knownText}${use === undefined ? '' : `; use ${use}`}`)
}

/**
 * The known key `key` was most likely meant as: the same letters ignoring case, `_` and `-` (the
 * Python and CLI spellings), else one within a small edit distance. Undefined when none is close.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const fold = (text: string): string => text.toLowerCase().replace(/[_-]/g, '')
  const folded = fold(key)
  const same = known.find((candidate) => fold(candidate) === folded)
  if (same !== undefined) return same
  let best: { key: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(folded, fold(candidate))
    if (best === undefined || distance < best.distance) best = { key: candidate, distance }
  }
  // Close means a typo or a unit suffix (`timeout` → `timeoutMs`), not a different word.
  const allowed = Math.min(2, Math.floor(folded.length / 3))
  return best !== undefined && best.distance <= allowed ? best.key : undefined
}

/** Levenshtein distance (short keys only: quadratic is fine). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** A value's kind for an error message (`null`, `an array`, `number`, …), never the value: it may be secret. */
export const describeType = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value)

/**
 * A bad argument, for its error message: a string shorter than any secret quoted (so `"5"` never
 * reads as the number 5), a longer one by its length only; a bigint as `10n`; anything else by its
 * kind. A long string may be a key passed by mistake (`mode: apiKey`): the client's own key has no
 * pattern to recognise it by, and a cut one would slip past its redactor, so none is shown, not even
 * in part. It never runs the value's own code: `String()` of a null-prototype object, or of one
 * whose `toString` throws, and `JSON.stringify()` of a bigint or a cycle would throw instead of the
 * `ValidationError` (a hostile or plain-JavaScript caller).
 */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'string') return value.length < MIN_SECRET_LENGTH ? JSON.stringify(redactText(value)) : `a string of ${value.length} characters`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return `${value}n`
  return describeType(value)
}

/**
 * A bad value for an option that takes one of `allowed`: `describeValue`, then the allowed value a
 * string most likely meant (`"downlaod"` → `download`, same rule as unknown option keys). A long
 * typo is not quoted (it might be a key), so the hint is what tells the caller which word it missed;
 * it names only an allowed value, never the caller's string.
 */
export const describeChoice = (value: unknown, allowed: readonly string[]): string => {
  const meant = typeof value === 'string' ? closestKey(value, allowed) : undefined
  return meant === undefined ? describeValue(value) : `${describeValue(value)} (did you mean '${meant}'?)`
}

/**
 * Argument checks, each throwing `ValidationError` (they run inside `defer`, before any request).
 * A non-blank string of any characters: what stays on this machine (a local file path, whose
 * characters are the OS's to judge) or is matched rather than named (a search pattern).
 */
export function requireNonBlank(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${name} must be a non-empty string, got ${describeValue(value)}`)
  }
}

/**
 * C0 control characters (U+0000–U+001F) and DEL: no id, name or path holds one on purpose, and NUL
 * ends a C string on the far side. Nothing else is judged here: any other character, and relative
 * or Windows-style paths (`C:\\…`, with `mappingPolicy`), are the service's to accept or refuse.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/

/** A string (possibly empty, e.g. a white-list entry relative to its mount) without a control character. */
export function requireNoControlCharacter(value: string, name: string): void {
  if (CONTROL_CHARACTER.test(value)) {
    throw new ValidationError(`${name} must hold no control character (U+0000–U+001F, U+007F), got ${describeValue(value)}`)
  }
}

/**
 * An id, name or path sent to the service (a context or session id, a context name, a browser
 * context or extension id, a tool name, a mount or file path, a transfer's remote path): a
 * non-empty string without a control character, refused before any request. The emulator took
 * `'a\0b'` as a context id; the service would answer 400 at best.
 */
export function requireText(value: unknown, name: string): asserts value is string {
  requireNonBlank(value, name)
  requireNoControlCharacter(value, name)
}

/**
 * A value sent as an HTTP header (an upload's `contentType`): a non-empty string a header can carry.
 * Tab, printable ASCII and U+0080..U+00FF only — the rule of Node's fetch (undici) as it sends:
 * CR, LF or NUL would split or end the header, any other control character (U+0001, DEL) is refused
 * too, and a character above U+00FF is no byte. Each would fail at send time, after the call's
 * first request went out.
 */
export function requireHeaderValue(value: unknown, name: string): asserts value is string {
  requireNonBlank(value, name)
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
    throw new ValidationError(`${name} must hold no control character but tab, nor one above U+00FF (it is sent as an HTTP header)`)
  }
}

/**
 * A flag: exactly `true` or `false`. The string `'false'` is truthy and `'true'` is not `true`, so
 * reading either as a flag would do what the caller did not mean (`syncContext: 'true'` would
 * delete a session without its upload).
 */
export function requireBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new ValidationError(`${name} must be a boolean (true or false), got ${describeValue(value)}`)
}

/** Any string, the empty one included (a paging token, where `''` means none). */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(`${name} must be a string, got ${describeValue(value)}`)
}

/** An integer from 1 that a number holds exactly: `1e300` is an integer too, but no count the API takes (its text is `1e+300`). */
export function requirePositiveInteger(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be an integer ≥ 1, got ${describeValue(value)}`)
  }
}

/**
 * A number of bytes (an upload's `contentLength`): an integer ≥ 0 that a number holds exactly. From
 * 2^53 on, `String(n)` is not the length the caller meant (2^53 + 1 reads as 2^53), so a
 * Content-Length sent from it could be wrong by a byte.
 */
export function requireByteCount(value: unknown, name: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new ValidationError(`${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER} (a number of bytes), got ${describeValue(value)}`)
  }
}
