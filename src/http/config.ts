import { asyncScheduler, type SchedulerLike } from 'rxjs'
import { describeType, describeValue, requireBoolean, requireKnownKeys, requirePositiveInteger, requireString, type KnownKeys } from '../shared/arguments.js'
import { MAX_DELAY_MS, isDelayMs } from '../shared/duration.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { redactText } from '../shared/redact.js'
import { DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_MS } from '../wire/protocol.js'

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
  /** Injected `fetch` (tests, proxies). Default: the SDK's own keep-alive `node:http` fetch, one pool per client. */
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

/** What the rest of the SDK reads: every field resolved once. The API key is not here (issue 9 item 10). */
export interface NormalizedConfig {
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

/**
 * Every key `new AgentBay()` reads; anything else is a typo or another SDK's shape (e.g. `{ config: … }`).
 * `transport` and `random` are `AgentBayClientOptions`' (src/client/agentbay.ts checks the whole set).
 */
export const AGENTBAY_OPTION_KEYS = {
  apiKey: true,
  endpoint: true,
  regionId: true,
  timeoutMs: true,
  allowInsecureHttp: true,
  retry: true,
  fetch: true,
  logger: true,
  scheduler: true,
  env: true,
  transport: true,
  random: true,
} as const satisfies KnownKeys<AgentBayOptions> & Readonly<Record<'transport' | 'random', true>>

const RETRY_OPTION_KEYS = { attempts: true, baseDelayMs: true, maxDelayMs: true } as const satisfies KnownKeys<RetryOptions>

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
/** True for loopback hosts (127.0.0.0/8, ::1, localhost), where plain HTTP is allowed by default. */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.endsWith('.localhost')

// ---- constructors --------------------------------------------------------------------------------

/**
 * Resolves options + environment into a `NormalizedConfig`, or throws `ValidationError`.
 * Explicit options win over the environment (protocol §1.7). Plain-JavaScript callers get a
 * `ValidationError` naming the option for every wrong type, never a `TypeError`.
 */
export function normalizeConfig(options: AgentBayOptions = {}): NormalizedConfig {
  const env = readEnv(options)
  resolveApiKey(options) // a missing key is the first thing to report
  const endpoint = endpointSetting(options.endpoint, env['AGENTBAY_ENDPOINT'])
  const baseUrl = endpointToBaseUrl(endpoint.value, optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp'), endpoint.source)
  return {
    baseUrl,
    regionId: optionalText(options.regionId, 'regionId') ?? nonEmpty(env['AGENTBAY_REGION_ID']),
    timeoutMs: resolveTimeout(options.timeoutMs, env['AGENTBAY_TIMEOUT_MS']),
    retry: normalizeRetry(options.retry),
    fetch: optionalFunction(options.fetch, 'fetch'),
    logger: options.logger === undefined ? silentLogger : requireLogger(options.logger),
    scheduler: options.scheduler === undefined ? asyncScheduler : requireScheduler(options.scheduler),
  }
}

/**
 * The API key from `apiKey`, else `AGENTBAY_API_KEY`, or a `ValidationError`. Only the transport
 * keeps it, in a closure: no object reachable from the client holds it (issue 9 item 10).
 */
export function resolveApiKey(options: AgentBayOptions = {}): string {
  const env = readEnv(options)
  if (options.apiKey !== undefined && typeof options.apiKey !== 'string') {
    // The value is a secret, even when mistyped: say what it is, never what it holds.
    throw new ValidationError(`apiKey must be a string, got ${describeType(options.apiKey)}`)
  }
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env['AGENTBAY_API_KEY'])
  if (apiKey === undefined) {
    throw new ValidationError('an API key is required: pass `apiKey` to new AgentBay() or set AGENTBAY_API_KEY')
  }
  return apiKey
}

/** A per-attempt timeout is one timer: the shared single-delay rule (positive, at most `MAX_DELAY_MS`). */
const isTimeout = (value: unknown): value is number => isDelayMs(value, true)

/**
 * `timeoutMs`, else `AGENTBAY_TIMEOUT_MS`, else 60 s. Unlike the official TS SDK, which ignores an
 * invalid variable (protocol §1.7), a set but invalid `AGENTBAY_TIMEOUT_MS` is a `ValidationError`:
 * a typo (`soon`, `5s`) would otherwise run silently with the default (issue 9 item 9).
 */
function resolveTimeout(option: unknown, fromEnv: string | undefined): number {
  if (option !== undefined) {
    if (!isTimeout(option)) {
      throw new ValidationError(`timeoutMs must be a positive number of milliseconds up to ${MAX_DELAY_MS}, got ${describeValue(option)}`)
    }
    return option
  }
  const text = nonEmpty(fromEnv)
  if (text === undefined) return DEFAULT_TIMEOUT_MS
  const parsed = Number(text)
  if (!isTimeout(parsed)) {
    throw new ValidationError(`AGENTBAY_TIMEOUT_MS must be a positive number of milliseconds up to ${MAX_DELAY_MS}, got ${JSON.stringify(text)}`)
  }
  return parsed
}

/** Where the endpoint came from, so an error names the option or the variable the user set. */
interface EndpointSetting {
  readonly value: string
  readonly source: 'endpoint' | 'AGENTBAY_ENDPOINT' | 'default'
}

/**
 * `endpoint`, else `AGENTBAY_ENDPOINT`, else the cloud. A blank value that is *set* is an error,
 * not "unset": falling back to the cloud would send the key somewhere the user did not choose.
 */
function endpointSetting(option: unknown, fromEnv: string | undefined): EndpointSetting {
  if (option !== undefined) {
    if (typeof option !== 'string') throw new ValidationError(`endpoint must be a string, got ${describeType(option)}`)
    if (option.trim() === '') throw new ValidationError('endpoint must not be empty; omit it to use AGENTBAY_ENDPOINT or the default endpoint')
    return { value: option.trim(), source: 'endpoint' }
  }
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === '') throw new ValidationError('AGENTBAY_ENDPOINT is set but empty; unset it to use the default endpoint')
    return { value: fromEnv.trim(), source: 'AGENTBAY_ENDPOINT' }
  }
  return { value: DEFAULT_ENDPOINT, source: 'default' }
}

