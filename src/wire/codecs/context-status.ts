import * as t from 'io-ts'
import { SYNC_MODES, TASK_STATUS } from '../protocol.js'
import { JsonFromString } from './json-from-string.js'

/** An integer (epoch seconds), without io-ts's `Int` brand so callers can build tasks from plain numbers. */
export const EpochSeconds = /*#__PURE__*/ new t.Type<number, number, unknown>(
  'EpochSeconds',
  (u): u is number => typeof u === 'number' && Number.isInteger(u),
  (u, c) => (typeof u === 'number' && Number.isInteger(u) ? t.success(u) : t.failure(u, c, 'expected integer epoch seconds')),
  t.identity,
)

/**
 * A string that must be exactly one of `values` (case-sensitive). Typed `string`, so callers can
 * still build tasks from plain strings; decoding anything else fails with its path.
 */
const exactlyOneOf = (name: string, values: readonly string[]): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && values.includes(u),
    (u, c) =>
      typeof u === 'string' && values.includes(u)
        ? t.success(u)
        : t.failure(u, c, `expected one of ${values.map((value) => JSON.stringify(value)).join(', ')}, got ${JSON.stringify(u)}`),
    t.identity,
  )

/** protocol §4: `taskType` is `upload` or `download`, lowercase; anything else is not a sync task we understand. */
export const TaskType = /*#__PURE__*/ exactlyOneOf('TaskType', SYNC_MODES)
/**
 * protocol §4: `Success`/`Failed` are terminal (exact case); `Pending`/`Running` are in progress.
 * Any other value is a decode failure: reading an unknown state as "in progress" or "done" could
 * only guess (issue 9).
 */
export const TaskStatus = /*#__PURE__*/ exactlyOneOf('TaskStatus', Object.values(TASK_STATUS))

/** One sync task as reported inside `ContextStatus` (protocol §4, camelCase). */
export const ContextStatusData = /*#__PURE__*/ t.type(
  {
    contextId: t.string,
    path: t.string,
    taskType: TaskType,
    status: TaskStatus,
    errorMessage: t.string,
    startTime: EpochSeconds,
    finishTime: EpochSeconds,
  },
  'ContextStatusData',
)
export type ContextStatusData = t.TypeOf<typeof ContextStatusData>

/**
 * Layer 2: `{type, data}` envelopes; only `type: "data"` items carry tasks. `data` is checked only
 * for those (protocol §4: other items, e.g. `log`, are ignored whatever they hold).
 */
export const ContextStatusEnvelopeItem = /*#__PURE__*/ t.type(
  { type: t.string, data: t.unknown },
  'ContextStatusEnvelopeItem',
)

const TaskListFromString = /*#__PURE__*/ JsonFromString.pipe(t.array(ContextStatusData), 'TaskListFromString')
const EnvelopeListFromString = /*#__PURE__*/ JsonFromString.pipe(
  t.array(ContextStatusEnvelopeItem),
  'EnvelopeListFromString',
)

/**
 * `Data.ContextStatus`: three layers of JSON (protocol §4) decoded to a flat task list.
 * Empty or absent means no tasks; any layer that fails to parse is a decode failure
 * (protocol §7.1: never read garbage as "no tasks, success").
 */
export const ContextStatusFromString = /*#__PURE__*/ new t.Type<ContextStatusData[], string, unknown>(
  'ContextStatusFromString',
  (u): u is ContextStatusData[] => t.array(ContextStatusData).is(u),
  (u, c) => {
    if (u === undefined || u === null || u === '') return t.success([])
    const envelopes = EnvelopeListFromString.validate(u, c)
    if (envelopes._tag === 'Left') return envelopes
    const tasks: ContextStatusData[] = []
    for (const [index, item] of envelopes.right.entries()) {
      if (item.type !== 'data') continue
      const itemContext = t.appendContext(c, String(index), EnvelopeListFromString)
      const decoded = TaskListFromString.validate(item.data, t.appendContext(itemContext, 'data', TaskListFromString))
      if (decoded._tag === 'Left') return decoded
      tasks.push(...decoded.right)
    }
    return t.success(tasks)
  },
  (tasks) => JSON.stringify(tasks.length === 0 ? [] : [{ type: 'data', data: JSON.stringify(tasks) }]),
)

/** Exactly the seven wire fields of a task, dropping anything else a caller attached (e.g. `requestId`). */
export const pickContextStatusData = (task: ContextStatusData): ContextStatusData => ({
  contextId: task.contextId,
  path: task.path,
  taskType: task.taskType,
  status: task.status,
  errorMessage: task.errorMessage,
  startTime: task.startTime,
  finishTime: task.finishTime,
})
