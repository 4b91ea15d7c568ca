import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { EXIT, InterruptedError, OutcomeError, UsageError, errorDocument, errorText, exitCodeFor } from '../../src/cli/exit.js'
import { Output } from '../../src/cli/output.js'
import { formatBytes, formatDuration, table, widthOf } from '../../src/cli/render/format.js'
import { createTaskProgress } from '../../src/cli/render/task-progress.js'
import { AgentBay, HttpError, NetworkError, ValidationError } from '../../src/entries/index.js'
import { runCli } from '../../src/cli/run.js'
import { createRedactor } from '../../src/shared/redact.js'
import { parseJson, runInProcess } from './helpers.js'

const task = (status: string, errorMessage = '') => ({
  contextId: 'SdkCtx-1',
  path: '/data',
  taskType: 'upload',
  status,
  errorMessage,
  startTime: 1,
  finishTime: 0,
})

const memoryOutput = (json = false, env: Record<string, string> = {}) => {
  let text = ''
  const out = new Output({ stdout: { write: (chunk: string) => (text += chunk), isTTY: false }, stderr: { write: () => true }, env }, json)
  return { out, text: () => text }
}

describe('exit codes', () => {
  it('maps usage, validation, remote and interrupt failures to 2, 2, 1 and 130', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(EXIT.usage)
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(EXIT.ok)
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT.usage)
    expect(exitCodeFor(new ValidationError('x'))).toBe(EXIT.usage)
    expect(exitCodeFor(new HttpError('x', { httpStatus: 401 }))).toBe(EXIT.failure)
    expect(exitCodeFor(new NetworkError('x'))).toBe(EXIT.failure)
    expect(exitCodeFor(new OutcomeError('sync failed'))).toBe(EXIT.failure)
    expect(exitCodeFor(new InterruptedError())).toBe(EXIT.interrupted)
  })

  it('prints one redacted line, and the stack only with --verbose', () => {
    const redact = createRedactor(['ak-render-secret-1234']).text
    const error = new Error('GetContextInfo failed: token=abc key ak-render-secret-1234\nsecond line')
    expect(errorText(error, false, redact)).toBe('agentbay-rx: GetContextInfo failed: token=<redacted> key <redacted>')
    const verbose = errorText(error, true, redact)
    expect(verbose.split('\n').length).toBeGreaterThan(2)
    expect(verbose).not.toContain('ak-render-secret-1234')
    expect(errorDocument(new HttpError('nope', { action: 'ListContexts', httpStatus: 401, code: 'InvalidApiKey' }))).toMatchObject({
      ok: false,
      exitCode: 1,
      error: { name: 'HttpError', kind: 'http', httpStatus: 401, code: 'InvalidApiKey', message: 'ListContexts failed: nope' },
    })
  })
})

describe('formatting', () => {
  it('formats bytes and durations for humans', () => {
    expect([formatBytes(12), formatBytes(1536), formatBytes(4 * 1024 * 1024)]).toEqual(['12 B', '1.5 KiB', '4.0 MiB'])
    expect([formatDuration(240), formatDuration(1234), formatDuration(61_000)]).toEqual(['240ms', '1.2s', '1m1s'])
  })

  it('aligns table columns by visible width, ignoring colour codes', () => {
    const lines = table(['A', 'B'], [['\x1b[32mgreen\x1b[39m', 'x'], ['yy', 'z']])
    expect(lines.map(widthOf)).toEqual([8, 8, 8])
    expect(lines[2]).toBe('yy     z')
  })
})

describe('task progress without a terminal', () => {
  it('prints one line per state change, never the same state twice', () => {
    const { out, text } = memoryOutput()
    const progress = createTaskProgress(out, { now: () => 0 })
    for (const status of ['Pending', 'Pending', 'Running', 'Running', 'Failed']) progress.update(task(status, status === 'Failed' ? 'disk full' : ''))
    progress.stop()
    const lines = text().trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines.map((line) => line.replace(/^.*\] /, ''))).toEqual([
      'upload   SdkCtx-1:/data  Pending',
      'upload   SdkCtx-1:/data  Running',
      'upload   SdkCtx-1:/data  Failed (disk full)',
    ])
    expect(text()).not.toMatch(/\x1b\[/)
  })

  it('prints nothing with --json', () => {
    const { out, text } = memoryOutput(true)
    const progress = createTaskProgress(out)
    progress.update(task('Running'))
    progress.stop()
    expect(text()).toBe('')
  })
})

describe('agentbay-rx emulator', () => {
  it('runs until Ctrl-C, printing one JSON document with the endpoint and the key it generated', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-cli-emu-'))
    try {
      const controller = new AbortController()
      // Ctrl-C once the emulator has announced itself (its JSON document is out), however long that takes.
      const onStdout = (stdout: string) => void (stdout.trim().endsWith('}') && controller.abort())
      const result = await runInProcess(['emulator', '--port', '0', '--data-dir', dataDir, '--json'], {}, { signal: controller.signal, onStdout })
      expect(result.code).toBe(0)
      const doc = parseJson<{ endpoint: string; apiKey: string; dataDir: string }>(result.stdout)
      expect(doc.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(doc.apiKey).toMatch(/^ak-dev-/)
      expect(doc.dataDir).toBe(dataDir)
      expect(result.stderr).toMatch(/AgentBay emulator stopped/)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

describe('agentbay-rx emulator --fault', () => {
  it('injects the faults it is given: every GetContextInfo answers 503, other actions work', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-cli-emu-'))
    const controller = new AbortController()
    let stdout = ''
    let announce: (doc: { endpoint: string; apiKey: string }) => void = () => undefined
    const announced = new Promise<{ endpoint: string; apiKey: string }>((resolve) => (announce = resolve))
    const argv = ['emulator', '--port', '0', '--data-dir', dataDir, '--json', '--fault', '503@GetContextInfo', '--fault-seed', '7']
    const running = runCli(argv, {
      stdout: {
        write: (chunk: string) => {
          stdout += chunk
          if (stdout.trim().endsWith('}')) announce(JSON.parse(stdout) as { endpoint: string; apiKey: string })
          return true
        },
        isTTY: false,
        columns: 100,
      },
      stderr: { write: () => true, isTTY: false },
      env: {},
      signal: controller.signal,
    })
    try {
      const { endpoint, apiKey } = await announced
      const agentBay = new AgentBay({ endpoint, apiKey, env: {}, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } })
      const info = await agentBay.session('s-1').context.infoAsync()
      expect(info.success).toBe(false)
      expect(info.error).toMatchObject({ name: 'HttpError', httpStatus: 503 })
      const created = await agentBay.context.createAsync('fault-free')
      expect(created.success).toBe(true)
    } finally {
      controller.abort()
      expect(await running).toBe(0)
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('rejects a malformed fault rule as a usage error', async () => {
    const result = await runInProcess(['emulator', '--fault', 'explode@GetContextInfo'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/unknown fault kind explode/)
  })
})
