import cliProgress from 'cli-progress'
import { INITIAL_WATCH_STATE, mountKey, nextState, type WatchState } from '../../wire/task-model.js'
import type { ContextStatusData } from '../../sync/types.js'
import { TASK_STATUS, isTerminalStatus } from '../../wire/protocol.js'
import type { Colors, Output } from '../output.js'
import { formatDuration, widthOf } from './format.js'

/** Live view of sync tasks: bars and spinners on a terminal, one plain line per change elsewhere. */
export interface TaskProgress {
  /** A task's latest state (from `sync()` or a poll). */
  update(task: ContextStatusData): void
  /** Stops drawing and restores the cursor. Idempotent; call it on completion, error and abort. */
  stop(): void
}

/** Options of `createTaskProgress`. */
export interface TaskProgressOptions {
  /** Clock for elapsed times (tests). Default `Date.now`. */
  readonly now?: () => number
  /** Indent of each line. Default two spaces. */
  readonly indent?: string
}

/** Picks the renderer: live bars when `out.interactive`, plain lines otherwise, nothing for `--json`. */
export function createTaskProgress(out: Output, options: TaskProgressOptions = {}): TaskProgress {
  if (out.json) return { update: () => undefined, stop: () => undefined }
  return out.interactive ? liveProgress(out, options) : lineProgress(out, options)
}

/** `upload  SdkCtx-1:/home/wuying/data`: how a task is named everywhere in the CLI. */
export const taskLabel = (task: ContextStatusData): string => `${task.taskType.padEnd(8)} ${task.contextId}:${task.path}`

/** A status word, coloured by meaning. */
export function paintStatus(color: Colors, status: string): string {
  switch (status) {
    case TASK_STATUS.success:
      return color.green(status)
    case TASK_STATUS.failed:
      return color.red(status)
    case TASK_STATUS.pending:
      return color.dim(status || 'Pending')
    default:
      return color.yellow(status || '(no status)')
  }
}

// ---- plain lines -------------------------------------------------------------------------------

function lineProgress(out: Output, options: TaskProgressOptions): TaskProgress {
  const now = options.now ?? Date.now
  const indent = options.indent ?? '  '
  const started = now()
  let tasks: WatchState = INITIAL_WATCH_STATE
  return {
    update(task) {
      // The watch's own reducer: a line only for a task that is new or whose state changed.
      tasks = nextState(tasks, [task])
      if (tasks.changed.length === 0) return
      const reason = task.errorMessage ? ` (${task.errorMessage})` : ''
      out.line(`${indent}${out.color.dim(`[${formatDuration(now() - started).padStart(6)}]`)} ${taskLabel(task)}  ${paintStatus(out.color, task.status)}${reason}`)
    },
    stop: () => undefined,
  }
}

// ---- live bars ---------------------------------------------------------------------------------

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const BAR_WIDTH = 24
/** Pending → Running → done, as bar steps: the service reports phases, not bytes (protocol §4). */
const stepOf = (status: string): number => (isTerminalStatus(status) ? 2 : status === TASK_STATUS.pending || status === '' ? 0 : 1)

interface BarState {
  readonly bar: cliProgress.SingleBar
  task: ContextStatusData
  readonly firstSeen: number
  finishedAt: number | undefined
}

function liveProgress(out: Output, options: TaskProgressOptions): TaskProgress {
  const now = options.now ?? Date.now
  const indent = options.indent ?? '  '
  const color = out.color
  const bars = new Map<string, BarState>()
  let stopped = false

  /** `✔ ████████░░░░ Running   0.4s  upload   SdkCtx-1:/data`, the label cut to the terminal width. */
  const render = (state: BarState, fitTo: number | undefined): string => {
    const { task } = state
    const done = isTerminalStatus(task.status)
    const icon = done ? (task.status === TASK_STATUS.success ? color.green('✔') : color.red('✖')) : color.cyan(SPINNER[Math.floor(now() / 80) % SPINNER.length] ?? '')
    const filled = Math.round((stepOf(task.status) / 2) * BAR_WIDTH)
    const barColor = task.status === TASK_STATUS.failed ? color.red : color.green
    const bar = barColor('█'.repeat(filled)) + color.dim('░'.repeat(BAR_WIDTH - filled))
    const status = paintStatus(color, task.status) + ' '.repeat(Math.max(0, 8 - (task.status || '(no status)').length))
    const elapsed = color.dim(formatDuration((state.finishedAt ?? now()) - state.firstSeen).padStart(6))
    const head = `${indent}${icon} ${bar} ${status}${elapsed}  `
    const reason = task.errorMessage ? `  ${task.errorMessage}` : ''
    const tail = `${taskLabel(task)}${reason}`
    return head + (fitTo === undefined ? tail : truncate(tail, fitTo - widthOf(head) - 1))
  }

  const multibar = new cliProgress.MultiBar(
    {
      // cli-progress draws through readline cursor moves on this stream; we checked it is a TTY.
      stream: out.progressStream as NodeJS.WritableStream,
      hideCursor: true,
      // On stop the live bars are erased and `stop()` prints each task's final line as plain
      // output, so it wraps normally and stays in the scrollback.
      clearOnComplete: true,
      stopOnComplete: false,
      gracefulExit: false, // main.ts owns SIGINT
      fps: 12,
      format: (_options, _params, payload: { key: string }) => {
        const state = bars.get(payload.key)
        return state === undefined ? '' : render(state, out.progressStream.columns || 80)
      },
    },
    cliProgress.Presets.shades_classic,
  )

  return {
    update(task) {
      if (stopped) return
      const key = mountKey(task)
      const existing = bars.get(key)
      if (existing === undefined) {
        const state: BarState = { bar: multibar.create(2, stepOf(task.status), { key }), task, firstSeen: now(), finishedAt: undefined }
        if (isTerminalStatus(task.status)) state.finishedAt = state.firstSeen
        bars.set(key, state)
        return
      }
      existing.task = task
      if (isTerminalStatus(task.status) && existing.finishedAt === undefined) existing.finishedAt = now()
      existing.bar.update(stepOf(task.status), { key })
    },
    stop() {
      if (stopped) return
      stopped = true
      multibar.stop()
      for (const state of bars.values()) out.line(render(state, undefined))
    },
  }
}

/** Cuts plain text to `width` characters, marking the cut with `…`. */
const truncate = (text: string, width: number): string =>
  width <= 1 ? '' : text.length <= width ? text : `${text.slice(0, width - 1)}…`
