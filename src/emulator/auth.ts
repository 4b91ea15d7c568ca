import { createHash, timingSafeEqual } from 'node:crypto'
import { EMULATOR_CODES, RpcFailure } from './errors.js'

/**
 * The configured API keys. Each key is a tenant, identified by a hash of the key so that neither
 * state.json nor logs ever hold a key. Comparison is constant-time over fixed-length digests.
 */
export class ApiKeyRing {
  private readonly digests: Buffer[]

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest)
  }

  /**
   * The tenant of an `Authorization` parameter value (`Bearer <key>`, protocol §1.5), or an
   * `RpcFailure` (HTTP 401, `InvalidApiKey`). The scheme word is matched case-insensitively.
   */
  authenticate(authorization: string | undefined): string {
    if (authorization === undefined) throw unauthorized('Authorization is required (Bearer <apiKey>)')
    const match = /^bearer (\S+)$/i.exec(authorization.trim())
    if (match === null) throw unauthorized('Authorization must be "Bearer <apiKey>"')
    const given = digest(match[1]!)
    let found: Buffer | undefined
    for (const candidate of this.digests) if (timingSafeEqual(candidate, given)) found = candidate
    if (found === undefined) throw unauthorized('The API key is not valid')
    return found.toString('hex').slice(0, 32)
  }
}

const digest = (key: string): Buffer => createHash('sha256').update(`agentbay-emulator\n${key}`).digest()

const unauthorized = (message: string): RpcFailure => new RpcFailure(EMULATOR_CODES.invalidApiKey, message, 401)
