/**
 * The single place secrets are scrubbed. SyncContext carries `Authorization=Bearer <key>` in its
 * query string (protocol §1.2), and ky/undici messages quote URLs, so every URL and every error
 * message passes through a `Redactor`. The patterns below are constants; the literal secrets (a
 * client's API key) belong to the `Redactor` that client owns, never to a module global.
 */

const REDACTED = '<redacted>'
// Our key parameter plus the credentials of common presigned-URL schemes (S3, OSS, the emulator).
const SECRET_PARAMS = new Set([
  'authorization',
  'token',
  'signature',
  'sig',
  'apikey',
  'api_key',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'security-token',
  'ossaccesskeyid',
])

// `Bearer <key>` in any encoding (`Bearer%20k`, `Bearer+k`, `Bearer k`) and `name=value` for every secret name.
const BEARER = /Bearer(?:%20|\+|\s)+[^\s&"'<>,;)]+/gi
// Built from SECRET_PARAMS, so text and URLs scrub the same names (names are letters, `-` and `_`).
const PARAM = new RegExp(`\\b(${[...SECRET_PARAMS].sort((a, b) => b.length - a.length).join('|')})=([^&\\s"']+)`, 'gi')

/**
 * The shortest value treated as a secret. Shorter ones would blank ordinary words in messages, and
 * real keys are long; so a shorter string may be shown as it is (`describeValue` quotes only those).
 */
export const MIN_SECRET_LENGTH = 8

/** Scrubs text, URLs and errors: the credential patterns, plus the literal secrets it was made with. */
export interface Redactor {
  /** Text with anything that looks like a credential, or is one of this redactor's secrets, replaced. */
  text(text: string): string
  /** A URL with secret query parameters replaced. Accepts a string or URL; never throws. */
  url(url: string | URL): string
  /**
   * Scrubs an error in place (message, stack, its own string fields, the cause chain) and returns
   * it, so its class and fields stay what they were.
   */
  error<E>(error: E): E
}

/**
 * A redactor that also scrubs `secrets` where they appear bare or URL-encoded. The secrets stay in
 * this closure: no inspectable object holds them (issue 9 item 10).
 */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const literals = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))]
  const text = (input: string): string => {
    let out = input.replace(BEARER, `Bearer ${REDACTED}`).replace(PARAM, (_m, key: string) => `${key}=${REDACTED}`)
    for (const secret of literals) {
      out = out.split(secret).join(REDACTED)
      const encoded = encodeURIComponent(secret)
      if (encoded !== secret) out = out.split(encoded).join(REDACTED)
    }
    return out
  }
  const url = (input: string | URL): string => {
    let parsed: URL
    try {
      parsed = typeof input === 'string' ? new URL(input) : new URL(input.href)
    } catch {
      return text(String(input))
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, REDACTED)
    }
    // The key may also sit in another parameter, the path or the fragment.
    return text(parsed.href)
  }
  const error = <E>(value: E): E => {
    scrubError(value, text, 0)
    return value
  }
  return Object.freeze({ text, url, error })
}

const MAX_CAUSE_DEPTH = 5

function scrubError(value: unknown, text: (input: string) => string, depth: number): void {
  if (!(value instanceof Error) || depth > MAX_CAUSE_DEPTH) return
  for (const key of ['message', 'stack', ...Object.keys(value)]) {
    const field = (value as unknown as Record<string, unknown>)[key]
    if (typeof field !== 'string') continue
    const scrubbed = text(field)
    if (scrubbed === field) continue
    try {
      Object.defineProperty(value, key, { value: scrubbed, writable: true, configurable: true })
    } catch {
      // A frozen error keeps its text; the patterns already ran when it was built (AgentBayError).
    }
  }
  scrubError(value.cause, text, depth + 1)
}

// The patterns alone: for text that belongs to no client (errors as they are built, CLI lines).
const patternsOnly = createRedactor()

/** `text` with anything that looks like a credential replaced (patterns only, no client's secrets). */
export const redactText = patternsOnly.text
/** A URL with secret query parameters replaced (patterns only, no client's secrets). Never throws. */
export const redactUrl = patternsOnly.url
