import { CommanderError } from 'commander'
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
  const out = new Output(io, flags.includes('--json'))
  const verbose = flags.includes('--verbose')
  const signal = io.signal ?? new AbortController().signal
  try {
    await buildProgram({ io, out, signal }).parseAsync([...argv], { from: 'user' })
    return EXIT.ok
  } catch (error) {
    const code = exitCodeFor(error)
    if (code === EXIT.ok) return code // --help, --version
    out.document(errorDocument(error))
    // `context` without a subcommand: commander already printed the help on stderr.
    if (!(error instanceof CommanderError && error.code === 'commander.help')) out.warn(errorText(error, verbose))
    return code
  }
}

const endOfOptions = (argv: readonly string[]): number => {
  const at = argv.indexOf('--')
  return at === -1 ? argv.length : at
}
