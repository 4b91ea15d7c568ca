import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type * as t from 'io-ts'
import type { SessionListItem } from '../../wire/codecs/actions.js'
import { SESSION_STATUS_FINISH } from '../../wire/protocol.js'
import type { EmulatorCore, RequestScope } from '../core.js'
import type { ActionBody, SessionResourceFields } from '../envelope.js'
import { notSupportedByEmulator } from '../browser.js'
import { contextNotFound, EMULATOR_CODES, invalidParameter, RpcFailure, sessionNotFound } from '../errors.js'
import type { Params } from '../params.js'
import { parseSyncPolicy } from '../policy.js'
import { displayPath, toAbsoluteSegments } from '../paths.js'
import { StateStore, type MountMeta, type SessionMeta, type SessionStatus } from '../store.js'
import { FILE_TOOLS, TOOL_INPUT_SCHEMAS } from '../tools.js'
import { liveSession, liveSessionIn, page, sessionNotUsable, tenantOf } from './common.js'
import { releaseInternalContexts } from './file-transfer.js'

/** Session statuses the SDK may filter on (protocol §3.6). */
const LIST_STATUSES = ['RUNNING', 'PAUSING', 'PAUSED', 'RESUMING', 'DELETING', 'DELETED'] as const

// ---- handlers ----------------------------------------------------------------------------------

/** protocol §3.1 */
export async function createMcpSession(params: Params, scope: RequestScope): Promise<ActionBody<'CreateMcpSession'>> {
  const { core, tenantId } = scope
  const imageId = params.optional('ImageId') ?? 'linux_latest'
  const labels = params.labels('Labels')
  const mounts = parsePersistenceDataList(params.json('PersistenceDataList'))
  const sessionId = `session-${randomBytes(12).toString('hex')}`
  await core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, tenantId)
    // Checked inside the mutation so a concurrent DeleteContext cannot slip in between.
    for (const mount of mounts) if (!tenant.contexts.has(mount.contextId)) throw contextNotFound(mount.contextId)
    tenant.sessions.set(sessionId, {
      id: sessionId,
      numericId: draft.nextSessionNumber++,
      imageId,
      labels,
      createdAt: new Date().toISOString(),
      status: 'RUNNING',
      mounts,
      tasks: [],
    })
  })
  await mkdir(core.layout.sessionRoot(sessionId), { recursive: true })
  // protocol §5.3/§8: download every mounted context whose policy allows it, visible before we answer.
  const downloads = mounts.filter((mount) => mount.policy.downloadPolicy.autoDownload)
  if (downloads.length > 0)
    await core.runner.start(tenantId, sessionId, downloads.map((mount) => ({ ...mount, taskType: 'download' as const })), 'create', scope.requestId)
  return {
    Data: {
      ...resourceFields(core, sessionId),
      LinkUrl: '',
      ToolList: TOOL_LIST,
      Success: true,
      ErrMsg: '',
    },
  }
}

/** protocol §3.2 (and §3.3: ReleaseMcpSession behaves the same in the emulator). */
export async function deleteSessionAsync(params: Params, scope: RequestScope): Promise<ActionBody<'DeleteSessionAsync'>> {
  const { core, tenantId } = scope
  const sessionId = params.required('SessionId')
  const startedNow = await core.store.mutate((draft) => {
    const session = liveSessionIn(StateStore.tenant(draft, tenantId), sessionId)
    if (session.status === 'DELETING') return false // idempotent: the deletion already runs
    // The official SDK docs: a paused session cannot be deleted; resume it first.
    if (session.status !== 'RUNNING') throw sessionNotUsable(session)
    session.status = 'DELETING'
    return true
  })
  if (startedNow) core.background.run(() => finishDeletion(core, tenantId, sessionId))
  return {}
}

/** protocol §3.5 */
export async function getSession(params: Params, scope: RequestScope): Promise<ActionBody<'GetSession'>> {
  const session = liveSession(scope, params.required('SessionId'))
  const contexts = tenantOf(scope).contexts
  return {
    Data: {
      ...resourceFields(scope.core, session.id),
      Success: true,
      Status: session.status,
      ToolList: TOOL_LIST,
      contexts: session.mounts.map((mount) => ({ id: mount.contextId, name: contexts.get(mount.contextId)?.name ?? '' })),
    },
  }
}

/** protocol §3.4: the delete-wait probe. */
export async function getSessionDetail(params: Params, scope: RequestScope): Promise<ActionBody<'GetSessionDetail'>> {
  const sessionId = params.required('SessionId')
  const session = tenantOf(scope).sessions.get(sessionId)
  if (session === undefined) throw sessionNotFound(sessionId)
  const deleted = session.status === 'DELETED'
  if (deleted && scope.core.options.deletedSessionDetail === 'notFound') throw sessionNotFound(sessionId)
  return {
    Data: {
      Status: deleted ? SESSION_STATUS_FINISH : session.status,
      Aliuid: '',
      ApikeyId: '',
      AppInstanceGroupId: '',
      AppInstanceId: `ai-${session.id}`,
      AppUserId: '',
      BizType: 1,
      EndReason: deleted ? 'USER_DELETE' : '',
      Id: session.numericId,
      ImageId: session.imageId,
      ImageType: '',
      IsDeleted: deleted ? 1 : 0,
      PolicyId: '',
      RegionId: '',
      ResourceConfigId: '',
    },
  }
}

