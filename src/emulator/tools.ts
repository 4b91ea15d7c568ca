import { appendFile, readdir, readFile, rm, stat } from 'node:fs/promises'
import { writeFileAtomic } from './fs-ops.js'
import { RpcFailure } from './errors.js'
import { displayPath, ensureDirInside, lstatOrUndefined, resolveInside, toAbsoluteSegments, type SafeSegments } from './paths.js'

/** MCP tool result (CallMcpTool `Data`): text content plus `isError`. */
export interface ToolResult {
  readonly text: string
  readonly isError: boolean
}

/** Where a session's tools operate. */
export interface ToolEnvironment {
  readonly sandboxRoot: string
  readonly tmpDir: string
}

/** Names of the session file tools the emulator implements. */
export const FILE_TOOLS = ['read_file', 'write_file', 'list_directory', 'delete_file', 'create_directory'] as const
export type FileToolName = (typeof FILE_TOOLS)[number]

const MAX_READ_BYTES = 16 * 1024 * 1024

/**
 * Runs one session file tool. Tool-level problems (missing file, bad argument, unknown tool)
 * come back as `isError: true` with `Success` still true, like an MCP server; a path that tries to
 * leave the sandbox is a request error instead (`RpcFailure`, HTTP 400), because it is an attack,
 * not a tool outcome.
 */
export async function callFileTool(name: string, args: unknown, env: ToolEnvironment): Promise<ToolResult> {
  if (!(FILE_TOOLS as readonly string[]).includes(name)) return failure(`Unknown tool: ${name}`)
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return failure('Args must be a JSON object')
  const input = args as Record<string, unknown>
  const rawPath = input['path']
  if (typeof rawPath !== 'string' || rawPath === '') return failure('path must be a non-empty string')
  const segments = toAbsoluteSegments(rawPath, 'path')
  try {
    return await TOOLS[name as FileToolName](segments, input, env)
  } catch (error) {
    if (error instanceof RpcFailure) throw error
    return failure(describeFsError(error, displayPath(segments)))
  }
}

// ---- tools -------------------------------------------------------------------------------------

type Tool = (segments: SafeSegments, input: Record<string, unknown>, env: ToolEnvironment) => Promise<ToolResult>

const TOOLS: Record<FileToolName, Tool> = {
  async read_file(segments, input, env) {
    const encoding = encodingOf(input)
    if (encoding === undefined) return failure("encoding must be 'utf8' or 'base64'")
    const file = await resolveInside(env.sandboxRoot, segments, 'path')
    const info = await stat(file)
    if (!info.isFile()) return failure(`${displayPath(segments)} is not a file`)
    if (info.size > MAX_READ_BYTES) return failure(`${displayPath(segments)} is larger than ${MAX_READ_BYTES} bytes`)
    const bytes = await readFile(file)
    return ok(encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8'))
  },

  async write_file(segments, input, env) {
    const encoding = encodingOf(input)
    const mode = input['mode'] ?? 'overwrite'
    const content = input['content']
    if (encoding === undefined) return failure("encoding must be 'utf8' or 'base64'")
    if (mode !== 'overwrite' && mode !== 'append') return failure("mode must be 'overwrite' or 'append'")
    if (typeof content !== 'string') return failure('content must be a string')
    if (segments.length === 0) return failure('path must name a file')
    const bytes = Buffer.from(content, encoding)
    await ensureDirInside(env.sandboxRoot, segments.slice(0, -1), 'path')
    const file = await resolveInside(env.sandboxRoot, segments, 'path')
    if (mode === 'append') await appendFile(file, bytes)
    else await writeFileAtomic(env.tmpDir, file, bytes)
    return ok(`Successfully wrote ${bytes.length} bytes to ${displayPath(segments)}`)
  },

  async list_directory(segments, _input, env) {
    const dir = await resolveInside(env.sandboxRoot, segments, 'path')
    const entries = await readdir(dir, { withFileTypes: true })
    const lines = entries
      .filter((entry) => entry.isDirectory() || entry.isFile())
      .map((entry) => `${entry.isDirectory() ? '[DIR]' : '[FILE]'} ${entry.name}`)
      .sort()
    return ok(lines.join('\n'))
  },

  async delete_file(segments, _input, env) {
    if (segments.length === 0) return failure('cannot delete the root directory')
    const file = await resolveInside(env.sandboxRoot, segments, 'path')
    const info = await lstatOrUndefined(file)
    if (info === undefined) return failure(`${displayPath(segments)}: no such file or directory`)
    if (info.isDirectory()) return failure(`${displayPath(segments)} is a directory`)
    await rm(file)
    return ok(`Successfully deleted ${displayPath(segments)}`)
  },

  async create_directory(segments, _input, env) {
    await ensureDirInside(env.sandboxRoot, segments, 'path')
    return ok(`Successfully created directory ${displayPath(segments)}`)
  },
}

// ---- internals ---------------------------------------------------------------------------------

const ok = (text: string): ToolResult => ({ text, isError: false })
const failure = (text: string): ToolResult => ({ text, isError: true })

const encodingOf = (input: Record<string, unknown>): BufferEncoding | undefined => {
  const encoding = input['encoding'] ?? 'utf8'
  if (encoding === 'utf8' || encoding === 'utf-8') return 'utf8'
  return encoding === 'base64' ? 'base64' : undefined
}

/** Node's messages contain host paths; say what happened in sandbox terms instead. */
const describeFsError = (error: unknown, path: string): string => {
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
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`
    default:
      return `${path}: operation failed`
  }
}
