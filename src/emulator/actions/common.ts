import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { contextNotFound, invalidParameter, RpcFailure, EMULATOR_CODES, sessionNotFound } from '../errors.js'
import type * as t from 'io-ts'
import type { ContextRecord } from '../../wire/codecs/actions.js'
import type { Action } from '../../wire/protocol.js'
import { formatTimestamp } from '../../wire/wire-request.js'
import type { ActionBody } from '../envelope.js'
import type { EmulatorCore, RequestScope } from '../core.js'
import type { Params } from '../params.js'
import { emptyTenant, type ContextMeta, type InternalContextOwner, type SessionMeta, type TaskMeta, type TenantState } from '../store.js'

/**
 * The handler of action `A`: parameters in, the body the SDK's codec for `A` reads out,
 * `RpcFailure` for refusals. Declare handlers with an explicit `Promise<ActionBody<A>>` return
 * type: TypeScript checks a returned object literal for unknown (misspelt) fields only against a
 * declared return type, not when it infers one and compares it afterwards.
 */
export type Handler<A extends Action> = BodyHandler<ActionBody<A>>

/** Handlers compare by the body they answer, so actions that share a codec can share a handler. */
export type BodyHandler<Body> = (params: Params, scope: RequestScope) => Promise<Body>

/** The caller's tenant as currently stored (empty when it has nothing yet). */
export const tenantOf = (scope: RequestScope): TenantState =>
  scope.core.store.state.tenants.get(scope.tenantId) ?? emptyTenant()

/**
 * A session of `tenant` (the live state, or a mutation's draft) that still exists (running, paused
 * or being deleted); deleted and foreign ones are NotFound.
 */
export function liveSessionIn(tenant: TenantState, sessionId: string): SessionMeta {
  const session = tenant.sessions.get(sessionId)
  if (session === undefined || session.status === 'DELETED') throw sessionNotFound(sessionId)
  return session
}

/** `liveSessionIn` the caller's tenant as currently stored. */
export const liveSession = (scope: RequestScope, sessionId: string): SessionMeta => liveSessionIn(tenantOf(scope), sessionId)

/**
 * A session that can be used for syncs and tools: `RUNNING`. A paused (or pausing, resuming) one
 * is refused like one being deleted, with `InvalidSession` and a message saying why and what to do.
 */
export function runningSession(scope: RequestScope, sessionId: string): SessionMeta {
  const session = liveSession(scope, sessionId)
  if (session.status !== 'RUNNING') throw sessionNotUsable(session)
  return session
}

/** Why a live session cannot be used now (`InvalidSession`, HTTP 400). */
export const sessionNotUsable = (session: SessionMeta): RpcFailure =>
  new RpcFailure(
    EMULATOR_CODES.invalidSession,
    session.status === 'DELETING'
      ? `Session ${session.id} is being deleted`
      : `Session ${session.id} is ${session.status}: resume it (ResumeSessionAsync) and wait for RUNNING first`,
  )

export function contextById(scope: RequestScope, contextId: string): ContextMeta {
  const context = tenantOf(scope).contexts.get(contextId)
  if (context === undefined) throw contextNotFound(contextId)
  return context
}

/** Adds a new, empty context (`available`) to `tenant`, a mutation's draft; `internal` marks a session's own. */
export function addContext(tenant: TenantState, name: string, internal?: InternalContextOwner): ContextMeta {
  const now = new Date().toISOString()
  const created: ContextMeta = {
    id: `SdkCtx-${randomBytes(12).toString('hex')}`,
    name,
    createdAt: now,
    lastUsedAt: now,
    state: 'available',
    ...(internal === undefined ? {} : { internal }),
  }
  tenant.contexts.set(created.id, created)
  return created
}

/**
 * Removes a context's storage once its record is gone (a crash in between only leaves an orphan
 * directory), after the file work already queued on it (sync tasks, presigned writes).
 */
export const removeContextStorage = (core: EmulatorCore, contextId: string): Promise<void> =>
  core.contextLocks.run(contextId, () => rm(core.layout.contextDir(contextId), { recursive: true, force: true }))

/**
 * protocol §3.7: the wire shape of a context. Times are stored with milliseconds (the state file
 * keeps them) but answered in the documented whole-second form, `2025-05-29T12:00:00Z`.
 */
export const contextRecord = (context: ContextMeta): t.OutputOf<typeof ContextRecord> => ({
  Id: context.id,
  Name: context.name,
  State: context.state,
  CreateTime: formatTimestamp(new Date(context.createdAt)),
  LastUsedTime: formatTimestamp(new Date(context.lastUsedAt)),
  OsType: 'linux',
})

// ---- pagination --------------------------------------------------------------------------------

/** One page of `items` after the opaque `NextToken` (an offset); `''` marks the last page (§3.6/§3.8). */
export function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; nextToken: string } {
  let offset = 0
  if (token !== undefined) {
    const match = /^o(\d{1,9})$/.exec(token)
    if (match === null) throw invalidParameter('NextToken', 'not a token this emulator issued')
    offset = Number(match[1])
  }
  const end = offset + size
  return { items: items.slice(offset, end), nextToken: end < items.length ? `o${end}` : '' }
}