/** protocol §3.6 */
export async function listSession(params: Params, scope: RequestScope): Promise<ActionBody<'ListSession'>> {
  const filter = params.labels('Labels')
  const status = params.oneOf('Status', LIST_STATUSES)
  const maxResults = params.integer('MaxResults', 10, 1, 1000)
  const matching = [...tenantOf(scope).sessions.values()].filter(
    (session) =>
      (status === undefined ? session.status !== 'DELETED' : session.status === status) &&
      [...filter].every(([key, value]) => session.labels.get(key) === value),
  )
  const { items, nextToken } = page(matching, params.optional('NextToken'), maxResults)
  return {
    Data: items.map((session): t.OutputOf<typeof SessionListItem> => ({ SessionId: session.id, SessionStatus: session.status })),
    NextToken: nextToken,
    MaxResults: maxResults,
    TotalCount: matching.length,
  }
}

// ---- actions only the official SDKs call (official-sdk-calls §2, §3, §5.2) ----------------------

/** §2: `Labels` replaces the session's labels (replace, not merge: the doc's inference). */
export async function setLabel(params: Params, scope: RequestScope): Promise<Record<string, never>> {
  const sessionId = params.required('SessionId')
  params.required('Labels')
  const labels = params.labels('Labels')
  if (labels.size === 0) throw invalidParameter('Labels', 'cannot be empty')
  await scope.core.store.mutate((draft) => {
    const tenant = StateStore.tenant(draft, scope.tenantId)
    tenant.sessions.set(sessionId, { ...liveSessionIn(tenant, sessionId), labels })
  })
  return {}
}

/** §2: `Data.Labels` is a JSON object *string*. */
export async function getLabel(params: Params, scope: RequestScope): Promise<{ Data: { Labels: string } }> {
  const session = liveSession(scope, params.required('SessionId'))
  // Object.fromEntries defines own properties, so a `__proto__` label is serialized as data.
  return { Data: { Labels: JSON.stringify(Object.fromEntries(session.labels)) } }
}

/** §3.1: `session.info()`. `ResourceUrl` carries the `resourceId` query parameter tests read. */
export async function getMcpResource(params: Params, scope: RequestScope): Promise<{ Data: McpResourceData }> {
  const session = liveSession(scope, params.required('SessionId'))
  const { SessionId, ResourceUrl, ResourceId } = resourceFields(scope.core, session.id)
  return {
    Data: {
      SessionId,
      ResourceUrl,
      DesktopInfo: { AppId: '', AuthCode: '', ConnectionProperties: '', ResourceId, ResourceType: 'Desktop', Ticket: '' },
    },
  }
}

/** §3.2: `Data` is a JSON *string* of the tools the emulator serves, whatever the `ImageId`. */
export async function listMcpTools(): Promise<{ Data: string }> {
  return { Data: TOOL_LIST }
}

// ---- pause and resume (official SDK `pauseAsync`/`resumeAsync`; protocol §3.5/§3.6 statuses) -----

/** The status each pause/resume transition settles in. */
export const SETTLED_STATUS = { PAUSING: 'PAUSED', RESUMING: 'RUNNING' } as const satisfies Partial<Record<SessionStatus, SessionStatus>>
type Transitional = keyof typeof SETTLED_STATUS

/**
 * `PauseSessionAsync` / `ResumeSessionAsync` (B: `SessionId`; envelope only). The status changes
 * before the answer — the SDK polls GetSession next and fails on anything but the transitional
 * or the settled status — and settles `taskDelayMs` later (at the next start if the emulator
 * stops first). Asking again on the way, or once there, is accepted and changes nothing; from
 * any other status it is refused with `InvalidSession`.
 */
const sessionTransition =
  (action: string, from: SessionStatus, via: Transitional) =>
  async (params: Params, scope: RequestScope): Promise<Record<string, never>> => {
    const sessionId = params.required('SessionId')
    const startedNow = await scope.core.store.mutate((draft) => {
      const session = liveSessionIn(StateStore.tenant(draft, scope.tenantId), sessionId)
      if (session.status === via || session.status === SETTLED_STATUS[via]) return false
      if (session.status !== from)
        throw new RpcFailure(EMULATOR_CODES.invalidSession, `Session ${sessionId} is ${session.status}: ${action} needs a ${from} session`)
      session.status = via
      return true
    })
    if (startedNow) scope.core.background.run((signal) => settleTransition(scope.core, scope.tenantId, sessionId, via, signal))
    return {}
  }

