import { describeChoice, describeType, describeValue, requireKnownKeys, requireOptions, requireText, requirePositiveInteger, type KnownKeys } from '../shared/arguments.js'
import { requireDelay } from '../shared/duration.js'
import { ValidationError } from '../shared/errors/validation-error.js'
import { SYNC_MODES, isSyncMode, type SyncMode } from '../wire/protocol.js'
import { adaptiveSchedule, type PollSchedule } from '../rpc/poll-schedule.js'

/** Options of `session.context.sync()`. Defaults follow the reference (protocol §5.2). */
export interface SyncOptions {
  /** With `path`: sync one mounted context; both or neither. */
  readonly contextId?: string
  readonly path?: string
  /** `upload` (session → storage) or `download` (storage → session). Omitted: the server's default. */
  readonly mode?: SyncMode
  /**
   * Poll budget, as in the reference: at most this many polls, and a wall-clock deadline of
   * `maxRetries × retryInterval` ms from subscribe (requests in flight included; when it passes,
   * the request in flight is aborted and the sync ends as timed out). Default 150. A budget of
   * 0 ms (`retryInterval: 0`) sets no deadline: only the poll count bounds it.
   */
  readonly maxRetries?: number
  /**
   * The reference's fixed delay between polls in ms (at most 2^31−1, a single timer); the budget
   * and the default schedule derive from it. Default 1500.
   */
  readonly retryInterval?: number
  /** Poll timing. Default `adaptiveSchedule({ retryInterval })`; `fixedSchedule(retryInterval)` is the reference's. */
  readonly schedule?: PollSchedule
  /**
   * How long after the trigger a task of this sync may take to appear. With contexts mounted and no
   * task seen by then, the sync ends as unconfirmed (`SyncUnconfirmedError`; never success). Until
   * then, a task that looks exactly like one finished before the trigger is taken for the earlier
   * sync's; after it, such a task counts as this sync's (task times have one-second resolution).
   * Default 3000.
   */
  readonly noTaskGraceMs?: number
}

export interface NormalizedSyncOptions {
  readonly contextId: string | undefined
  readonly path: string | undefined
  readonly mode: SyncMode | undefined
  readonly maxRetries: number
  readonly retryInterval: number
  readonly schedule: PollSchedule
  /** `maxRetries × retryInterval`: the wall-clock deadline, from subscribe (0: none). */
  readonly budgetMs: number
  readonly noTaskGraceMs: number
}

/** How a sync polls, without its scope: the `sync` option of `delete` and of `files.upload`/`download`. */
export type SyncTimingOptions = Omit<SyncOptions, 'contextId' | 'path' | 'mode'>

/** The keys of `SyncTimingOptions` and of `SyncOptions` (complete at compile time, issue 12). */
const SYNC_TIMING_KEYS = { maxRetries: true, retryInterval: true, schedule: true, noTaskGraceMs: true } as const satisfies KnownKeys<SyncTimingOptions>
export const SYNC_OPTION_KEYS = { contextId: true, path: true, mode: true, ...SYNC_TIMING_KEYS } as const satisfies KnownKeys<SyncOptions>

export const SYNC_DEFAULTS = { maxRetries: 150, retryInterval: 1500, noTaskGraceMs: 3000 } as const

/**
 * The `sync` option of a call that syncs later (`session.delete`, `files.upload`/`download`): its
 * keys, and its values by the rule the sync itself applies (`normalizeSyncOptions`), checked up front
 * so a bad value is refused before any request — also when that sync never runs (`session.delete`
 * without `syncContext`). Returns the options (`{}` when omitted).
 */
export function requireSyncTimingOptions(sync: SyncTimingOptions | undefined, call: string): SyncTimingOptions {
  const checked = requireOptions(sync, call, 'sync: { maxRetries, retryInterval, schedule, noTaskGraceMs }', SYNC_TIMING_KEYS)
  normalizeSyncOptions(checked)
  return checked
}

