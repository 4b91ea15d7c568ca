import { DEFAULT_SYNC_POLICY } from '../../wire/policy/sync-policy.js'
import type { SyncMode } from '../../wire/protocol.js'
import type { EmulatorCore, RequestScope } from '../core.js'
import { contextNotFound, invalidParameter } from '../errors.js'
import type { Params } from '../params.js'
import { displayPath, ensureDirInside, isWithin, toAbsoluteSegments } from '../paths.js'
import { FILE_TRANSFER_PATH } from '../session-paths.js'
import { StateStore, type ContextMeta } from '../store.js'
import type { TaskSpec } from '../tasks.js'
import { addContext, removeContextStorage, runningSession } from './common.js'

/**
 * The official SDKs' file transfer (calls doc §4, protocol §3.17/§5.5): each session gets one
 * internal context whose `FilePath` namespace is the session's absolute paths (`session-paths.ts`,
 * the rule extension contexts follow too). A presigned PUT to
 * `/tmp/file-transfer/x` plus `SyncContext(Mode=download, Path=/tmp/file-transfer/x)` lands the
 * file at `/tmp/file-transfer/x` in the session; `Mode=upload` copies it back for a presigned GET.
 *
 * Decisions where the docs are silent (calls doc §9): the internal context belongs to its session
 * (other sessions cannot sync it, other tenants cannot see it), is never listed by ListContexts nor
 * found by name, syncs only below `ContextPath`, and is removed with its session.
 */

export const FILE_TRANSFER_TYPE = 'file_transfer'
const TRANSFER_SEGMENTS = toAbsoluteSegments(FILE_TRANSFER_PATH, 'ContextPath')

/** One `Data` item of GetAndLoadInternalContext (the SDK's `GetAndLoadInternalContextResponseBodyData`). */
export interface InternalContextItem {
  ContextId: string
  ContextPath: string
  ContextType: string
}

/**
 * protocol §3.17: `SessionId`, `ContextTypes.N` (the SDKs send `ContextTypes.1=file_transfer`;
 * none means every internal type). Finds or creates the session's context and loads it: the
 * transfer folder exists in the session afterwards.
 */
export async function getAndLoadInternalContext(params: Params, scope: RequestScope): Promise<{ Data: InternalContextItem[] }> {
  const session = runningSession(scope, params.required('SessionId'))
  for (const [field, type] of contextTypes(params))
    if (type !== FILE_TRANSFER_TYPE) throw invalidParameter(field, `unknown context type ${type}; the emulator serves ${FILE_TRANSFER_TYPE}`)
  const context = await scope.core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, scope.tenantId)
    const existing = [...tenant.contexts.values()].find((candidate) => candidate.internal?.sessionId === session.id)
    return existing ?? addContext(tenant, `${FILE_TRANSFER_TYPE}-${session.id}`, { type: FILE_TRANSFER_TYPE, sessionId: session.id })
  })
  await ensureDirInside(scope.core.layout.sessionRoot(session.id), TRANSFER_SEGMENTS, 'ContextPath')
  return { Data: [{ ContextId: context.id, ContextPath: FILE_TRANSFER_PATH, ContextType: FILE_TRANSFER_TYPE }] }
}

/**
 * SyncContext on an internal context (calls doc §4.2 #4, §4.3 #2): only by the session it belongs
 * to, with a `Path` below `ContextPath`; the task reports that `Path` byte for byte, as the SDK's
 * wait compares it exactly.
 */
export function fileTransferSyncSpec(context: ContextMeta, sessionId: string, path: string | undefined, mode: SyncMode): TaskSpec {
  if (context.internal?.sessionId !== sessionId) throw contextNotFound(context.id)
  if (path === undefined) throw invalidParameter('Path', 'a file-transfer sync needs the file path')
  const segments = toAbsoluteSegments(path, 'Path')
  if (segments.length <= TRANSFER_SEGMENTS.length || !isWithin(segments, TRANSFER_SEGMENTS))
    throw invalidParameter('Path', `must name a file or folder below ${FILE_TRANSFER_PATH}, not ${displayPath(segments)}`)
  return { contextId: context.id, path, policy: DEFAULT_SYNC_POLICY, taskType: mode, transfer: true }
}

/** Removes the session's internal contexts, record first, then storage (idempotent; run at deletion). */
export async function releaseInternalContexts(core: EmulatorCore, tenantId: string, sessionId: string): Promise<void> {
  const released = await core.store.mutate((draft) => {
    const contexts = StateStore.tenant(draft, tenantId).contexts
    const owned = [...contexts.values()].filter((context) => context.internal?.sessionId === sessionId).map((context) => context.id)
    for (const id of owned) contexts.delete(id)
    return owned
  })
  for (const id of released) await removeContextStorage(core, id)
}

/** `ContextTypes.1`, `ContextTypes.2`, … as the core flattens the SDK's array (§1.4). */
function contextTypes(params: Params): [field: string, type: string][] {
  const types: [string, string][] = []
  for (let index = 1; ; index++) {
    const field = `ContextTypes.${index}`
    const type = params.optional(field)
    if (type === undefined) return types
    types.push([field, type])
  }
}
