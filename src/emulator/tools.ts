import { RpcFailure } from './errors.js'
import { getFileChangeTool } from './file-changes.js'
import { getFileInfoTool, listDirectoryTool, readFileTool, readMultipleFilesTool, searchFilesTool } from './file-read-tools.js'
import { createDirectoryTool, deleteFileTool, editFileTool, moveFileTool, writeFileTool } from './file-write-tools.js'
import { failure, ToolFailure, type Tool, type ToolEnvironment, type ToolResult } from './tool-support.js'

export type { ToolEnvironment, ToolResult } from './tool-support.js'

/** Names of the session file tools the emulator implements (protocol §1.1: all the official file module calls). */
export const FILE_TOOLS = [
  'read_file',
  'write_file',
  'list_directory',
  'delete_file',
  'create_directory',
  'get_file_info',
  'move_file',
  'edit_file',
  'read_multiple_files',
  'search_files',
  'get_file_change',
] as const
export type FileToolName = (typeof FILE_TOOLS)[number]

/** Tools of the real service that need a real shell or interpreter (issue 11: out of scope). */
export const UNSUPPORTED_TOOLS = ['shell', 'run_code', 'execute_command', 'exec_command'] as const

const TOOLS: Record<FileToolName, Tool> = {
  read_file: readFileTool,
  write_file: writeFileTool,
  list_directory: listDirectoryTool,
  delete_file: deleteFileTool,
  create_directory: createDirectoryTool,
  get_file_info: getFileInfoTool,
  move_file: moveFileTool,
  edit_file: editFileTool,
  read_multiple_files: readMultipleFilesTool,
  search_files: searchFilesTool,
  get_file_change: getFileChangeTool,
}

const STRING = { type: 'string' } as const
const objectSchema = (properties: Record<string, object>, required: readonly string[]): object => ({ type: 'object', properties, required })

/** The JSON Schema of each tool's `Args`, as `ToolList` / `ListMcpTools` advertise it (the arguments the tools read). */
export const TOOL_INPUT_SCHEMAS: Record<FileToolName, object> = {
  read_file: objectSchema(
    { path: STRING, offset: { type: 'integer', minimum: 0 }, length: { type: 'integer', minimum: 0 }, format: { enum: ['text', 'binary'] } },
    ['path'],
  ),
  write_file: objectSchema({ path: STRING, content: STRING, mode: { enum: ['overwrite', 'append', 'create_new'] } }, ['path', 'content']),
  list_directory: objectSchema({ path: STRING }, ['path']),
  delete_file: objectSchema({ path: STRING }, ['path']),
  create_directory: objectSchema({ path: STRING }, ['path']),
  get_file_info: objectSchema({ path: STRING }, ['path']),
  move_file: objectSchema({ source: STRING, destination: STRING }, ['source', 'destination']),
  edit_file: objectSchema(
    {
      path: STRING,
      edits: { type: 'array', items: objectSchema({ oldText: STRING, newText: STRING }, ['oldText', 'newText']) },
      dryRun: { type: 'boolean' },
    },
    ['path', 'edits'],
  ),
  read_multiple_files: objectSchema({ paths: { type: 'array', items: STRING } }, ['paths']),
  search_files: objectSchema({ path: STRING, pattern: STRING, excludePatterns: { type: 'array', items: STRING } }, ['path', 'pattern']),
  get_file_change: objectSchema({ path: STRING }, ['path']),
}

/**
 * Runs one session tool. Tool-level problems (missing file, bad argument, unknown or unsupported
 * tool) come back as `isError: true` with `Success` still true, like an MCP server (protocol §0.3);
 * a path that tries to leave the sandbox is a request error instead (`RpcFailure`, HTTP 400),
 * because it is an attack, not a tool outcome.
 */
export async function callFileTool(name: string, args: unknown, env: ToolEnvironment): Promise<ToolResult> {
  if ((UNSUPPORTED_TOOLS as readonly string[]).includes(name))
    return failure(`Tool ${name} is not supported by the emulator: it has no real shell or code interpreter`)
  if (!Object.hasOwn(TOOLS, name)) return failure(`Unknown tool: ${name}`)
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return failure('Args must be a JSON object')
  try {
    return await TOOLS[name as FileToolName](args as Record<string, unknown>, env)
  } catch (error) {
    if (error instanceof RpcFailure) throw error
    if (error instanceof ToolFailure) return failure(error.message)
    return failure(`${name}: operation failed`)
  }
}