/** The call form the positional-argument errors point to. */
export const SYNC_FORM = 'sync({ contextId, path, mode })'

/**
 * Refuses anything but one options object (or nothing): the official SDK's positional form
 * `sync(contextId, path, mode)` would otherwise silently sync everything (issue 9).
 */
export function requireOptionsObject(value: unknown, argumentCount: number, method: string, form: string, keys: Readonly<Record<string, true>>): void {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  if ((value !== undefined && !isObject) || argumentCount > 1) {
    throw new ValidationError(`${method}() takes one options object: ${form}; got ${argumentCount} argument(s), the first ${describe(value)}`)
  }
  if (isObject) requireKnownKeys(value, `session.context.${method}(options)`, keys, { use: `session.context.${form}` })
}

// A string goes through describeValue: quoted only when too short to be a key passed by mistake.
const describe = (value: unknown): string => {
  if (typeof value !== 'string') return value === null || Array.isArray(value) ? describeType(value) : `a ${typeof value}`
  const shown = describeValue(value)
  return shown.startsWith('"') ? `the string ${shown}` : shown
}

/**
 * The scope of a sync (`mode`) or of an `info()` filter (`taskType`): each of `contextId` and
 * `path` absent or a non-empty string, the direction absent or `upload`/`download`, named as the
 * caller's option. One check, so both entry points refuse the same values with the same messages.
 */
export function requireSyncScope(contextId: unknown, path: unknown, direction: unknown, directionOption: 'mode' | 'taskType'): void {
  if (contextId !== undefined) requireText(contextId, 'contextId')
  if (path !== undefined) requireText(path, 'path')
  if (direction !== undefined && !isSyncMode(direction)) {
    throw new ValidationError(`${directionOption} must be 'upload' or 'download', got ${describeChoice(direction, SYNC_MODES)}`)
  }
}

/**
 * Validates and fills the values of sync options; throws `ValidationError` (call it inside
 * subscribe). The caller has checked that `options` is one object of known keys
 * (`requireOptionsObject` or `requireOptions`): each entry point checks that once, with its own
 * call form and keys.
 */
export function normalizeSyncOptions(options: SyncOptions = {}): NormalizedSyncOptions {
  const { contextId, path, mode } = options
  if ((contextId === undefined) !== (path === undefined)) {
    throw new ValidationError('contextId and path must be given together or not at all')
  }
  requireSyncScope(contextId, path, mode, 'mode')
  const maxRetries = options.maxRetries ?? SYNC_DEFAULTS.maxRetries
  const retryInterval = options.retryInterval ?? SYNC_DEFAULTS.retryInterval
  const noTaskGraceMs = options.noTaskGraceMs ?? SYNC_DEFAULTS.noTaskGraceMs
  requirePositiveInteger(maxRetries, 'maxRetries')
  requireDelay(retryInterval, 'retryInterval')
  requireDelay(noTaskGraceMs, 'noTaskGraceMs')
  if (options.schedule !== undefined && typeof options.schedule !== 'function') {
    throw new ValidationError('schedule must be a function (pollIndex) => delay in ms')
  }
  return {
    contextId,
    path,
    mode,
    maxRetries,
    retryInterval,
    schedule: options.schedule ?? defaultSchedule(retryInterval),
    budgetMs: maxRetries * retryInterval,
    noTaskGraceMs,
  }
}

/**
 * The default schedule is pure, so syncs with the same `retryInterval` share one (a thousand
 * concurrent syncs need not hold a thousand copies, issue 13 goal 4). It holds no client's data.
 */
let lastDefault: { readonly retryInterval: number; readonly schedule: PollSchedule } | undefined
function defaultSchedule(retryInterval: number): PollSchedule {
  if (lastDefault?.retryInterval !== retryInterval) lastDefault = { retryInterval, schedule: adaptiveSchedule({ retryInterval }) }
  return lastDefault.schedule
}
