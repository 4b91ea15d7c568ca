import { RpcFailure } from './errors.js'
import { displayPath, toAbsoluteSegments, type SafeSegments } from './paths.js'

/** MCP tool result (CallMcpTool `Data`): text content plus `isError`. */
export interface ToolResult {
  readonly text: string
  readonly isError: boolean
}

/** Where a session's tools operate. */
export interface ToolEnvironment {
  readonly sandboxRoot: string
  readonly tmpDir: string
  /** `get_file_change`: the session's watches (absent: the tool fails). */
  readonly changeWatches?: SessionWatches
}

/** A watched tree: entry path → signature (`dir`, or `file:<size>:<mtimeMs>`). */
export type Snapshot = ReadonlyMap<string, string>

/** One session's `get_file_change` watches. */
export interface SessionWatches {
  /** Records `now` as the tree seen at `path`; answers the one seen at the previous call (`undefined`: the first). */
  replace(path: string, now: Snapshot): Snapshot | undefined
}

/** A tool's parsed `Args` object. */
export type ToolInput = Readonly<Record<string, unknown>>

export type Tool = (input: ToolInput, env: ToolEnvironment) => Promise<ToolResult>

export const ok = (text: string): ToolResult => ({ text, isError: false })
export const failure = (text: string): ToolResult => ({ text, isError: true })

/**
 * A tool-level failure (bad argument, missing file): answered as `isError: true` with this
 * message, never as an HTTP error, like an MCP server.
 */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure'
}

// ---- arguments -----------------------------------------------------------------------------------

export function stringArg(input: ToolInput, name: string): string {
  const value = input[name]
  if (typeof value !== 'string') throw new ToolFailure(`${name} must be a string`)
  return value
}

/**
 * An absolute sandbox path argument. A path that tries to leave the sandbox (`..`, NUL) is an
 * `RpcFailure` (HTTP 400), because it is an attack, not a tool outcome.
 */
export function pathArg(input: ToolInput, name: string): SafeSegments {
  const raw = input[name]
  if (typeof raw !== 'string' || raw === '') throw new ToolFailure(`${name} must be a non-empty string`)
  return toAbsoluteSegments(raw, name)
}

/** A non-negative integer argument (JSON number, or a decimal string as loosely typed clients send). */
export function byteCountArg(input: ToolInput, name: string, fallback: number): number {
  const raw = input[name]
  if (raw === undefined || raw === null) return fallback
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ToolFailure(`${name} must be a non-negative integer`)
  return value
}

// ---- file-system errors --------------------------------------------------------------------------

/** Runs `operation`, turning file-system errors about `segments` into a `ToolFailure` in sandbox terms. */
export async function onPath<T>(segments: SafeSegments, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (error instanceof RpcFailure || error instanceof ToolFailure) throw error
    throw new ToolFailure(describeFsError(error, displayPath(segments)))
  }
}

/** Node's messages contain host paths; say what happened in sandbox terms instead. */
export const describeFsError = (error: unknown, path: string): string => {
  const code = (error as { code?: unknown }).code
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file or directory`
    case 'ENOTDIR':
      return `${path}: not a directory`
    case 'EISDIR':
      return `${path}: is a directory`
    case 'EEXIST':
      return `${path}: already exists`
    case 'ENOTEMPTY':
      return `${path}: directory not empty`
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`
    default:
      return `${path}: operation failed`
  }
}
