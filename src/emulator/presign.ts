import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { isErrno } from './paths.js'

/** The two operations a presigned URL can grant (protocol §3.15). */
export type PresignedOperation = 'put' | 'get'

/** Route prefix of presigned file URLs on the emulator itself. */
export const FILES_ROUTE = '/files/'

/** What a presigned URL grants, as decoded from its path and query. */
export interface PresignedGrant {
  readonly operation: PresignedOperation
  readonly contextId: string
  readonly filePath: string
  /** Epoch seconds. */
  readonly expires: number
}

/**
 * Signs and checks presigned URLs: `<base>files/<contextId>?path=…&op=put&expires=…&token=…`,
 * where `token` is an HMAC-SHA256 over operation, context, path and expiry. The secret lives in
 * `dataDir` so URLs handed out before a restart keep working until they expire.
 */
export class Presigner {
  private constructor(private readonly secret: Buffer) {}

  /** Reads the secret from `file`, creating it on first use. */
  static async load(file: string): Promise<Presigner> {
    try {
      return new Presigner(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex'))
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
    }
    const secret = randomBytes(32)
    await writeFile(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' }).catch(async (error: unknown) => {
      if (!isErrno(error, 'EEXIST')) throw error
    })
    return new Presigner(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex'))
  }

  /** A URL (relative to the emulator's base URL) granting `grant`. */
  sign(baseUrl: string, grant: PresignedGrant): string {
    const query = new URLSearchParams({
      path: grant.filePath,
      op: grant.operation,
      expires: String(grant.expires),
      token: this.token(grant),
    })
    return `${baseUrl.replace(/\/$/, '')}${FILES_ROUTE}${encodeURIComponent(grant.contextId)}?${query.toString()}`
  }

  /**
   * Reads and checks a presigned request for `operation`. Returns the grant, or why not:
   * `'invalid'` (missing/forged token, other operation/file) or `'expired'`.
   */
  verify(pathname: string, search: string, operation: PresignedOperation, nowSeconds: number): PresignedGrant | 'invalid' | 'expired' {
    const query = new URLSearchParams(search)
    let contextId: string
    try {
      contextId = decodeURIComponent(pathname.slice(FILES_ROUTE.length))
    } catch {
      return 'invalid'
    }
    const filePath = query.get('path')
    const expires = Number(query.get('expires'))
    const token = query.get('token') ?? ''
    if (filePath === null || !Number.isInteger(expires) || query.get('op') !== operation) return 'invalid'
    const grant: PresignedGrant = { operation, contextId, filePath, expires }
    const expected = Buffer.from(this.token(grant), 'hex')
    const given = Buffer.from(token, 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid'
    return expires < nowSeconds ? 'expired' : grant
  }

  private token(grant: PresignedGrant): string {
    return createHmac('sha256', this.secret)
      .update([grant.operation, grant.contextId, grant.filePath, String(grant.expires)].join('\n'))
      .digest('hex')
  }
}
