import { ContextStatusData, ContextStatusFromString } from './context-status.js'
import { decodeOrThrow } from './decode.js'

/**
 * `ContextStatusData.fromDict` of the reference SDKs, strict: one task object → a typed task,
 * or a `DecodeError` naming the field that failed.
 *
 * @example
 * decodeContextStatusData({ contextId: 'c', path: '/p', taskType: 'upload', status: 'Success',
 *   errorMessage: '', startTime: 1, finishTime: 2 })
 */
export const decodeContextStatusData = (value: unknown): ContextStatusData =>
  decodeOrThrow(ContextStatusData, value, { body: safeJson(value) })

/** A whole `Data.ContextStatus` string (three JSON layers, protocol §4) → tasks, or a `DecodeError`. */
export const decodeContextStatus = (value: unknown): ContextStatusData[] =>
  decodeOrThrow(ContextStatusFromString, value, { body: typeof value === 'string' ? value : safeJson(value) })

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
