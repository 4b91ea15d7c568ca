import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { requireKnownKeys, type KnownKeys } from '../shared/arguments.js'
import { normalizeFaults, type FaultPlan, type FaultsInput } from './faults.js'

/** Options of `startEmulator`. Every field is optional; see `EMULATOR_DEFAULTS`. */
export interface EmulatorOptions {
  /** TCP port; `0` (default) picks a free one. */
  readonly port?: number
  /** Interface to bind; default `127.0.0.1` (the emulator has no TLS, keep it on loopback). */
  readonly host?: string
  /** Where all state lives; default `./.agentbay-emulator`. Reuse it to keep data across restarts. */
  readonly dataDir?: string
  /**
   * Accepted API keys, each its own tenant. Default: one development key, generated on first
   * start and kept in `<dataDir>/dev-api-key` so a restart with the same dataDir still matches.
   */
  readonly apiKeys?: readonly string[]
  /** Minimum time a sync task stays `Pending`, and again `Running` (ms). Default 200. */
  readonly taskDelayMs?: number
  /** Copy throttle for sync tasks in bytes per second; `0` (default) means unthrottled. */
  readonly bytesPerSecond?: number
  /** How long `ClearContext` keeps the context in state `clearing` (ms). Default: `taskDelayMs`. */
  readonly clearDelayMs?: number
  /** Fault injection plan (see `FaultRule`). Changeable later with `emulator.setFaults()`. */
  readonly faults?: FaultsInput
  /** Largest accepted form body (bytes). Default 1 MiB. */
  readonly maxFormBytes?: number
  /** Largest accepted presigned upload (bytes). Default 256 MiB. */
  readonly maxUploadBytes?: number
  /** Lifetime of presigned URLs (seconds). Default 3600 (protocol §3.15: "one hour"). */
  readonly presignTtlSeconds?: number
  /**
   * How long a request body may send nothing before the request is answered 408 `RequestTimeout`
   * and its connection closed (ms). Default 60000, as Node's limit for unfinished headers. An
   * inactivity limit, not a total one: an upload on a slow link goes on while bytes keep coming.
   */
  readonly bodyIdleTimeoutMs?: number
  /**
   * What `GetSessionDetail` says once a deletion finished: `'notFound'` (default, HTTP 400
   * `InvalidMcpSession.NotFound`) or `'finish'` (`Data.Status: "FINISH"`). Both end the SDK's
   * delete wait (protocol §5.4).
   */
  readonly deletedSessionDetail?: 'notFound' | 'finish'
  /** Request log sink (one line per request, never the API key). Default: silent. */
  readonly log?: (line: string) => void
}

/** The defaults, in one place (style §5). */
export const EMULATOR_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  dataDir: './.agentbay-emulator',
  taskDelayMs: 200,
  bytesPerSecond: 0,
  maxFormBytes: 1024 * 1024,
  maxUploadBytes: 256 * 1024 * 1024,
  presignTtlSeconds: 3600,
  bodyIdleTimeoutMs: 60_000,
  deletedSessionDetail: 'notFound',
} as const

/** Every key `startEmulator` reads (complete at compile time): `{ task_delay_ms: 0 }` must not silently keep the default. */
const EMULATOR_OPTION_KEYS = {
  port: true,
  host: true,
  dataDir: true,
  apiKeys: true,
  taskDelayMs: true,
  bytesPerSecond: true,
  clearDelayMs: true,
  faults: true,
  maxFormBytes: true,
  maxUploadBytes: true,
  presignTtlSeconds: true,
  bodyIdleTimeoutMs: true,
  deletedSessionDetail: true,
  log: true,
} as const satisfies KnownKeys<EmulatorOptions>

/** Options after validation, with every value present. `apiKeys` may still be empty (dev key comes from disk). */
export interface NormalizedEmulatorOptions {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly apiKeys: readonly string[]
  readonly taskDelayMs: number
  readonly bytesPerSecond: number
  readonly clearDelayMs: number
  readonly faults: FaultPlan
  readonly maxFormBytes: number
  readonly maxUploadBytes: number
  readonly presignTtlSeconds: number
  readonly bodyIdleTimeoutMs: number
  readonly deletedSessionDetail: 'notFound' | 'finish'
  readonly log: (line: string) => void
}

/** Validates once; nothing after this reads raw options. Throws `TypeError` on a bad value. */
export function normalizeEmulatorOptions(options: EmulatorOptions = {}): NormalizedEmulatorOptions {
  // The emulator's bad-option error is a TypeError, like every check below.
  requireKnownKeys(options, 'startEmulator(options)', EMULATOR_OPTION_KEYS, { errorType: TypeError })
  const port = options.port ?? EMULATOR_DEFAULTS.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer within 0..65535')
  const taskDelayMs = nonNegative('taskDelayMs', options.taskDelayMs ?? EMULATOR_DEFAULTS.taskDelayMs)
  const apiKeys = options.apiKeys ?? []
  for (const key of apiKeys) {
    if (typeof key !== 'string' || key.length === 0 || /\s/.test(key)) throw new TypeError('apiKeys must be non-empty strings without spaces')
  }
  const deletedSessionDetail = options.deletedSessionDetail ?? EMULATOR_DEFAULTS.deletedSessionDetail
  if (deletedSessionDetail !== 'notFound' && deletedSessionDetail !== 'finish')
    throw new TypeError("deletedSessionDetail must be 'notFound' or 'finish'")
  return {
    port,
    host: options.host ?? EMULATOR_DEFAULTS.host,
    dataDir: resolve(options.dataDir ?? EMULATOR_DEFAULTS.dataDir),
    apiKeys: [...apiKeys],
    taskDelayMs,
    bytesPerSecond: nonNegative('bytesPerSecond', options.bytesPerSecond ?? EMULATOR_DEFAULTS.bytesPerSecond),
    clearDelayMs: nonNegative('clearDelayMs', options.clearDelayMs ?? taskDelayMs),
    faults: normalizeFaults(options.faults),
    maxFormBytes: positive('maxFormBytes', options.maxFormBytes ?? EMULATOR_DEFAULTS.maxFormBytes),
    maxUploadBytes: positive('maxUploadBytes', options.maxUploadBytes ?? EMULATOR_DEFAULTS.maxUploadBytes),
    presignTtlSeconds: positive('presignTtlSeconds', options.presignTtlSeconds ?? EMULATOR_DEFAULTS.presignTtlSeconds),
    bodyIdleTimeoutMs: timerDelay('bodyIdleTimeoutMs', options.bodyIdleTimeoutMs ?? EMULATOR_DEFAULTS.bodyIdleTimeoutMs),
    deletedSessionDetail,
    log: options.log ?? (() => undefined),
  }
}

/** A fresh development key, shaped like the service's `ak-…` keys. */
export const generateApiKey = (): string => `ak-dev-${randomBytes(16).toString('hex')}`

const nonNegative = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`)
  return value
}

const positive = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`)
  return value
}

/** Node fires a timer longer than 2^31-1 ms after 1 ms instead: refuse such a delay rather than time out at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

const timerDelay = (name: string, value: number): number => {
  if (positive(name, value) > MAX_TIMER_DELAY_MS) throw new TypeError(`${name} must be at most ${MAX_TIMER_DELAY_MS} ms`)
  return value
}
