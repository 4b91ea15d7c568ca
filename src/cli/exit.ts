import { CommanderError } from 'commander'
import { isAgentBayError, isValidationError } from '../shared/errors/index.js'
import { redactText, type Redactor } from '../shared/redact.js'

/**
 * Exit codes of `agentbay-rx`: 0 success; 1 remote failure (API/HTTP/network errors, a sync with
 * `Failed` tasks or out of time); 2 usage (unknown command or option, missing option,
 * `ValidationError`); 130 interrupted by Ctrl-C.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const
/** One of `EXIT`'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Bad command-line input found by our own checks (commander finds the rest). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The call worked but the outcome is a failure (e.g. a sync whose tasks failed). */
export class OutcomeError extends Error {
  override readonly name = 'OutcomeError'
}

/** The user pressed Ctrl-C. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError'
  constructor() {
    super('interrupted')
  }
}

/** Commander's "errors" that are really successful exits. */
const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version', 'commander.executeSubCommandAsync'])

/** The exit code for anything a command threw. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return COMMANDER_OK.has(error.code) ? EXIT.ok : EXIT.usage
  if (error instanceof UsageError || isValidationError(error)) return EXIT.usage
  if (error instanceof InterruptedError) return EXIT.interrupted
  return EXIT.failure
}

/** Category of a failure, for `--json` error documents. */
export function errorKind(error: unknown): string {
  if (error instanceof CommanderError || error instanceof UsageError) return 'usage'
  if (error instanceof InterruptedError) return 'interrupted'
  if (error instanceof OutcomeError) return 'outcome'
  if (isAgentBayError(error)) return error.kind
  return 'internal'
}

/**
 * The one line printed on stderr for a failure: `agentbay-rx: <message>`, redacted. With
 * `verbose`, the stack (also redacted) and the cause chain follow. `redact`: the run's redactor, which
 * knows the key the run was given.
 */
export function errorText(error: unknown, verbose: boolean, redact: Redactor['text'] = redactText): string {
  const line = redact(`agentbay-rx: ${messageOf(error)}`.split('\n')[0] ?? '')
  if (!verbose || !(error instanceof Error)) return line
  const details: string[] = [line]
  let current: unknown = error
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    details.push(redact(current.stack ?? `${current.name}: ${current.message}`))
    current = current.cause
  }
  return details.join('\n')
}

/** What `--json` prints on stdout when a command fails: exactly one document, like a success. */
export function errorDocument(error: unknown, redact: Redactor['text'] = redactText): Record<string, unknown> {
  const base = isAgentBayError(error) ? error.toJSON() : { name: error instanceof Error ? error.name : 'Error' }
  return { ok: false, exitCode: exitCodeFor(error), error: { ...base, kind: errorKind(error), message: redact(messageOf(error)) } }
}

/**
 * An error's message for the user. Commander's start with "error: " and put a suggestion on a
 * line of its own: keep it, on the same line ("unknown option '--sesion' (Did you mean --session?)").
 */
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message.replace(/^error: /, '').replace(/\n(\(Did you mean [^\n]*\))/, ' $1') : String(error)
