import type { FaultsInput } from './faults.js'
import { isWildcardHost, startEmulator, type Emulator } from './emulator.js'

/** Options the CLI passes through (argument parsing lives in the CLI itself). */
export interface EmulatorCliOptions {
  readonly port?: number
  readonly host?: string
  readonly dataDir?: string
  /** A fixed key; without it the development key in `dataDir` is used (created on first start). */
  readonly apiKey?: string
  readonly taskDelayMs?: number
  readonly bytesPerSecond?: number
  readonly faults?: FaultsInput
  /** Where to print the banner and request log; default `console.log`. */
  readonly log?: (line: string) => void
  /** Log one line per request. Default false. */
  readonly verbose?: boolean
  /** How long in-flight sync tasks may finish on SIGINT/SIGTERM before they are recorded Failed. Default 5000 ms. */
  readonly shutdownGraceMs?: number
  /** Signal source; default `process` (injectable for tests). */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'off'>
}

/** A running CLI emulator: the emulator plus a promise that settles once it shut down. */
export interface EmulatorCliHandle {
  readonly emulator: Emulator
  /** Resolves after a signal (or `stop()`) closed the emulator. */
  readonly stopped: Promise<void>
  /** Same shutdown as a signal would do. */
  stop(): Promise<void>
}

/**
 * Starts the emulator for `agentbay-rx emulator`, prints the endpoint and key, and shuts down
 * gracefully on SIGINT/SIGTERM: no new requests, in-flight tasks get `shutdownGraceMs` to finish
 * and are otherwise recorded `Failed`, state is flushed. Writes are atomic, so nothing is left
 * half-written.
 *
 * @example
 * const { stopped } = await runEmulatorFromCli({ port: 8787, dataDir: './.agentbay-emulator' })
 * await stopped
 *
 * @see startEmulator
 */
export async function runEmulatorFromCli(options: EmulatorCliOptions = {}): Promise<EmulatorCliHandle> {
  const log = options.log ?? ((line: string) => console.log(line))
  const emulator = await startEmulator({
    ...definedOnly({
      port: options.port,
      host: options.host,
      dataDir: options.dataDir,
      taskDelayMs: options.taskDelayMs,
      bytesPerSecond: options.bytesPerSecond,
      faults: options.faults,
    }),
    ...(options.apiKey === undefined ? {} : { apiKeys: [options.apiKey] }),
    ...(options.verbose === true ? { log } : {}),
  })
  const bound = isWildcardHost(emulator.host) ? ` (bound to ${emulator.host}: every interface, plain http)` : ''
  log(`AgentBay emulator listening on ${emulator.endpoint}${bound}`)
  log(`  data directory: ${emulator.dataDir}`)
  // The key is printed once, at start, because the user needs it; a key they chose is masked.
  log(`  API key: ${options.apiKey === undefined ? emulator.apiKey : mask(emulator.apiKey)}`)
  log(`  try: AGENTBAY_API_KEY=<key> AGENTBAY_ENDPOINT=${emulator.endpoint}`)

  const signals = options.signals ?? process
  let settleStopped: (shutdown: Promise<void>) => void = () => undefined
  const stopped = new Promise<void>((resolve) => (settleStopped = resolve))
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    if (stopping !== undefined) return stopping
    signals.off('SIGINT', onSignal)
    signals.off('SIGTERM', onSignal)
    log('AgentBay emulator shutting down…')
    stopping = emulator.close({ graceMs: options.shutdownGraceMs ?? 5000 }).then(() => log('AgentBay emulator stopped'))
    settleStopped(stopping)
    return stopping
  }
  const onSignal = (): void => void stop()
  signals.once('SIGINT', onSignal)
  signals.once('SIGTERM', onSignal)
  return { emulator, stopped, stop }
}

const mask = (key: string): string => (key.length <= 8 ? '****' : `${key.slice(0, 4)}…${key.slice(-2)}`)

/** Drops `undefined` values so they never override defaults (style §5). */
function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
