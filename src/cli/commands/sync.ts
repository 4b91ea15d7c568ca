import { finalize, tap, type Observable } from 'rxjs'
import { adaptiveSchedule } from '../../rpc/poll-schedule.js'
import { toSyncResult } from '../../sync/sync-result.js'
import type { ContextSyncResult, SyncTaskStatus } from '../../sync/types.js'
import type { SyncOptions } from '../../sync/sync-options.js'
import type { SyncMode } from '../../wire/protocol.js'
import { lastValueUntilAborted } from '../abort.js'
import type { CommandContext } from '../command-context.js'
import { OutcomeError, UsageError } from '../exit.js'
import type { Output } from '../output.js'
import { formatDuration } from '../render/format.js'
import { createTaskProgress, taskLabel, type TaskProgressOptions } from '../render/task-progress.js'

/** Options of `agentbay-rx sync`. */
export interface SyncCommandOptions {
  readonly session: string
  readonly context?: string
  readonly path?: string
  readonly mode?: SyncMode
  /** Seconds to wait for the tasks; the SDK's default budget (≈ 225 s) otherwise. */
  readonly timeout?: number
}

/** The interval the CLI's poll timing derives from (the reference's 1.5 s, protocol §5.2). */
const RETRY_INTERVAL_MS = 1500
/** Below the shortest gap between that schedule's polls (`adaptiveSchedule`: 300 ms), so the count never binds before the deadline. */
const MIN_POLL_DELAY_MS = 100

/**
 * `agentbay-rx sync --session ID [--context ID --path P] [--mode upload|download] [--timeout S]`:
 * triggers the sync, shows each task live, and exits 1 when a task failed or time ran out.
 */
export async function syncCommand(ctx: CommandContext, options: SyncCommandOptions): Promise<void> {
  if ((options.context === undefined) !== (options.path === undefined)) {
    throw new UsageError('--context and --path must be given together')
  }
  const session = ctx.client().session(options.session)
  const syncOptions: SyncOptions = {
    ...(options.context === undefined ? {} : { contextId: options.context }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.timeout === undefined ? {} : budgetFor(options.timeout * 1000)),
  }
  const what = [options.mode ?? 'sync', options.context === undefined ? 'all mounted contexts' : `${options.context}:${options.path}`]
  ctx.out.line(`${ctx.out.color.bold('Syncing')} session ${options.session} (${what.join(', ')})`)
  const { result, elapsedMs } = await followSync(session.context.sync(syncOptions), ctx.out, ctx.signal)
  ctx.out.result({ ok: result.success, sessionId: options.session, mode: options.mode ?? null, elapsedMs, ...result }, () =>
    syncSummary(ctx.out, result, elapsedMs),
  )
  if (!result.success) throw new OutcomeError(`sync failed: ${result.errorMessage ?? 'unknown reason'}`)
}

/**
 * `--timeout` as the SDK's budget: `maxRetries × retryInterval` is exactly the timeout, which the
 * SDK enforces as a wall-clock deadline (requests in flight included), so `--timeout 10` ends in
 * about 10 s. Polls are scheduled lazily, so a huge timeout costs no memory (issue 9).
 */
export function budgetFor(timeoutMs: number): Required<Pick<SyncOptions, 'retryInterval' | 'maxRetries' | 'schedule'>> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a positive number of seconds')
  // The default schedule's timing, and more polls than it can make in time: the deadline binds, not the count.
  const schedule = adaptiveSchedule({ retryInterval: RETRY_INTERVAL_MS })
  const maxRetries = Math.ceil(timeoutMs / MIN_POLL_DELAY_MS) + 1
  if (!Number.isSafeInteger(maxRetries)) throw new UsageError('--timeout is too large')
  return { retryInterval: timeoutMs / maxRetries, maxRetries, schedule }
}

/** Follows a sync stream with live progress; resolves to its result. Ctrl-C stops it (exit 130). */
export async function followSync(
  sync$: Observable<SyncTaskStatus>,
  out: Output,
  signal: AbortSignal,
  options: TaskProgressOptions = {},
): Promise<{ readonly result: ContextSyncResult; readonly elapsedMs: number }> {
  const started = Date.now()
  const progress = createTaskProgress(out, options)
  const result = await lastValueUntilAborted(
    sync$.pipe(
      tap((task) => progress.update(task)),
      finalize(() => progress.stop()),
      toSyncResult(),
    ),
    signal,
  )
  return { result, elapsedMs: Date.now() - started }
}

/** Human lines after a sync. */
export function syncSummary(out: Output, result: ContextSyncResult, elapsedMs: number): string[] {
  const { color } = out
  const request = result.requestId ? color.dim(` (requestId ${result.requestId})`) : ''
  if (result.unconfirmed === true) return [`${color.red('✖')} sync unconfirmed after ${formatDuration(elapsedMs)}: ${result.errorMessage ?? 'no sync task appeared'}${request}`]
  if (result.success && result.tasks.length === 0) return [`${color.green('✔')} nothing to sync: no context is mounted in scope${request}`]
  if (result.success) {
    return [`${color.green('✔')} ${result.tasks.length} task(s) succeeded in ${formatDuration(elapsedMs)}${request}`]
  }
  const lines = [`${color.red('✖')} sync ${result.timedOut ? 'timed out' : 'failed'} after ${formatDuration(elapsedMs)}${request}`]
  for (const task of result.tasks) lines.push(`  ${taskLabel(task)}  ${task.status}${task.errorMessage ? `: ${task.errorMessage}` : ''}`)
  return lines
}
