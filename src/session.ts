import type { AgentBay } from './agentbay.js'
import { ContextManager } from './context/context-manager.js'

/**
 * A session handle. `context` syncs the session's mounted contexts.
 *
 * @example
 * agentBay.session('s-1').context.sync({ mode: 'upload' }).subscribe(console.log)
 */
export class Session {
  readonly context: ContextManager

  constructor(
    readonly sessionId: string,
    protected readonly client: AgentBay,
  ) {
    this.context = new ContextManager(sessionId, {
      rpc: client.rpc,
      scheduler: client.config.scheduler,
      logger: client.config.logger,
    })
  }

  toJSON(): Record<string, unknown> {
    return { sessionId: this.sessionId }
  }
}