/**
 * `host[:port]` means https (protocol §1.1); a full URL keeps its scheme. Anything the base URL
 * would silently drop — a path, a query, a fragment, `user:pw@` — is a `ValidationError` naming
 * `name` (the option or variable it came from); credentials are never echoed.
 */
export function endpointToBaseUrl(endpoint: string, allowInsecureHttp = false, name = 'endpoint'): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`
  const shown = describeEndpoint(endpoint)
  const shape = `${name} must be host[:port] or http(s)://host[:port]`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ValidationError(`${shape}, got ${shown}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`${name} must use http or https, got ${url.protocol}`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError(`${shape} without credentials (user:password@ is not supported; the API key authenticates), got ${shown}`)
  }
  if (url.pathname !== '/' || /[?#]/.test(endpoint)) {
    // `http//x` lands here: read as a bare host it becomes https://http/ with the path //x.
    throw new ValidationError(`${shape} without a path, query or fragment (every action is sent to /), got ${shown}`)
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ValidationError(
      `${name}: refusing plain http to non-loopback host ${url.hostname}: the API key would travel unencrypted; use https or set allowInsecureHttp: true`,
    )
  }
  return `${url.protocol}//${url.host}/`
}

/** The endpoint as quoted in an error: `user:pw@` replaced, then the usual redaction. */
const describeEndpoint = (endpoint: string): string =>
  JSON.stringify(redactText(endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1<credentials>@')))

function normalizeRetry(retry: unknown): NormalizedRetry {
  if (retry === undefined) return DEFAULT_RETRY
  if (!isPlainObject(retry)) throw new ValidationError(`retry must be an object like { attempts: 3 }, got ${describeValue(retry)}`)
  requireKnownKeys(retry, 'new AgentBay(options): retry', RETRY_OPTION_KEYS, { use: 'retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 5000 }' })
  const merged = { ...DEFAULT_RETRY, ...dropUndefined(retry as RetryOptions) }
  requirePositiveInteger(merged.attempts, 'retry.attempts')
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    const value: unknown = merged[key]
    if (!isDelayMs(value)) {
      throw new ValidationError(`retry.${key} must be a number of ms from 0 to ${MAX_DELAY_MS}, got ${describeValue(value)}`)
    }
  }
  if (!(merged.maxDelayMs >= merged.baseDelayMs)) {
    throw new ValidationError('retry delays must satisfy 0 ≤ baseDelayMs ≤ maxDelayMs')
  }
  return merged
}

// ---- shape checks (plain JavaScript callers) -----------------------------------------------------

/** `options` itself: undefined or a plain object with known keys (checked before any field is read). */
function readEnv(options: unknown): ClientEnv {
  requireClientOptions(options)
  const { env } = options
  if (env === undefined) return process.env
  if (!isPlainObject(env)) throw new ValidationError(`env must be an object of strings, got ${describeValue(env)}`)
  // process.env holds strings only; a plain object from JavaScript may hold anything. Only the
  // kind is shown: one of these values is the API key.
  for (const name of ENV_NAMES) {
    const value = env[name]
    if (value !== undefined && typeof value !== 'string') throw new ValidationError(`env.${name} must be a string, got ${describeType(value)}`)
  }
  return env as ClientEnv
}

/** The variables a client reads; reading one not listed (so not checked) does not compile. */
const ENV_NAMES = ['AGENTBAY_API_KEY', 'AGENTBAY_ENDPOINT', 'AGENTBAY_REGION_ID', 'AGENTBAY_TIMEOUT_MS'] as const
type ClientEnv = Readonly<Partial<Record<(typeof ENV_NAMES)[number], string>>>

/**
 * `new AgentBay(options)`: `options` must be an object of known keys. The official TS SDK takes
 * `new AgentBay({ apiKey, config: { endpoint, timeout_ms } })`; here that shape would silently
 * talk to the default endpoint, so unknown keys are refused.
 */
export function requireClientOptions(options: unknown): asserts options is AgentBayOptions {
  if (!isPlainObject(options)) {
    // Only the kind: a string here is most likely the API key (the Python SDK's AgentBay(api_key)).
    throw new ValidationError(`new AgentBay(options): options must be an object like { apiKey, endpoint }, got ${describeType(options)}`)
  }
  const use = Object.hasOwn(options, 'config') ? 'new AgentBay({ apiKey, endpoint, regionId, timeoutMs }) (endpoint, regionId and timeoutMs go at the top level, not under `config`)' : 'new AgentBay({ apiKey, endpoint })'
  requireKnownKeys(options, 'new AgentBay(options)', AGENTBAY_OPTION_KEYS, { use })
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  requireString(value, name)
  return nonEmpty(value)
}

function optionalBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false
  requireBoolean(value, name)
  return value
}

/** A function option (`fetch`, `transport`, `random`), or a `ValidationError` naming it. */
export function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ValidationError(`${name} must be a function, got ${describeValue(value)}`)
  return value
}

function requireLogger(logger: unknown): Logger {
  const ok = typeof logger === 'object' && logger !== null && ['debug', 'warn'].every((m) => typeof (logger as Record<string, unknown>)[m] === 'function')
  if (!ok) throw new ValidationError(`logger must have debug() and warn() methods (console fits), got ${describeValue(logger)}`)
  return logger as Logger
}

function requireScheduler(scheduler: unknown): SchedulerLike {
  const ok = typeof scheduler === 'object' && scheduler !== null && ['now', 'schedule'].every((m) => typeof (scheduler as Record<string, unknown>)[m] === 'function')
  if (!ok) throw new ValidationError(`scheduler must be an RxJS SchedulerLike (now() and schedule()), got ${describeValue(scheduler)}`)
  return scheduler as SchedulerLike
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim()

/** Copies `value` without its `undefined` fields, so spreading over defaults keeps the defaults. */
export function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
