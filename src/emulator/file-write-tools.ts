import { constants } from 'node:fs'
import { readFile, rename, rm } from 'node:fs/promises'
import { createFileExclusive, writeFileAtomic } from './fs-ops.js'
import { existing, openChecked, openRegularFile, MAX_READ_BYTES, refuseSpecialFile } from './file-read-tools.js'
import { displayPath, ensureDirInside, isWithin, prepareEntryInside, type SafeSegments } from './paths.js'
import { ok, onPath, pathArg, stringArg, ToolFailure, type Tool, type ToolInput } from './tool-support.js'

const WRITE_MODES = ['overwrite', 'append', 'create_new'] as const

/**
 * protocol §1.5: parent folders are created; `mode` (default `overwrite`, which Go omits) is
 * `overwrite` (atomic replace), `append`, or `create_new` (refused when the file exists). Text
 * content is written as UTF-8. `encoding:"base64"` writes the decoded bytes: an emulator extension
 * (the service takes text only, §1.5; agentbay-rx never sends it) kept so tests can seed binary files.
 */
export const writeFileTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  const content = stringArg(input, 'content')
  const mode = input['mode'] ?? 'overwrite'
  if (!(WRITE_MODES as readonly unknown[]).includes(mode)) throw new ToolFailure(`Invalid mode: ${String(mode)}. Must be one of ${WRITE_MODES.join(', ')}`)
  const encoding = input['encoding'] ?? 'utf8'
  if (encoding !== 'utf8' && encoding !== 'utf-8' && encoding !== 'base64') throw new ToolFailure("encoding must be 'utf8' or 'base64'")
  if (segments.length === 0) throw new ToolFailure('path must name a file')
  const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8')
  return onPath(segments, async () => {
    const { path: file, info } = await prepareEntryInside(env.sandboxRoot, segments, 'path')
    refuseSpecialFile(info, segments)
    if (mode === 'append') await appendToRegularFile(file, bytes, segments)
    else if (mode === 'create_new') await createFileExclusive(env.tmpDir, file, bytes)
    else await writeFileAtomic(env.tmpDir, file, bytes)
    return ok(`Successfully wrote ${bytes.length} bytes to ${displayPath(segments)}`)
  })
}

/** Appends to `file` (created if missing); `openChecked`, so a FIFO planted after the walk cannot hold the call. */
async function appendToRegularFile(file: string, bytes: Uint8Array, segments: SafeSegments): Promise<void> {
  const { handle } = await openChecked(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, segments, 0o666)
  try {
    await handle.writeFile(bytes)
  } finally {
    await handle.close()
  }
}

export const createDirectoryTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  return onPath(segments, async () => {
    await ensureDirInside(env.sandboxRoot, segments, 'path')
    return ok(`Successfully created directory ${displayPath(segments)}`)
  })
}

/**
 * Files only: any folder, empty or not, is refused (`isError`) and left as it is, as a
 * filesystem MCP server's file-deleting tool does; the SDKs' `deleteFile` names files.
 */
export const deleteFileTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  if (segments.length === 0) throw new ToolFailure('cannot delete the root directory')
  return onPath(segments, async () => {
    const { path: file, info } = await existing(env, segments)
    if (info.isDirectory()) throw new ToolFailure(`${displayPath(segments)} is a directory: delete_file removes files only`)
    await rm(file)
    return ok(`Successfully deleted ${displayPath(segments)}`)
  })
}

/**
 * A file or folder to a new path inside the sandbox; the destination's parent folders are
 * created, an existing destination is refused (never silently replaced).
 */
export const moveFileTool: Tool = async (input, env) => {
  const source = pathArg(input, 'source')
  const destination = pathArg(input, 'destination')
  if (source.length === 0 || destination.length === 0) throw new ToolFailure('cannot move the root directory')
  if (isWithin(destination, source)) throw new ToolFailure(`cannot move ${displayPath(source)} into itself`)
  const from = await onPath(source, async () => (await existing(env, source, 'source')).path)
  return onPath(destination, async () => {
    const to = await prepareEntryInside(env.sandboxRoot, destination, 'destination')
    if (to.info !== undefined) throw new ToolFailure(`${displayPath(destination)}: already exists`)
    await rename(from, to.path)
    return ok(`Successfully moved ${displayPath(source)} to ${displayPath(destination)}`)
  })
}

/**
 * protocol §1.9: each `{oldText, newText}` replaces the first exact occurrence, in order; any
 * edit that does not match fails the whole call and changes nothing. `dryRun` (Go: `dry_run`)
 * checks without writing.
 */
export const editFileTool: Tool = async (input, env) => {
  const segments = pathArg(input, 'path')
  const edits = editsOf(input)
  const dryRun = input['dryRun'] ?? input['dry_run'] ?? false
  if (typeof dryRun !== 'boolean') throw new ToolFailure('dryRun must be a boolean')
  return onPath(segments, async () => {
    const { path, handle, size } = await openRegularFile(env, segments)
    let text: string
    try {
      if (size > MAX_READ_BYTES) throw new ToolFailure(`${displayPath(segments)} is larger than ${MAX_READ_BYTES} bytes`)
      text = (await readFile(handle)).toString('utf8')
    } finally {
      await handle.close()
    }
    for (const { oldText, newText } of edits) {
      const at = text.indexOf(oldText)
      if (at < 0) throw new ToolFailure(`Could not find exact match for edit:\n${oldText}`)
      text = text.slice(0, at) + newText + text.slice(at + oldText.length)
    }
    if (dryRun) return ok(`Dry run: ${edits.length} edit(s) would apply to ${displayPath(segments)}`)
    // No second walk: the rename replaces a final link rather than following it, and only the host can
    // plant links (no tool, sync or extraction makes one); a re-walk would narrow, not close, its window.
    await writeFileAtomic(env.tmpDir, path, text)
    return ok(`Successfully applied ${edits.length} edit(s) to ${displayPath(segments)}`)
  })
}

function editsOf(input: ToolInput): { oldText: string; newText: string }[] {
  const edits = input['edits']
  const valid =
    Array.isArray(edits) &&
    edits.length > 0 &&
    edits.every(
      (edit: unknown) =>
        typeof edit === 'object' &&
        edit !== null &&
        typeof (edit as Record<string, unknown>)['oldText'] === 'string' &&
        (edit as Record<string, unknown>)['oldText'] !== '' &&
        typeof (edit as Record<string, unknown>)['newText'] === 'string',
    )
  if (!valid) throw new ToolFailure('edits must be a non-empty array of {oldText, newText} with non-empty oldText')
  return edits as { oldText: string; newText: string }[]
}
