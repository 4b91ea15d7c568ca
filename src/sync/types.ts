import type { ContextStatusData } from '../wire/codecs/context-status.js'
import type { AgentBayFailure } from '../shared/errors/index.js'
import type { SyncMode } from '../wire/protocol.js'

export type { ContextStatusData }

/** Filters of `GetContextInfo` (protocol §3.12). */
export interface ContextInfoFilter {
  readonly contextId?: string
  readonly path?: string
  readonly taskType?: SyncMode
}

/** The reference SDK's `info()` result shape. */
export interface ContextInfoResult {
  readonly requestId: string
  readonly success: boolean
  readonly contextStatusData: readonly ContextStatusData[]
  readonly errorMessage?: string
  /** The typed error, when `success` is false (Promise adapters only). */
  readonly error?: AgentBayFailure
}

/** A task update emitted by `sync()`: the task plus the `requestId` of the `SyncContext` call that started it. */
export interface SyncTaskStatus extends ContextStatusData {
  readonly requestId: string
}

/** The reference SDK's `sync()` result shape, plus what we know better: `timedOut` and the tasks. */
export interface ContextSyncResult {
  readonly requestId: string
  /** True only when every counted task ended `Success` and nothing timed out. */
  readonly success: boolean
  /** The poll budget ran out while a task was still in progress. */
  readonly timedOut: boolean
  /**
   * Contexts are mounted in the sync's scope but no task of this sync appeared before the budget
   * ended: the outcome is unknown, so `success` is false (issue 9). Absent otherwise.
   */
  readonly unconfirmed?: boolean
  /** The last known state of each task of this sync. */
  readonly tasks: readonly ContextStatusData[]
  readonly errorMessage?: string
  /** The typed error, when the sync failed remotely (Promise adapters only). */
  readonly error?: AgentBayFailure
}

/**
 * What the callback form of `syncAsync` resolves to: it only reports the trigger. `triggered: true`
 * means SyncContext was accepted, not that the sync succeeded; the callback reports that (issue 9).
 */
export type SyncTriggerResult =
  | { readonly requestId: string; readonly success: true; readonly triggered: true }
  | {
      readonly requestId: string
      readonly success: false
      readonly triggered: false
      readonly errorMessage: string
      readonly error: AgentBayFailure
    }
