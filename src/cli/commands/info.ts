import { asyncScheduler, takeWhile, tap } from 'rxjs'
import { poll } from '../../rpc/poll.js'
import { fixedSchedule } from '../../rpc/poll-schedule.js'
import { INITIAL_WATCH_STATE, nextState, type WatchState } from '../../wire/task-model.js'
import type { ContextInfoFilter, ContextStatusData } from '../../sync/types.js'
import { MAX_DELAY_MS } from '../../shared/duration.js'
import type { SyncMode } from '../../wire/protocol.js'
import { lastValueUntilAborted } from '../abort.js'
import type { CommandContext } from '../command-context.js'
import { InterruptedError, UsageError } from '../exit.js'
import type { Output } from '../output.js'
import { formatEpoch, table } from '../render/format.js'
import { paintStatus, taskLabel } from '../render/task-progress.js'

/** Options of `agentbay-rx info`. */
export interface InfoCommandOptions {
  readonly session: string
  readonly context?: string
  readonly path?: string
  readonly taskType?: SyncMode
  /** Re-poll every `interval` ms and print each change. */
  readonly watch?: boolean
  readonly interval?: number
  /** With `watch`: stop once every task is terminal (`Success`/`Failed`). */
  readonly untilDone?: boolean
}

/**
 * `agentbay-rx info --session ID [--context ID --path P] [--task-type T] [--watch [--interval MS] [--until-done]]`.
 *
 * Without `--watch`: one `GetContextInfo`, printed as a table. With `--watch`: polls every
 * `--interval` ms (default 1000) and prints a line per task change until Ctrl-C (exit 0), or, with
 * `--until-done`, until every task is terminal. Task states are data: `info` exits 0 whenever the
 * calls succeed, even if a task is `Failed` (use `sync` for a pass/fail exit code).
 */
export async function infoCommand(ctx: CommandContext, options: InfoCommandOptions): Promise<void> {
  if ((options.context === undefined) !== (options.path === undefined)) {
    throw new UsageError('--context and --path must be given together')
  }
  const filter: ContextInfoFilter = {
    ...(options.context === undefined ? {} : { contextId: options.context }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.taskType === undefined ? {} : { taskType: options.taskType }),
  }
  const manager = ctx.client().session(options.session).context
  if (options.watch !== true) {
    const info = await lastValueUntilAborted(manager.info(filter), ctx.signal)
    ctx.out.result({ ok: true, sessionId: options.session, ...info }, () => taskTable(ctx.out, info.contextStatusData))
    return
  }

  const interval = options.interval ?? 1000
  // One timer per wait: above 2^31−1 ms Node would fire it at once (issue 9).
  if (!Number.isFinite(interval) || interval < 100 || interval > MAX_DELAY_MS) {
    throw new UsageError(`--interval must be between 100 and ${MAX_DELAY_MS} (ms)`)
  }
  const started = Date.now()
  let tasks: WatchState = INITIAL_WATCH_STATE
  const changes: (ContextStatusData & { readonly atMs: number })[] = []
  let latest: readonly ContextStatusData[] = []
  let polls = 0
  ctx.out.line(ctx.out.color.dim(`Watching session ${options.session} every ${interval} ms (Ctrl-C to stop)`))
  // The shared poll operator: the next poll leaves `interval` ms after the previous one answered,
  // and a transient failure skips a poll, as in every other wait.
  const poll$ = poll({ request: () => manager.info(filter), schedule: fixedSchedule(interval), scheduler: asyncScheduler }).pipe(
    tap((info) => {
      polls++
      latest = info.contextStatusData
      // The watch's own reducer: the tasks that are new or changed since the previous poll.
      tasks = nextState(tasks, info.contextStatusData)
      for (const task of tasks.changed) {
        const atMs = Date.now() - started
        changes.push({ ...task, atMs })
        ctx.out.line(`  [${(atMs / 1000).toFixed(1).padStart(5)}s] ${taskLabel(task)}  ${paintStatus(ctx.out.color, task.status)}${task.errorMessage ? ` (${task.errorMessage})` : ''}`)
      }
    }),
  )
  const done = (): boolean => options.untilDone === true && tasks.done
  try {
    await lastValueUntilAborted(poll$.pipe(takeWhile(() => !done(), true)), ctx.signal)
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error // Ctrl-C is how a watch normally ends
  }
  ctx.out.result({ ok: true, sessionId: options.session, polls, changes, contextStatusData: latest }, () =>
    ctx.out.color.dim(`${polls} poll(s), ${changes.length} change(s)`),
  )
}

/** The tasks as an aligned table (or a note when there are none). */
export function taskTable(out: Output, tasks: readonly ContextStatusData[]): string[] {
  if (tasks.length === 0) return [out.color.dim('No sync tasks.')]
  return table(
    ['TYPE', 'CONTEXT', 'PATH', 'STATUS', 'STARTED', 'FINISHED', 'ERROR'],
    tasks.map((task) => [
      task.taskType,
      task.contextId,
      task.path,
      paintStatus(out.color, task.status),
      formatEpoch(task.startTime),
      formatEpoch(task.finishTime),
      task.errorMessage,
    ]),
  )
}
