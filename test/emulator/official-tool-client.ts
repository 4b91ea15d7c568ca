// `CallMcpTool` exactly as the official TS SDK 0.15.1 sends it (protocol §0.1), through the shared
// official OpenAPI core (official-client.ts), and its answer read the way `session.ts callMcpTool`
// reads it (§0.3).
import type { Emulator } from '../../src/emulator/index.js'
import { CallMcpToolResponse, CreateMcpSessionResponse, officialClient, type GeneratedLikeClient } from './official-client.js'

export { ClientError } from './official-client.js'

/** The SDK's outcome of one tool call (§0.3, TS column). */
export interface ToolCallOutcome {
  readonly success: boolean
  readonly text: string
  readonly errorMessage: string
}

export class OfficialToolClient {
  private constructor(
    private readonly client: GeneratedLikeClient,
    private readonly auth: string,
  ) {}

  static for(emulator: Emulator): OfficialToolClient {
    return new OfficialToolClient(officialClient(emulator), `Bearer ${emulator.apiKey}`)
  }

  async createSession(): Promise<string> {
    const created = await this.client.invoke('CreateMcpSession', { body: { Authorization: this.auth, ImageId: 'linux_latest' } }, CreateMcpSessionResponse)
    return created.body.data.sessionId as string
  }

  /** The raw `Data` of one `CallMcpTool` (fields as TS sends them: `Args` a JSON string, `Server` empty). */
  async rawTool(sessionId: string, name: string, args: Record<string, unknown>): Promise<{ content: { type: string; text?: string }[]; isError: boolean }> {
    const answer = await this.client.invoke(
      'CallMcpTool',
      { body: { Args: JSON.stringify(args), Authorization: this.auth, AutoGenSession: false, Name: name, Server: '', SessionId: sessionId } },
      CallMcpToolResponse,
    )
    return answer.body.data
  }

  /** `session.ts callMcpTool`: `isError` → texts joined by `; `; success → `content[0].text`, else JSON of `Data`. */
  async tool(sessionId: string, name: string, args: Record<string, unknown>): Promise<ToolCallOutcome> {
    const data = await this.rawTool(sessionId, name, args)
    if (data.isError) return { success: false, text: '', errorMessage: data.content.map((part) => part.text ?? 'Unknown error').join('; ') }
    const text = data.content[0]?.text
    return { success: true, text: typeof text === 'string' && text !== '' ? text : JSON.stringify(data), errorMessage: '' }
  }
}
