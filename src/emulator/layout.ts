import { join } from 'node:path'

/** Ids the emulator mints; anything else never reaches a file-system path. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/** True for a string shaped like an id this emulator mints (tenant hashes included). */
export const isSafeId = (id: string): boolean => SAFE_ID.test(id)

/**
 * Where things live under `dataDir`:
 *
 * ```
 * state.json              sessions, contexts, task history (atomic JSON, see store.ts)
 * presign-secret          HMAC key for presigned URLs (so URLs survive a restart)
 * dev-api-key             the generated development key, when no apiKeys were given
 * tmp/                    temp files, renamed into place (same file system ⇒ atomic rename)
 * sessions/<id>/fs/       a session's sandbox: mount path /home/wuying/data ⇒ fs/home/wuying/data
 * contexts/<id>/files/    a context's storage
 * ```
 *
 * Tenants are not directories: ids are random and globally unique, and every request is checked
 * against the tenant's records in state.json before a path is built.
 */
export class DataLayout {
  readonly stateFile: string
  readonly tmpDir: string
  readonly secretFile: string
  readonly devKeyFile: string

  constructor(readonly dataDir: string) {
    this.stateFile = join(dataDir, 'state.json')
    this.tmpDir = join(dataDir, 'tmp')
    this.secretFile = join(dataDir, 'presign-secret')
    this.devKeyFile = join(dataDir, 'dev-api-key')
  }

  sessionDir(sessionId: string): string {
    return join(this.dataDir, 'sessions', checkId(sessionId))
  }

  /** The root of a session's sandbox file system. */
  sessionRoot(sessionId: string): string {
    return join(this.sessionDir(sessionId), 'fs')
  }

  contextDir(contextId: string): string {
    return join(this.dataDir, 'contexts', checkId(contextId))
  }

  /** The root of a context's stored files. */
  contextRoot(contextId: string): string {
    return join(this.contextDir(contextId), 'files')
  }
}

const checkId = (id: string): string => {
  // Defence in depth: handlers look ids up in state first, so this only trips on a bug.
  if (!isSafeId(id)) throw new Error(`unsafe id reached the file layer: ${JSON.stringify(id)}`)
  return id
}