export const pauseSessionAsync = sessionTransition('PauseSessionAsync', 'RUNNING', 'PAUSING')
export const resumeSessionAsync = sessionTransition('ResumeSessionAsync', 'PAUSED', 'RESUMING')

async function settleTransition(core: EmulatorCore, tenantId: string, sessionId: string, via: Transitional, signal: AbortSignal): Promise<void> {
  await sleep(core.options.taskDelayMs, undefined, { signal })
  await core.store.mutate((draft) => {
    const session = StateStore.tenant(draft, tenantId).sessions.get(sessionId)
    if (session?.status === via) session.status = SETTLED_STATUS[via]
  })
}

/** §5.2 (`InitBrowser`…): the session exists, but no emulated session has a browser. */
export const browserOnlyAction =
  (action: string) =>
  async (params: Params, scope: RequestScope): Promise<Record<string, never>> => {
    liveSession(scope, params.required('SessionId'))
    throw notSupportedByEmulator(action)
  }

interface McpResourceData {
  SessionId: string
  ResourceUrl: string
  DesktopInfo: { AppId: string; AuthCode: string; ConnectionProperties: string; ResourceId: string; ResourceType: string; Ticket: string }
}

// ---- deletion ----------------------------------------------------------------------------------

/**
 * Uploads every mount whose policy has `autoUpload` (protocol §5.4 "UploadBeforeResourceRelease"),
 * then marks the session deleted and removes its sandbox. If the emulator shuts down meanwhile,
 * the session stays `DELETING` and the next start resumes here.
 */
export async function finishDeletion(core: EmulatorCore, tenantId: string, sessionId: string): Promise<void> {
  const session = core.store.state.tenants.get(tenantId)?.sessions.get(sessionId)
  if (session === undefined) return
  // No tool reaches a DELETING session: its watches are done now, however long the uploads take.
  core.watches.forget(sessionId)
  const uploads = session.mounts.filter((mount) => mount.policy.uploadPolicy.autoUpload)
  if (uploads.length > 0) {
    const started = await core.runner.start(tenantId, sessionId, uploads.map((mount) => ({ ...mount, taskType: 'upload' as const })), 'delete')
    await started.done
  }
  if (core.background.signal.aborted) return
  await releaseInternalContexts(core, tenantId, sessionId)
  await core.store.mutate((draft) => {
    const stored = StateStore.tenant(draft, tenantId).sessions.get(sessionId)
    if (stored === undefined) return
    stored.status = 'DELETED'
    stored.deletedAt = new Date().toISOString()
  })
  await rm(core.layout.sessionDir(sessionId), { recursive: true, force: true })
}

// ---- internals ---------------------------------------------------------------------------------

/**
 * `PersistenceDataList` (§3.1): a JSON array of `{ContextId, Path, Policy?}`; `Policy` in any of
 * the §6 forms. Two mounts on the same path would make syncs ambiguous, so that is refused.
 */
function parsePersistenceDataList(value: unknown): MountMeta[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw invalidParameter('PersistenceDataList', 'expected a JSON array')
  const seen = new Set<string>()
  return value.map((item: unknown, index): MountMeta => {
    const field = `PersistenceDataList[${index}]`
    if (typeof item !== 'object' || item === null) throw invalidParameter(field, 'expected an object')
    const { ContextId: contextId, Path: path, Policy: policy } = item as Record<string, unknown>
    if (typeof contextId !== 'string' || contextId === '') throw invalidParameter(`${field}.ContextId`, 'expected a string')
    if (typeof path !== 'string' || path === '') throw invalidParameter(`${field}.Path`, 'expected a string')
    const normalized = displayPath(toAbsoluteSegments(path, `${field}.Path`))
    if (seen.has(normalized)) throw invalidParameter(`${field}.Path`, `${normalized} is mounted twice`)
    seen.add(normalized)
    return { contextId, path, policy: parseSyncPolicy(policy, `${field}.Policy`) }
  })
}

const resourceFields = (core: EmulatorCore, sessionId: string): SessionResourceFields => ({
  SessionId: sessionId,
  ResourceUrl: `${core.baseUrl()}resource/${sessionId}?resourceId=r-${sessionId}`,
  AppInstanceId: `ai-${sessionId}`,
  ResourceId: `r-${sessionId}`,
  HttpPort: '',
  NetworkInterfaceIp: '',
  Token: '',
  VpcResource: false,
})

/** protocol §3.1: `ToolList` is a JSON *string* of tool descriptors; ListMcpTools answers the same. */
const TOOL_LIST = JSON.stringify(
  FILE_TOOLS.map((name) => ({
    name,
    server: 'filesystem',
    serverName: 'filesystem',
    description: `Emulated ${name.replace('_', ' ')} inside the session sandbox`,
    inputSchema: TOOL_INPUT_SCHEMAS[name],
    tool: name,
  })),
)
