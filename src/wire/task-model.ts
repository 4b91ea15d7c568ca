import type { ContextStatusData } from './codecs/context-status.js'
import { isTerminalStatus } from './protocol.js'

/**
 * The one task model (issue 10 item 3): what makes a task the same task, the same state, the same
 * mount, and the one reducer that folds tasks into the latest state per mount. The watch, the
 * sync result, the creation-time download wait, the CLI and the emulator all use these.
 */

/** The fields that name a mount and direction. */
type MountFields = Pick<ContextStatusData, 'contextId' | 'path' | 'taskType'>

/** The key of a mount and direction: `GetContextInfo` shows the latest task of each (protocol §3.12). */
export const mountKey = (task: MountFields): string => JSON.stringify([task.contextId, task.path, task.taskType])

/** One task: its mount and direction, and the second it started. */
export const taskIdentity = (task: ContextStatusData): string =>
  JSON.stringify([task.contextId, task.path, task.taskType, task.startTime])

/** What a subscriber cares about changing (issue 2: status, error message, finish time). */
export const taskState = (task: ContextStatusData): string =>
  JSON.stringify([task.status, task.errorMessage, task.finishTime])

/** Tasks folded by `nextState`. */
export interface WatchState<T extends ContextStatusData = ContextStatusData> {
  /** Last emitted state per task identity. */
  readonly emitted: ReadonlyMap<string, string>
  /** Latest task per mount and direction (a newer task of a mount supersedes the older one); a mount keeps its first place. */
  readonly latest: ReadonlyMap<string, T>
  /** The tasks of the last step that are new or changed. */
  readonly changed: readonly T[]
  /** The latest task of every mount seen is terminal (and one was seen). */
  readonly done: boolean
}

export const INITIAL_WATCH_STATE: WatchState<never> = { emitted: new Map<string, string>(), latest: new Map<string, never>(), changed: [], done: false }

/**
 * The one reducer: folds a step's tasks (one poll, or one task of a stream) into the state. Done
 * when the latest task of every mount seen so far is terminal: one finished mount never ends a
 * sync over several (issue 9).
 */
export function nextState<T extends ContextStatusData>(state: WatchState<T>, tasks: readonly T[]): WatchState<T> {
  const emitted = new Map(state.emitted)
  const latest = new Map(state.latest)
  const changed: T[] = []
  for (const task of tasks) {
    const identity = taskIdentity(task)
    const current = taskState(task)
    latest.set(mountKey(task), task)
    if (emitted.get(identity) !== current) {
      emitted.set(identity, current)
      changed.push(task)
    }
  }
  const done = latest.size > 0 && [...latest.values()].every((task) => isTerminalStatus(task.status))
  return { emitted, latest, changed, done }
}

/** The latest task of each mount, in the order the mounts first appeared. */
export const latestTasks = <T extends ContextStatusData>(state: WatchState<T>): T[] => [...state.latest.values()]
