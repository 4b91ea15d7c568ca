import { CommanderError } from 'commander'
import { createRedactor } from '../shared/redact.js'
import { EXIT, errorDocument, errorText, exitCodeFor } from './exit.js'
import type { CliIo } from './io.js'
import { Output } from './output.js'
import { buildProgram } from './program.js'

/**
 * Runs `agentbay-rx` with `argv` (the arguments after the program name) and resolves to the exit
 * code; it never exits the process and never throws. Output goes to `io.stdout`/`io.stderr`.
 *
 * @example
 * const code = await runCli(['context', 'list', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env })
 * @see EXIT for the exit codes
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Known before parsing, so that even a usage error honours --json and --verbose.
  const flags = argv.slice(0, endOfOptions(argv))
  // The run's own redactor: it scrubs the key this run was given wherever it appears, even bare.
  const redact = createRedactor(runKeys(flags, io.env)).text
  const out = new Output(io, flags.includes('--json'), redact)
  const verbose = flags.includes('--verbose')
  const signal = io.signal ?? new AbortController().signal
  try {
    await buildProgram({ io, out, signal }).parseAsync([...argv], { from: 'user' })
    return EXIT.ok
  } catch (error) {
    const code = exitCodeFor(error)
    if (code === EXIT.ok) return code // --help, --version
    out.document(errorDocument(error, redact))
    // `context` without a subcommand: commander already printed the help on stderr.
    if (!(error instanceof CommanderError && error.code === 'commander.help')) out.warn(errorText(error, verbose, redact))
    return code
  }
}

const endOfOptions = (argv: readonly string[]): number => {
  const at = argv.indexOf('--')
  return at === -1 ? argv.length : at
}

/** The API keys this run may hold: `--api-key <key>`, `--api-key=<key>` and `AGENTBAY_API_KEY`. */
const runKeys = (flags: readonly string[], env: CliIo['env']): string[] => {
  const keys: string[] = []
  flags.forEach((flag, index) => {
    if (flag === '--api-key' && flags[index + 1] !== undefined) keys.push(flags[index + 1] as string)
    else if (flag.startsWith('--api-key=')) keys.push(flag.slice('--api-key='.length))
  })
  const fromEnv = env['AGENTBAY_API_KEY']
  if (fromEnv !== undefined) keys.push(fromEnv)
  return keys
}
