import { normalizeConfig, type AgentBayOptions, type NormalizedConfig } from './config.js'
import { createKyTransport } from './transport/ky-transport.js'
import { createRpc, type Rpc } from './transport/rpc.js'
import type { Transport } from './transport/transport.js'
import { Session } from './session.js'

/** Options of `new AgentBay()`, plus the transport seam used by `agentbay-rx/testing`. */
export interface AgentBayClientOptions extends AgentBayOptions {
  /** Replace the HTTP transport (tests: `createFakeTransport()` from `agentbay-rx/testing`). */
  readonly transport?: Transport
  /** Random source for retry jitter (tests make it deterministic). Default `Math.random`. */
  readonly random?: () => number
}

/**
 * The AgentBay client. Reads configuration once, at construction (never at import).
 *
 * @example
 * const agentBay = new AgentBay({ apiKey: process.env.AGENTBAY_API_KEY })
 * const info = await agentBay.session('s-1').context.infoAsync()
 */
export class AgentBay {
  /** Resolved configuration (the key is kept, but never printed: see `toJSON`). */
  readonly config: NormalizedConfig
  /** Calls one action through transport → decode; the building block of every service. */
  readonly rpc: Rpc

  constructor(options: AgentBayClientOptions = {}) {
    this.config = normalizeConfig(options)
    const transport = options.transport ?? createKyTransport(this.config)
    this.rpc = createRpc(transport, this.config, options.random)
  }

  /** A handle for an existing session; makes no call. */
  session(sessionId: string): Session {
    return new Session(sessionId, this)
  }

  /** Keeps the API key out of logs and snapshots. */
  toJSON(): Record<string, unknown> {
    return { endpoint: this.config.baseUrl, regionId: this.config.regionId, timeoutMs: this.config.timeoutMs }
  }
}
