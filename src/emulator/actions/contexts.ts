import { rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { ContextStatusFromString, pickContextStatusData } from '../../wire/codecs/context-status.js'
import { mountKey } from '../../wire/task-model.js'
import { SYNC_MODES } from '../../wire/protocol.js'
import type { EmulatorCore, RequestScope } from '../core.js'
import type { ActionBody } from '../envelope.js'
import { contextInUse, contextNotFound, EMULATOR_CODES, invalidParameter, missingParameter, RpcFailure } from '../errors.js'
import type { Params } from '../params.js'
import { displayPath, toAbsoluteSegments } from '../paths.js'
import { DEFAULT_SYNC_POLICY } from '../../wire/policy/sync-policy.js'
import { StateStore, type ContextMeta, type TaskMeta } from '../store.js'
import type { TaskSpec } from '../tasks.js'
import { fileTransferSyncSpec } from './file-transfer.js'
import { addContext, contextById, contextRecord, liveSession, page, removeContextStorage, runningSession, tenantOf } from './common.js'

// ---- context CRUD ------------------------------------------------------------------------------

/** protocol §3.7: by `ContextId`, or by `Name` (created when `AllowCreate` is true). */
export async function getContext(params: Params, scope: RequestScope): Promise<ActionBody<'GetContext'>> {
  const contextId = params.optional('ContextId')
  if (contextId !== undefined) return { Data: contextRecord(contextById(scope, contextId)) }
  const name = params.optional('Name')
  if (name === undefined) throw missingParameter('Name')
  const allowCreate = params.boolean('AllowCreate', false)
  const context = await scope.core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, scope.tenantId)
    const existing = findByName(tenant.contexts, name)
    if (existing !== undefined) return existing
    if (!allowCreate) throw contextNotFound(name)
    return addContext(tenant, name)
  })
  return { Data: contextRecord(context) }
}

/** protocol §3.8: paginated; `SessionId` restricts to the contexts that session mounts. */
export async function listContexts(params: Params, scope: RequestScope): Promise<ActionBody<'ListContexts'>> {
  const maxResults = params.integer('MaxResults', 10, 1, 1000)
  const sessionId = params.optional('SessionId')
  // Internal (file-transfer) contexts are the SDK's plumbing, not the user's data: never listed.
  let contexts = [...tenantOf(scope).contexts.values()].filter((context) => context.internal === undefined)
  if (sessionId !== undefined) {
    const mounted = new Set(liveSession(scope, sessionId).mounts.map((mount) => mount.contextId))
    contexts = contexts.filter((context) => mounted.has(context.id))
  }
  const { items, nextToken } = page(contexts, params.optional('NextToken'), maxResults)
  return { Data: items.map(contextRecord), NextToken: nextToken, MaxResults: maxResults, TotalCount: contexts.length }
}

/** protocol §3.9: rename. Names are unique per tenant, since GetContext looks them up by name. */
export async function modifyContext(params: Params, scope: RequestScope): Promise<ActionBody<'ModifyContext'>> {
  const id = params.required('Id')
  const name = params.required('Name')
  await scope.core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, scope.tenantId)
    const context = tenant.contexts.get(id)
    if (context === undefined) throw contextNotFound(id)
    const clash = findByName(tenant.contexts, name)
    if (clash !== undefined && clash.id !== id) throw new RpcFailure(EMULATOR_CODES.invalidContext, `A context named ${name} already exists`)
    context.name = name
  })
  return {}
}

/**
 * protocol §3.10: removes the record, then its storage (a crash in between only leaves an orphan
 * directory). A context a live session mounts is `in-use` for the real service (§3.7), so it is
 * refused with `Context.InUse` rather than pulled from under the session: that session's uploads,
 * the one at deletion included, would fail, and GetSession would list a mount without a name.
 * Checked in the same mutation as the delete, so a concurrent CreateMcpSession cannot slip in.
 */
export async function deleteContext(params: Params, scope: RequestScope): Promise<ActionBody<'DeleteContext'>> {
  const id = params.required('Id')
  await scope.core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, scope.tenantId)
    if (!tenant.contexts.has(id)) throw contextNotFound(id)
    const user = [...tenant.sessions.values()].find(
      (session) => session.status !== 'DELETED' && session.mounts.some((mount) => mount.contextId === id),
    )
    if (user !== undefined) throw contextInUse(id, user.id)
    tenant.contexts.delete(id)
  })
  await removeContextStorage(scope.core, id)
  return {}
}

