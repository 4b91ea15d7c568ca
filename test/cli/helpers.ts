import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../src/cli/run.js'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** The CLI from source, so the tests need no prior `npm run build`. */
export const CLI_SOURCE = join(REPO_ROOT, 'src/cli/main.ts')
export const TEST_KEY = 'ak-cli-test-5f2c9e1d7b'

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The parent's environment without anything that would change the CLI's behaviour. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('AGENTBAY_') || key === 'FORCE_COLOR' || key === 'NO_COLOR') continue
    env[key] = value
  }
  return { ...env, ...extra }
}

/** Runs `node --import tsx src/cli/main.ts …args` as a real process. */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunResult> {
  return runProcess(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], env, timeoutMs)
}

export function runProcess(file: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(file, [...args], { cwd: REPO_ROOT, env: cleanEnv(env), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      done({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

/** Runs `runCli` in this process with string buffers for stdout/stderr. */
export async function runInProcess(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
  options: { readonly signal?: AbortSignal; readonly tty?: boolean; readonly onStdout?: (stdoutSoFar: string) => void } = {},
): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk
        options.onStdout?.(stdout) // lets a test act on what was printed (e.g. Ctrl-C once a line is out)
        return true
      },
      isTTY: options.tty === true,
      columns: 100,
    },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    env,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
  return { code, stdout, stderr }
}

/** A fresh emulator on a free loopback port with its own temp data dir; `close()` removes both. */
export async function testEmulator(options: EmulatorOptions = {}): Promise<{ emulator: Emulator; env: Record<string, string>; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-cli-test-'))
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20, apiKeys: [TEST_KEY], ...options })
  return {
    emulator,
    env: { AGENTBAY_ENDPOINT: emulator.url, AGENTBAY_API_KEY: emulator.apiKey },
    async close() {
      await emulator.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Parses stdout as exactly one JSON document (throws otherwise). */
export function parseJson<T = Record<string, unknown>>(stdout: string): T {
  return JSON.parse(stdout) as T
}

/**
 * `agentbay-rx emulator … --json` run in this process: resolves with the document it printed once
 * listening; `stop()` sends Ctrl-C and resolves with the exit code.
 */
export async function runEmulatorCli(args: readonly string[], env: Record<string, string | undefined> = {}) {
  const controller = new AbortController()
  let stdout = ''
  let stderr = ''
  let announce: (document: { endpoint: string; apiKey?: string; dataDir: string }) => void = () => undefined
  const announced = new Promise<{ endpoint: string; apiKey?: string; dataDir: string }>((resolve) => (announce = resolve))
  const running = runCli(['emulator', '--json', ...args], {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk
        if (stdout.trim().endsWith('}')) announce(JSON.parse(stdout) as { endpoint: string; apiKey?: string; dataDir: string })
        return true
      },
      isTTY: false,
      columns: 100,
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk
        return true
      },
      isTTY: false,
    },
    env,
    signal: controller.signal,
  })
  const ended = running.then((code) => ({ code, stdout, stderr }))
  const document = await Promise.race([announced, ended.then((result) => Promise.reject(new Error(`emulator exited ${result.code}: ${result.stderr}`)))])
  return {
    ...document,
    stderr: () => stderr,
    async stop(): Promise<number> {
      controller.abort()
      return running
    },
  }
}
