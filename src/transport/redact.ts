/**
 * The single place secrets are scrubbed. SyncContext carries `Authorization=Bearer <key>` in its
 * query string (protocol §1.2), and ky/undici messages quote URLs, so every URL and every error
 * message passes through here.
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

/** A URL with secret query parameters replaced. Accepts a string or URL; never throws. */
export function redactUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href)
  } catch {
    return redactText(String(url))
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, REDACTED)
  }
  // The key may also sit in another parameter, the path or the fragment.
  return redactText(parsed.href)
}

// `Bearer <key>` in any encoding (`Bearer%20k`, `Bearer+k`, `Bearer k`) and `Authorization=` / `token=` params.
const BEARER = /Bearer(?:%20|\+|\s)+[^\s&"'<>,;)]+/gi
const PARAM = /\b(authorization|token|signature|x-amz-signature|x-amz-credential|x-amz-security-token|security-token|ossaccesskeyid)=([^&\s"']+)/gi

// Keys of live clients, so a key quoted bare (no `Bearer`) is scrubbed too. Filled by `new AgentBay`, not at import.
const knownSecrets = new Set<string>()

/** Registers a literal secret (the API key) so `redactText` also scrubs it where it appears bare. */
export function registerSecret(secret: string): void {
  // Short values would blank ordinary words in messages; real keys are long.
  if (secret.length >= 8) knownSecrets.add(secret)
}

/** Text with anything that looks like a credential replaced. */
export function redactText(text: string): string {
  let out = text.replace(BEARER, `Bearer ${REDACTED}`).replace(PARAM, (_m, key: string) => `${key}=${REDACTED}`)
  for (const secret of knownSecrets) {
    out = out.split(secret).join(REDACTED)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.split(encoded).join(REDACTED)
  }
  return out
}
