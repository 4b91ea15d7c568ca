import { asyncScheduler, type SchedulerLike } from 'rxjs'
import { MAX_DELAY_MS, isDelayMs } from './duration.js'
import { ValidationError } from './errors/validation-error.js'
import { registerSecret } from './transport/redact.js'
import { DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_MS } from './wire/protocol.js'

/** Something that logs; `console` fits. Messages are already redacted. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
}

/** Retry policy for transient failures of read actions (network, 5xx, throttling). */
export interface RetryOptions {
  /** Total attempts including the first. Default 3. */
  readonly attempts?: number
  /** First backoff delay in ms; doubles each retry, with full jitter. Default 200. */
  readonly baseDelayMs?: number
  /** Upper bound of one backoff delay in ms. Default 5000. */
  readonly maxDelayMs?: number
}

/** Public options of `new AgentBay(options)`. Every field is optional. */
export interface AgentBayOptions {
  /** API key; else `AGENTBAY_API_KEY`. */
  readonly apiKey?: string
  /** `host[:port]` (https) or a full `http://` / `https://` URL; else `AGENTBAY_ENDPOINT`. */
  readonly endpoint?: string
  /** Sent as `LoginRegionId`; else `AGENTBAY_REGION_ID`. */
  readonly regionId?: string
  /** Per-attempt timeout in ms; else `AGENTBAY_TIMEOUT_MS`; default 60000. */
  readonly timeoutMs?: number
  /** Plain `http://` to a non-loopback host is refused unless this is true. */
  readonly allowInsecureHttp?: boolean
  readonly retry?: RetryOptions
  /** Injected `fetch` (tests, proxies). Default: the global `fetch`. */
  readonly fetch?: typeof fetch
  readonly logger?: Logger
  /** All timing (polls, backoff) runs on this scheduler. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike
  /** Environment to read `AGENTBAY_*` from. Default `process.env`, read at construction, never at import. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export interface NormalizedRetry {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/** What the rest of the SDK reads: every field resolved once. */
export interface NormalizedConfig {
  readonly apiKey: string
  /** Base URL with scheme, e.g. `https://wuyingai.cn-shanghai.aliyuncs.com/`. */
  readonly baseUrl: string
  readonly regionId: string | undefined
  readonly timeoutMs: number
  readonly retry: NormalizedRetry
  readonly fetch: typeof fetch | undefined
  readonly logger: Logger
  readonly scheduler: SchedulerLike
}

export const DEFAULT_RETRY: NormalizedRetry = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5000 }

const silentLogger: Logger = { debug: () => undefined, warn: () => undefined }

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
/** True for loopback hosts (127.0.0.0/8, ::1, localhost), where plain HTTP is allowed by default. */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.endsWith('.localhost')

/**
 * Resolves options + environment into a `NormalizedConfig`, or throws `ValidationError`.
 * Explicit options win over the environment (protocol §1.7).
 */
export function normalizeConfig(options: AgentBayOptions = {}): NormalizedConfig {
  const env = options.env ?? process.env
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env['AGENTBAY_API_KEY'])
  if (apiKey === undefined) {
    throw new ValidationError('an API key is required: pass `apiKey` to new AgentBay() or set AGENTBAY_API_KEY')
  }
  registerSecret(apiKey)
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env['AGENTBAY_ENDPOINT']) ?? DEFAULT_ENDPOINT
  const baseUrl = endpointToBaseUrl(endpoint, options.allowInsecureHttp === true)
  const timeoutMs = options.timeoutMs ?? parseTimeout(env['AGENTBAY_TIMEOUT_MS']) ?? DEFAULT_TIMEOUT_MS
  if (!isTimeout(timeoutMs)) {
    throw new ValidationError(
      `timeoutMs must be a positive number of milliseconds up to ${MAX_DELAY_MS}, got ${String(timeoutMs)}`,
    )
  }
  const config = {
    baseUrl,
    regionId: nonEmpty(options.regionId) ?? nonEmpty(env['AGENTBAY_REGION_ID']),
    timeoutMs,
    retry: normalizeRetry(options.retry),
    fetch: options.fetch,
    logger: options.logger ?? silentLogger,
    scheduler: options.scheduler ?? asyncScheduler,
  }
  // Non-enumerable: `console.log(agentBay)` / `util.inspect` / `JSON.stringify(config)` never print the key.
  return Object.defineProperty(config, 'apiKey', { value: apiKey, enumerable: false }) as NormalizedConfig
}

/** A per-attempt timeout is one timer: the shared single-delay rule (positive, at most `MAX_DELAY_MS`). */
const isTimeout = (value: number): boolean => isDelayMs(value, true)

/** `host[:port]` means https (protocol §1.1); a full URL keeps its scheme. */
export function endpointToBaseUrl(endpoint: string, allowInsecureHttp = false): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ValidationError(`endpoint is not a valid host[:port] or URL: ${JSON.stringify(endpoint)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`endpoint must use http or https, got ${url.protocol}`)
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ValidationError(
      `refusing plain http to non-loopback host ${url.hostname}: the API key would travel unencrypted; use https or set allowInsecureHttp: true`,
    )
  }
  return `${url.protocol}//${url.host}/`
}

function normalizeRetry(retry: RetryOptions | undefined): NormalizedRetry {
  const merged = { ...DEFAULT_RETRY, ...dropUndefined(retry ?? {}) }
  if (!Number.isInteger(merged.attempts) || merged.attempts < 1) {
    throw new ValidationError(`retry.attempts must be an integer ≥ 1, got ${String(merged.attempts)}`)
  }
  if (!(merged.baseDelayMs >= 0) || !(merged.maxDelayMs >= merged.baseDelayMs)) {
    throw new ValidationError('retry delays must satisfy 0 ≤ baseDelayMs ≤ maxDelayMs')
  }
  return merged
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim()

const parseTimeout = (value: string | undefined): number | undefined => {
  const parsed = value === undefined ? NaN : Number(value)
  return isTimeout(parsed) ? parsed : undefined // protocol §1.7: invalid is ignored
}

/** Copies `value` without its `undefined` fields, so spreading over defaults keeps the defaults. */
export function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