/** protocol §3.11: `clearing` now, files removed, `available` after `clearDelayMs`. */
export async function clearContext(params: Params, scope: RequestScope): Promise<ActionBody<'ClearContext'>> {
  const id = params.required('Id')
  await scope.core.store.mutate((draft) => {
    const context = StateStore.tenant(draft, scope.tenantId).contexts.get(id)
    if (context === undefined) throw contextNotFound(id)
    context.state = 'clearing'
  })
  scope.core.background.run((signal) => finishClearing(scope.core, scope.tenantId, id, signal))
  return {}
}

/** Wipes the context's files, waits out `clearDelayMs`, and flips the state back. Also resumed at start. */
export async function finishClearing(core: EmulatorCore, tenantId: string, contextId: string, signal: AbortSignal): Promise<void> {
  await core.contextLocks.run(contextId, () => rm(core.layout.contextRoot(contextId), { recursive: true, force: true }))
  await sleep(core.options.clearDelayMs, undefined, { signal })
  await core.store.mutate((draft) => {
    const context = StateStore.tenant(draft, tenantId).contexts.get(contextId)
    if (context !== undefined) context.state = 'available'
  })
}

// ---- sync --------------------------------------------------------------------------------------

/**
 * protocol §3.12 + §4. Reports the session's tasks, filtered by `ContextId`/`Path`/`TaskType`.
 * Only the latest task per (contextId, path, taskType) is listed: an old `Failed` task would
 * otherwise fail every later wait of the official SDKs, which do not filter by start time (§7.3).
 */
export async function getContextInfo(params: Params, scope: RequestScope): Promise<ActionBody<'GetContextInfo'>> {
  const session = liveSession(scope, params.required('SessionId'))
  const contextId = params.optional('ContextId')
  const path = optionalMountPath(params.optional('Path'))
  const taskType = params.oneOf('TaskType', SYNC_MODES)
  const latest = new Map<string, TaskMeta>()
  for (const task of session.tasks) {
    if (contextId !== undefined && task.contextId !== contextId) continue
    if (path !== undefined && normalizeMountPath(task.path) !== path) continue
    if (taskType !== undefined && task.taskType !== taskType) continue
    latest.set(mountKey({ ...task, path: normalizeMountPath(task.path) }), task)
  }
  return { Data: { ContextStatus: ContextStatusFromString.encode([...latest.values()].map(pickContextStatusData)) } }
}

/**
 * protocol §3.13: one task per selected mount. `ContextId` + `Path` pick one mount (or, for an
 * unmounted pair, the context synced at that path with the default policy); either alone picks
 * the matching mounts (lenient: Python does not enforce the pair, §5.1); neither means all mounts.
 * Without `Mode` the direction is upload. Explicit syncs ignore autoUpload/autoDownload.
 */
export async function syncContext(params: Params, scope: RequestScope): Promise<ActionBody<'SyncContext'>> {
  const session = runningSession(scope, params.required('SessionId'))
  const contextId = params.optional('ContextId')
  const path = optionalMountPath(params.optional('Path'))
  const mode = params.oneOf('Mode', SYNC_MODES) ?? 'upload'
  const named = contextId === undefined ? undefined : contextById(scope, contextId)
  if (named?.internal !== undefined) {
    await scope.core.runner.start(scope.tenantId, session.id, [fileTransferSyncSpec(named, session.id, params.optional('Path'), mode)], 'sync', scope.requestId)
    return {}
  }
  let specs: TaskSpec[] = session.mounts
    .filter((mount) => (contextId === undefined || mount.contextId === contextId) && (path === undefined || normalizeMountPath(mount.path) === path))
    .map((mount) => ({ ...mount, taskType: mode }))
  if (specs.length === 0 && contextId !== undefined && path !== undefined) {
    contextById(scope, contextId)
    specs = [{ contextId, path: params.required('Path'), policy: DEFAULT_SYNC_POLICY, taskType: mode }]
  } else if (specs.length === 0 && (contextId !== undefined || path !== undefined)) {
    if (contextId !== undefined) contextById(scope, contextId)
    throw invalidParameter(contextId === undefined ? 'Path' : 'ContextId', 'no context of this session matches; pass both ContextId and Path')
  }
  for (const spec of specs) contextById(scope, spec.contextId)
  if (specs.length > 0) await scope.core.runner.start(scope.tenantId, session.id, specs, 'sync', scope.requestId)
  return {}
}

// ---- internals ---------------------------------------------------------------------------------

const findByName = (contexts: ReadonlyMap<string, ContextMeta>, name: string): ContextMeta | undefined =>
  [...contexts.values()].find((context) => context.internal === undefined && context.name === name)

const normalizeMountPath = (path: string): string => displayPath(toAbsoluteSegments(path, 'Path'))

const optionalMountPath = (path: string | undefined): string | undefined =>
  path === undefined ? undefined : normalizeMountPath(path)
