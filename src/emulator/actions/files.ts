import { createHash } from 'node:crypto'
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type * as t from 'io-ts'
import type { ContextFileRecord } from '../../wire/codecs/actions.js'
import { formatTimestamp } from '../../wire/wire-request.js'
import type { RequestScope } from '../core.js'
import type { ActionBody } from '../envelope.js'
import { EMULATOR_CODES, RpcFailure } from '../errors.js'
import type { Params } from '../params.js'
import { displayPath, inspectInside, toFileSegments, toSegments } from '../paths.js'
import type { PresignedOperation } from '../presign.js'
import { epochSeconds } from '../tasks.js'
import { callFileTool } from '../tools.js'
import { contextById, runningSession, tenantOf, type BodyHandler, type Handler } from './common.js'

/** protocol §3.14: one folder level, paginated by `PageNumber`/`PageSize`; `Count` is the total. */
export async function describeContextFiles(params: Params, scope: RequestScope): Promise<ActionBody<'DescribeContextFiles'>> {
  const context = contextById(scope, params.required('ContextId'))
  const parent = toSegments(params.optional('ParentFolderPath') ?? '/', 'ParentFolderPath')
  const pageNumber = params.integer('PageNumber', 1, 1, 1_000_000)
  const pageSize = params.integer('PageSize', 50, 1, 1000)
  const root = scope.core.layout.contextRoot(context.id)
  const { path: folder, info } = await inspectInside(root, parent, 'ParentFolderPath')
  let names: { name: string; isFolder: boolean }[] = []
  if (info?.isDirectory()) {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() || entry.isFile())
      .map((entry) => ({ name: entry.name, isFolder: entry.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
  const slice = names.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  const data = await Promise.all(
    slice.map(async ({ name, isFolder }): Promise<t.OutputOf<typeof ContextFileRecord>> => {
      const info = await stat(join(folder, name))
      const filePath = displayPath([...parent, name])
      return {
        FileId: createHash('sha1').update(`${context.id}\n${filePath}`).digest('hex').slice(0, 24),
        FileName: name,
        FilePath: filePath,
        FileType: isFolder ? 'folder' : 'file',
        // §3.14 shows no date format: the one of §3.7.
        GmtCreate: formatTimestamp(info.birthtime),
        GmtModified: formatTimestamp(info.mtime),
        Size: isFolder ? 0 : info.size,
        Status: 'available',
      }
    }),
  )
  return { Data: data, Count: names.length }
}

/** protocol §3.15: a URL on the emulator itself, HMAC-signed, valid `presignTtlSeconds`. */
const presignedUrl =
  (operation: PresignedOperation): BodyHandler<ActionBody<'GetContextFileUploadUrl' | 'GetContextFileDownloadUrl'>> =>
  async (params, scope): Promise<ActionBody<'GetContextFileUploadUrl' | 'GetContextFileDownloadUrl'>> => {
    const context = contextById(scope, params.required('ContextId'))
    const filePath = params.required('FilePath')
    toFileSegments(filePath, 'FilePath')
    const expires = epochSeconds() + scope.core.options.presignTtlSeconds
    const url = scope.core.presigner.sign(scope.core.baseUrl(), { operation, contextId: context.id, filePath, expires })
    // ExpireTime is epoch seconds (the TS type comment of §3.15), not a duration.
    return { Data: { Url: url, ExpireTime: expires } }
  }

export const getContextFileUploadUrl: Handler<'GetContextFileUploadUrl'> = presignedUrl('put')
export const getContextFileDownloadUrl: Handler<'GetContextFileDownloadUrl'> = presignedUrl('get')

/** protocol §3.16: a file, or a folder (named like a file: `/a`, not `/a/`) with everything below it. */
export async function deleteContextFile(params: Params, scope: RequestScope): Promise<ActionBody<'DeleteContextFile'>> {
  const context = contextById(scope, params.required('ContextId'))
  const segments = toFileSegments(params.required('FilePath'), 'FilePath')
  await scope.core.contextLocks.run(context.id, async () => {
    // One walk, under the lock: the symlink check and the existence check see the same tree.
    const { path: target, info } = await inspectInside(scope.core.layout.contextRoot(context.id), segments, 'FilePath')
    if (info === undefined) throw new RpcFailure(EMULATOR_CODES.fileNotFound, `File ${displayPath(segments)} not found`)
    await rm(target, { recursive: true, force: true })
  })
  return {}
}

/** Session file tools over MCP (`Name`, `Args` as a JSON string; `Server`, `AutoGenSession` unused). */
export async function callMcpTool(params: Params, scope: RequestScope): Promise<ActionBody<'CallMcpTool'>> {
  const session = runningSession(scope, params.required('SessionId'))
  const name = params.required('Name')
  const args = params.json('Args') ?? {}
  // Watches are dropped when a deletion starts (finishDeletion), so none is taken once it has.
  const notDeleting = (): boolean => {
    const status = tenantOf(scope).sessions.get(session.id)?.status
    return status !== undefined && status !== 'DELETING' && status !== 'DELETED'
  }
  const result = await callFileTool(name, args, {
    sandboxRoot: scope.core.layout.sessionRoot(session.id),
    tmpDir: scope.core.layout.tmpDir,
    changeWatches: scope.core.watches.of(session.id, notDeleting),
  })
  return { Data: { content: [{ type: 'text', text: result.text }], isError: result.isError } }
}
