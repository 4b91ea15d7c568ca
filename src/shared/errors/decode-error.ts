import { redactText } from '../redact.js'
import { AgentBayError, type ErrorDetails } from './agentbay-error.js'

/**
 * A response body did not match the protocol. `path` is the io-ts path that failed
 * (e.g. `Data.ContextStatus[0].data[1].status`), `excerpt` a short, redacted piece of the body.
 */
export class DecodeError extends AgentBayError {
  override readonly name = 'DecodeError' as const
  readonly kind = 'decode' as const
  readonly path: string
  readonly excerpt: string
  constructor(reason: string, details: ErrorDetails & { readonly path: string; readonly body?: string }) {
    super(`${reason} at ${details.path || '<root>'}`, details)
    this.path = details.path
    this.excerpt = excerptOf(details.body ?? '')
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, excerpt: this.excerpt }
  }
}

const EXCERPT_LENGTH = 120
const excerptOf = (body: string): string => {
  const redacted = redactText(body)
  return redacted.length > EXCERPT_LENGTH ? `${redacted.slice(0, EXCERPT_LENGTH)}…` : redacted
}

export const isDecodeError = (value: unknown): value is DecodeError =>
  value instanceof DecodeError || (value instanceof Error && value.name === 'DecodeError')
