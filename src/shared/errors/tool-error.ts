import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/**
 * A session tool (CallMcpTool) ran and reported `isError: true`; the message is the tool's text.
 * The call itself succeeded, so this is never retried.
 */
export class ToolError extends AgentBayError {
  override readonly name = 'ToolError' as const
  readonly kind = 'tool' as const
  /** The tool that failed, e.g. `read_file`. */
  readonly tool: string
  constructor(reason: string, details: ErrorDetails & { readonly tool: string }) {
    super(reason, details)
    this.tool = details.tool
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tool: this.tool }
  }
}

export const isToolError = (value: unknown): value is ToolError =>
  value instanceof ToolError || (value instanceof Error && value.name === 'ToolError')
