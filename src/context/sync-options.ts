import { ValidationError } from '../errors/validation-error.js'
import { isSyncMode, type SyncMode } from '../wire/protocol.js'
import { adaptiveSchedule, type PollSchedule } from './poll-schedule.js'

/** Options of `session.context.sync()`. Defaults follow the reference (protocol §5.2). */
export interface SyncOptions {
  /** With `path`: sync one mounted context; both or neither. */
  readonly contextId?: string
  readonly path?: string
  /** `upload` (session → storage) or `download` (storage → session). Omitted: the server's default. */
  readonly mode?: SyncMode
  /**
   * Poll budget, as in the reference: at most this many polls, and at most
   * `maxRetries × retryInterval` ms of waiting. Default 150.
   */
  readonly maxRetries?: number
  /** The reference's fixed delay between polls in ms; the budget and the default schedule derive from it. Default 1500. */
  readonly retryInterval?: number
  /** Poll timing. Default `adaptiveSchedule({ retryInterval })`; `fixedSchedule(retryInterval)` is the reference's. */
  readonly schedule?: PollSchedule
  /** Complete with nothing emitted if no task of this sync shows up within this many ms. Default 3000. */
  readonly noTaskGraceMs?: number
}

export interface NormalizedSyncOptions {
  readonly contextId: string | undefined
  readonly path: string | undefined
  readonly mode: SyncMode | undefined
  readonly maxRetries: number
  readonly retryInterval: number
  readonly schedule: PollSchedule
  /** `maxRetries × retryInterval`: the wall-clock budget the reference's loop would have. */
  readonly budgetMs: number
  readonly noTaskGraceMs: number
}

export const SYNC_DEFAULTS = { maxRetries: 150, retryInterval: 1500, noTaskGraceMs: 3000 } as const

/** Validates and fills sync options; throws `ValidationError` (call it inside subscribe). */
export function normalizeSyncOptions(options: SyncOptions = {}): NormalizedSyncOptions {
  const { contextId, path, mode } = options
  if ((contextId === undefined) !== (path === undefined)) {
    throw new ValidationError('contextId and path must be given together or not at all')
  }
  if (contextId !== undefined && contextId.trim() === '') throw new ValidationError('contextId must not be empty')
  if (path !== undefined && path.trim() === '') throw new ValidationError('path must not be empty')
  if (mode !== undefined && !isSyncMode(mode)) {
    throw new ValidationError(`mode must be 'upload' or 'download', got ${JSON.stringify(mode)}`)
  }
  const maxRetries = options.maxRetries ?? SYNC_DEFAULTS.maxRetries
  const retryInterval = options.retryInterval ?? SYNC_DEFAULTS.retryInterval
  const noTaskGraceMs = options.noTaskGraceMs ?? SYNC_DEFAULTS.noTaskGraceMs
  if (!Number.isInteger(maxRetries) || maxRetries < 1) {
    throw new ValidationError(`maxRetries must be an integer ≥ 1, got ${String(maxRetries)}`)
  }
  if (!Number.isFinite(retryInterval) || retryInterval < 0) {
    throw new ValidationError(`retryInterval must be a number of ms ≥ 0, got ${String(retryInterval)}`)
  }
  if (!Number.isFinite(noTaskGraceMs) || noTaskGraceMs < 0) {
    throw new ValidationError(`noTaskGraceMs must be a number of ms ≥ 0, got ${String(noTaskGraceMs)}`)
  }
  return {
    contextId,
    path,
    mode,
    maxRetries,
    retryInterval,
    schedule: options.schedule ?? adaptiveSchedule({ retryInterval }),
    budgetMs: maxRetries * retryInterval,
    noTaskGraceMs,
  }
}
