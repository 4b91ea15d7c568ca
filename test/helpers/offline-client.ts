import { throwError } from 'rxjs'
import { AgentBay, type RpcRequest, type Session, type Transport } from '../../src/entries/index.js'

/**
 * A client for tests that a call sends nothing: every request is recorded in `sent` and fails at
 * once with a plain Error — never a ValidationError, and no Promise form's `{ success: false }`
 * can pass for a refusal — so a test can assert both the refusal and that `sent` stayed empty.
 */
export function offlineClient(apiKey = 'test-key'): { readonly sent: RpcRequest[]; readonly agentBay: AgentBay; readonly session: Session } {
  const sent: RpcRequest[] = []
  const transport: Transport = (request) => {
    sent.push(request)
    return throwError(() => new Error(`request sent: ${request.action}`))
  }
  const agentBay = new AgentBay({ apiKey, transport, env: {} })
  return { sent, agentBay, session: agentBay.session('s-1') }
}
