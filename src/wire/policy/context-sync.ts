import { ValidationError } from '../../shared/errors/validation-error.js'
import type { PersistenceItem } from './browser-context.js'
import { serializePolicy, syncPolicy, type SyncPolicyInput } from './sync-policy.js'

/**
 * A context to mount in a new session: its data is downloaded to `path` at session start and
 * uploaded back per `policy` (protocol §3.1, §5.3).
 */
export interface ContextSync {
  readonly contextId: string
  /** Mount path inside the session, e.g. `/home/wuying/data`. */
  readonly path: string
  /** Merged over the protocol §6 defaults (see `syncPolicy`); omitted → the server's defaults. */
  readonly policy?: SyncPolicyInput
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
  if (!Array.isArray(syncs)) throw new ValidationError('contextSync must be an array')
  const items = syncs.map((sync, index) => {
    const at = `contextSync[${index}]`
    if (typeof sync?.contextId !== 'string' || sync.contextId.trim() === '') {
      throw new ValidationError(`${at}.contextId must be a non-empty string`)
    }
    if (typeof sync.path !== 'string' || sync.path.trim() === '') throw new ValidationError(`${at}.path must be a non-empty string`)
    const item: { ContextId: string; Path: string; Policy?: string } = { ContextId: sync.contextId, Path: sync.path }
    if (sync.policy !== undefined) {
      try {
        item['Policy'] = serializePolicy(syncPolicy(sync.policy))
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(`${at}.${error.message}`)
        throw error
      }
    }
    return item
  })
  const all: readonly PersistenceItem[] = [...items, ...extra]
  const paths = new Set<string>()
  for (const { Path } of all) {
    if (paths.has(Path)) throw new ValidationError(`contextSync mounts two contexts at ${JSON.stringify(Path)}`)
    paths.add(Path)
  }
  return JSON.stringify(all)
}
