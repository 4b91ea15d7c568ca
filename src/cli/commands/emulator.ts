import { InvalidArgumentError } from 'commander'
// Only the fault syntax is loaded with the CLI; the emulator itself is imported when this command runs.
import { parseFaultSpec } from '../../emulator/fault-spec.js'
import type { EmulatorCliOptions, FaultRule } from '../../emulator/index.js'
import type { CommandContext } from '../command-context.js'

/** Options of `agentbay-rx emulator` (the API key comes from the global `--api-key`). */
export interface EmulatorCommandOptions {
  readonly port?: number
  readonly host?: string
  readonly dataDir?: string
  readonly taskDelay?: number
  readonly bytesPerSecond?: number
  /** `--fault`, repeatable. */
  readonly fault?: readonly FaultRule[]
  readonly faultSeed?: number
}

/** `--fault RULE`, repeatable (syntax: `FAULT_SPEC_HELP`); a bad or inapplicable rule is a usage error. */
export function collectFault(value: string, previous: readonly FaultRule[] = []): FaultRule[] {
  try {
    return [...previous, parseFaultSpec(value)]
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error))
  }
}

/**
 * `agentbay-rx emulator [--port] [--host] [--data-dir] [--api-key] [--task-delay] [--bytes-per-second] [--fault …]`:
 * runs the emulator until Ctrl-C, then shuts it down gracefully and exits 0. `--api-key` is the
 * global option: here it fixes the key the emulator accepts. `--verbose` logs each request.
 * With `--json` the banner goes to stderr and stdout gets one document `{ endpoint, dataDir, apiKey? }`
 * (the key only when it is the generated development key, which the user has to learn somehow).
 */
export async function emulatorCommand(ctx: CommandContext, options: EmulatorCommandOptions): Promise<void> {
  const { out, signal } = ctx
  const apiKey = ctx.globals.apiKey
  // Shutdown follows the CLI's own Ctrl-C signal, so main.ts stays the only SIGINT listener that matters
  // and in-process runs (tests) can stop it too.
  const listeners = new Map<() => void, () => void>()
  const signals = {
    once: (_event: string, listener: () => void) => {
      const wrapped = (): void => listener()
      listeners.set(listener, wrapped)
      signal.addEventListener('abort', wrapped, { once: true })
      return signals
    },
    off: (_event: string, listener: () => void) => {
      const wrapped = listeners.get(listener)
      if (wrapped !== undefined) signal.removeEventListener('abort', wrapped)
      return signals
    },
  } as unknown as EmulatorCliOptions['signals']
  const cliOptions: EmulatorCliOptions = {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.taskDelay === undefined ? {} : { taskDelayMs: options.taskDelay }),
    ...(options.bytesPerSecond === undefined ? {} : { bytesPerSecond: options.bytesPerSecond }),
    ...(options.fault === undefined ? {} : { faults: { rules: options.fault, ...(options.faultSeed === undefined ? {} : { seed: options.faultSeed }) } }),
    ...(apiKey === undefined ? {} : { apiKey }),
    verbose: ctx.verbose,
    log: (line) => (out.json ? void ctx.io.stderr.write(`${line}\n`) : void ctx.io.stdout.write(`${line}\n`)),
    ...(signals === undefined ? {} : { signals }),
  }
  const { runEmulatorFromCli } = await import('../../emulator/index.js')
  const handle = await runEmulatorFromCli(cliOptions)
  if (signal.aborted) void handle.stop() // Ctrl-C during start-up
  out.document({
    ok: true,
    endpoint: handle.emulator.endpoint,
    dataDir: handle.emulator.dataDir,
    ...(apiKey === undefined ? { apiKey: handle.emulator.apiKey } : {}),
  })
  await handle.stopped
}
