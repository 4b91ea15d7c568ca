import { describeValue, requireKnownKeys, requireText, type KnownKeys } from '../../shared/arguments.js'
import { ValidationError } from '../../shared/errors/validation-error.js'
import type { PersistenceItem } from './browser-context.js'
import { requireSyncPolicyKeys, serializePolicy, syncPolicy, type SyncPolicyInput } from './sync-policy.js'

/**
 * A context to mount in a new session: its data is downloaded to `path` at session start and
 * uploaded back per `policy` (protocol §3.1, §5.3).
 *
 * A plain object literal is a `ContextSync`; the class only adds the official SDKs' constructors,
 * `new ContextSync(id, path, policy)` (TypeScript) and `ContextSync.new(id, path, policy)` (Python),
 * so a port is mechanical. Both validate at once and give the same value as the literal.
 *
 * @example
 * const mount: ContextSync = { contextId: 'SdkCtx-1', path: '/home/wuying/data' }
 * const same = ContextSync.new('SdkCtx-1', '/home/wuying/data') // official name, validated
 * @see serializePersistenceDataList
 */
export class ContextSync {
  readonly contextId: string
  /** Mount path inside the session, e.g. `/home/wuying/data`. */
  readonly path: string
  /** Merged over the protocol §6 defaults (see `syncPolicy`); omitted → the server's defaults. */
  declare readonly policy?: SyncPolicyInput

  /** Throws `ValidationError` (naming the argument) on an empty id or path, an invalid policy, or extra arguments. */
  constructor(contextId: string, path: string, policy?: SyncPolicyInput) {
    requireMountArity(arguments.length, 'ContextSync')
    const sync = policy === undefined ? { contextId, path } : { contextId, path, policy }
    wireItem(sync, 'ContextSync')
    this.contextId = contextId
    this.path = path
    // Only when given, so the instance has exactly the literal's keys.
    if (policy !== undefined) (this as { policy?: SyncPolicyInput }).policy = policy
    Object.freeze(this)
  }

  /**
   * The official Python name: `ContextSync.new(contextId, path, policy?)` is `new ContextSync(…)`.
   *
   * @example
   * agentBay.create({ contextSync: [ContextSync.new(ctx.id, '/home/wuying/data', newSyncPolicy())] })
   */
  static new(contextId: string, path: string, policy?: SyncPolicyInput): ContextSync {
    requireMountArity(arguments.length, 'ContextSync.new')
    return new ContextSync(contextId, path, policy)
  }
}

/**
 * The official TypeScript name for `new ContextSync(contextId, path, policy?)`.
 *
 * @example
 * newContextSync(ctx.id, '/home/wuying/data', newSyncPolicy())
 * @see ContextSync
 */
export function newContextSync(contextId: string, path: string, policy?: SyncPolicyInput): ContextSync {
  requireMountArity(arguments.length, 'newContextSync')
  return new ContextSync(contextId, path, policy)
}

/** A fourth argument is Python's beta_wait_for_completion, which this SDK does not have: refused, not ignored. */
function requireMountArity(count: number, name: string): void {
  if (count > 3) throw new ValidationError(`${name} takes (contextId, path, policy?); got ${count} arguments`)
}

/** `contextSync` must be an array (of `ContextSync` items, each checked when serialized). */
export function requireSyncList(syncs: unknown): asserts syncs is readonly ContextSync[] {
  if (!Array.isArray(syncs)) throw new ValidationError(`contextSync must be an array of { contextId, path, policy? }, got ${describeValue(syncs)}`)
}

/**
 * The `PersistenceDataList` field of CreateMcpSession: a JSON array string whose items carry
 * `Policy` as a JSON string of its own (double encoding, protocol §1.4 / §1.6 capture).
 * `extra` items (a browser context's, see `browserPersistenceItems`) follow the user's, already
 * serialized. Throws `ValidationError` on an empty id/path, an invalid policy or two items
 * mounted at one path; call it inside `defer`.
 *
 * @example
 * serializePersistenceDataList([{ contextId: 'SdkCtx-1', path: '/home/wuying/data' }])
 * // '[{"ContextId":"SdkCtx-1","Path":"/home/wuying/data"}]'
 */
export function serializePersistenceDataList(syncs: readonly ContextSync[], extra: readonly PersistenceItem[] = []): string {
  requireSyncList(syncs)
  const items = syncs.map((sync, index) => wireItem(sync, `contextSync[${index}]`))
  const all: readonly PersistenceItem[] = [...items, ...extra]
  const paths = new Set<string>()
  for (const { Path } of all) {
    if (paths.has(Path)) throw new ValidationError(`contextSync mounts two contexts at ${JSON.stringify(Path)}`)
    paths.add(Path)
  }
  return JSON.stringify(all)
}

/** The keys of a mount (`policy` is declared on the class, so the instance has exactly the literal's keys). */
const CONTEXT_SYNC_KEYS = { contextId: true, path: true, policy: true } as const satisfies KnownKeys<ContextSync>

/** One `PersistenceDataList` item; throws `ValidationError` naming `at` (e.g. `contextSync[0].path`). */
function wireItem(sync: ContextSync, at: string): PersistenceItem {
  if (typeof sync === 'object' && sync !== null) requireKnownKeys(sync, at, CONTEXT_SYNC_KEYS, { use: '{ contextId, path, policy }' })
  requireText(sync?.contextId, `${at}.contextId`)
  requireText(sync.path, `${at}.path`)
  const item: { ContextId: string; Path: string; Policy?: string } = { ContextId: sync.contextId, Path: sync.path }
  if (sync.policy !== undefined) {
    try {
      // The input's own keys first: merging over the defaults would drop an unknown part name.
      requireSyncPolicyKeys(sync.policy)
      item['Policy'] = serializePolicy(syncPolicy(sync.policy))
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`${at}.${error.message}`)
      throw error
    }
  }
  return item
}
