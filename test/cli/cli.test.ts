import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstValueFrom } from 'rxjs'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EmulatorOptions } from '../../src/emulator/index.js'
import { AgentBay } from '../../src/entries/index.js'
import { TEST_KEY, parseJson, runCliProcess, runInProcess, testEmulator } from './helpers.js'

type TestEmulator = Awaited<ReturnType<typeof testEmulator>>

/** A single `agentbay-rx: …` line on stderr, no stack trace. */
const expectOneErrorLine = (stderr: string, pattern: RegExp): void => {
  const lines = stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^agentbay-rx: /)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe('agentbay-rx usage errors (exit 2)', () => {
  it('rejects an unknown command and an unknown option as a process, with one line on stderr', async () => {
    const [command, option] = await Promise.all([runCliProcess(['frobnicate']), runCliProcess(['context', 'list', '--bogus'])])
    expect(command.code).toBe(2)
    expectOneErrorLine(command.stderr, /unknown command 'frobnicate'/)
    expect(command.stdout).toBe('')
    expect(option.code).toBe(2)
    expectOneErrorLine(option.stderr, /unknown option '--bogus'/)
  })

  it.each([
    [['sync'], /required option '--session <id>' not specified/],
    // A mistyped required flag is named (stop 18 item 4), not reported as the required one missing.
    [['sync', '--sesion', 's-1'], /unknown option '--sesion'\s+\(Did you mean --session\?\)/],
    [['info', '--sesion', 's-1', '--watch'], /unknown option '--sesion'\s+\(Did you mean --session\?\)/],
    [['sync', '--session', 's-1', '--mode', 'sideways'], /Allowed choices are upload, download/],
    [['sync', '--session', 's-1', '--context', 'SdkCtx-1'], /--context and --path must be given together/],
    [['info', '--session', 's-1', '--watch', '--interval', 'soon'], /expected an integer/],
    // 1e300 is an integer, but it would be sent as "1e+300": the same rule as the SDK's counts.
    [['context', 'files', 'SdkCtx-1', '--page', '1e300'], /expected an integer ≥ 1/],
    [['context', 'get'], /either a context name or --id/],
    [['session', 'create', '--mount', 'no-colon'], /CONTEXT_ID:PATH/],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await runInProcess(argv, { AGENTBAY_API_KEY: TEST_KEY, AGENTBAY_ENDPOINT: 'http://127.0.0.1:9' })
    expect(result.code).toBe(2)
    expectOneErrorLine(result.stderr, message)
  })

  // Number() reads most of these as numbers ('0x10' as 16, ' 7 ' as 7, '' as 0, '1e3' as 1000):
  // an integer flag takes plain decimal digits only (closing note 17, Left).
  const NOT_DECIMAL = ['0x10', ' 7 ', '1_000', '0b1', '', '1e3', '+5', '7.0', '0o7']
  it.each([
    ...NOT_DECIMAL.map((value) => ['--page', ['context', 'files', 'SdkCtx-1', '--page', value]] as const),
    ...NOT_DECIMAL.map((value) => ['--page-size', ['context', 'files', 'SdkCtx-1', '--page-size', value]] as const),
    ['--limit', ['context', 'list', '--limit', '0x10']] as const,
    ['--interval', ['info', '--session', 's-1', '--watch', '--interval', '0x10']] as const,
  ])('exits 2 for %s %j: not plain decimal digits, naming the flag', async (flag, argv) => {
    const result = await runInProcess([...argv], { AGENTBAY_API_KEY: TEST_KEY, AGENTBAY_ENDPOINT: 'http://127.0.0.1:9' })
    expect(result.code).toBe(2)
    expectOneErrorLine(result.stderr, new RegExp(`option '${flag} <[a-z]+>' argument .* is invalid\\. expected an integer ≥ 1, in decimal digits`))
  })

  it('exits 2 for a --timeout that is not decimal notation, naming the flag', async () => {
    const result = await runInProcess(['sync', '--session', 's-1', '--timeout', '0x10'], { AGENTBAY_API_KEY: TEST_KEY, AGENTBAY_ENDPOINT: 'http://127.0.0.1:9' })
    expect(result.code).toBe(2)
    expectOneErrorLine(result.stderr, /option '--timeout <seconds>' argument '0x10' is invalid\. expected a number > 0, in decimal digits/)
  })

  it('exits 2 when no API key is configured, naming both ways to give one', async () => {
    const result = await runInProcess(['context', 'list'], {})
    expect(result.code).toBe(2)
    expectOneErrorLine(result.stderr, /pass --api-key or set AGENTBAY_API_KEY/)
  })

  it('exits 2 on a ValidationError from the SDK (an http endpoint that is not loopback)', async () => {
    const result = await runInProcess(['context', 'list', '--endpoint', 'http://example.com'], { AGENTBAY_API_KEY: TEST_KEY })
    expect(result.code).toBe(2)
    expectOneErrorLine(result.stderr, /refusing plain http/)
  })

  it('still prints exactly one JSON document with --json', async () => {
    const result = await runInProcess(['--json', 'sync'], {})
    expect(result.code).toBe(2)
    expect(parseJson(result.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { kind: 'usage' } })
  })

  it('exits 0 for --help', async () => {
    const result = await runInProcess(['--help'], {})
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Usage: agentbay-rx/)
    expect(result.stdout).toMatch(/demo/)
  })
})

describe('agentbay-rx against the emulator', () => {
  let env: TestEmulator
  beforeAll(async () => {
    env = await testEmulator()
  })
  afterAll(async () => {
    await env.close()
  })

  it('exits 1 with a clear one-line error for a wrong key, and never prints the key', async () => {
    const wrongKey = 'ak-wrong-key-do-not-print-4711'
    const [list, sync, verbose] = await Promise.all([
      runCliProcess(['context', 'list'], { AGENTBAY_ENDPOINT: env.emulator.url, AGENTBAY_API_KEY: wrongKey }),
      runCliProcess(['sync', '--session', 's-1', '--mode', 'upload', '--api-key', wrongKey], { AGENTBAY_ENDPOINT: env.emulator.url }),
      runCliProcess(['--verbose', '--json', 'context', 'list', '--api-key', wrongKey], { AGENTBAY_ENDPOINT: env.emulator.url }),
    ])
    expect(list.code).toBe(1)
    expectOneErrorLine(list.stderr, /ListContexts failed: HTTP 401 .*API key/)
    expect(sync.code).toBe(1)
    expectOneErrorLine(sync.stderr, /HTTP 401/)
    expect(verbose.code).toBe(1)
    expect(verbose.stderr).toMatch(/\n\s+at /) // --verbose shows the stack…
    expect(parseJson(verbose.stdout)).toMatchObject({ ok: false, exitCode: 1, error: { kind: 'http', httpStatus: 401 } })
    for (const run of [list, sync, verbose]) {
      expect(run.stdout + run.stderr).not.toContain(wrongKey) // …but never the key
      expect(run.stdout + run.stderr).not.toContain(TEST_KEY)
    }
  })

  it('--json prints one parsable document per command through a context → session → sync → info → delete flow', async () => {
    // The first steps run as real processes; the rest in-process (same code path, faster).
    const run = async (where: 'process' | 'in-process', ...args: string[]) => {
      const result = where === 'process' ? await runCliProcess(['--json', ...args], env.env) : await runInProcess(['--json', ...args], env.env)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).not.toMatch(/\x1b\[/) // no colour or cursor codes
      return parseJson<Record<string, any>>(result.stdout)
    }
    const created = await run('process', 'context', 'create', 'cli-json')
    expect(created).toMatchObject({ ok: true, context: { name: 'cli-json', state: 'available' } })
    const contextId = created['context'].id as string

    const session = await run('process', 'session', 'create', '--mount', `${contextId}:/home/wuying/data`, '--label', 'suite=cli')
    expect(session).toMatchObject({ ok: true, downloads: { success: true } })
    const sessionId = session['sessionId'] as string

    await new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} }).session(sessionId).fs.writeFileAsync('/home/wuying/data/hello.txt', 'hi')
    const [sync, list] = await Promise.all([run('process', 'sync', '--session', sessionId, '--mode', 'upload'), run('in-process', 'context', 'list')])
    expect(sync).toMatchObject({ ok: true, success: true, timedOut: false, mode: 'upload', sessionId })
    expect(sync['tasks']).toEqual([expect.objectContaining({ contextId, path: '/home/wuying/data', taskType: 'upload', status: 'Success' })])
    expect(list['contexts']).toContainEqual(expect.objectContaining({ id: contextId, name: 'cli-json' }))

    const [info, files, sessions] = await Promise.all([
      run('in-process', 'info', '--session', sessionId, '--task-type', 'upload'),
      run('in-process', 'context', 'files', contextId),
      run('in-process', 'session', 'list', '--label', 'suite=cli'),
    ])
    expect(info['contextStatusData']).toEqual([expect.objectContaining({ taskType: 'upload', status: 'Success' })])
    expect(files['entries']).toEqual([expect.objectContaining({ fileName: 'hello.txt', size: 2 })])
    expect(sessions['sessions']).toEqual([{ sessionId, status: 'RUNNING' }])

    expect(await run('in-process', 'session', 'delete', sessionId)).toMatchObject({ ok: true, deleted: true })
    expect(await run('in-process', 'context', 'rename', contextId, 'cli-json-2')).toMatchObject({ ok: true })
    expect(await run('in-process', 'context', 'get', '--id', contextId)).toMatchObject({ context: { id: contextId, name: 'cli-json-2' } })
    expect(await run('in-process', 'context', 'clear', contextId, '--timeout', '10')).toMatchObject({ ok: true, contextId })
    expect(await run('in-process', 'context', 'delete', contextId)).toMatchObject({ ok: true, deleted: contextId })
  })

  it('prints human tables and task lines when stdout is not a terminal', async () => {
    const created = await runInProcess(['context', 'create', 'cli-human'], env.env)
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^✔ context SdkCtx-\S+ \(cli-human\) is available\n$/)
    const list = await runInProcess(['context', 'list'], env.env)
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATE/)
    expect(list.stdout).not.toMatch(/\x1b\[/)
  })
})

describe('sync and info outcomes', () => {
  let env: TestEmulator
  let agentBay: AgentBay
  afterEach(async () => {
    await env.close()
  })

  const setup = async (options: EmulatorOptions = {}) => {
    env = await testEmulator({ taskDelayMs: 60, ...options })
    agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('outcomes'))
    const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))
    return { contextId: context.id, sessionId: session.sessionId }
  }

  it('sync exits 1 and names the failed task when a task ends Failed', async () => {
    const { contextId, sessionId } = await setup()
    // A mount path that is a symlink makes the emulator fail the task (it never follows links).
    const outside = await mkdtemp(join(tmpdir(), 'agentbay-cli-outside-'))
    await mkdir(env.emulator.sessionRoot(sessionId), { recursive: true })
    await symlink(outside, join(env.emulator.sessionRoot(sessionId), 'mnt'))
    try {
      const result = await runInProcess(['sync', '--session', sessionId, '--context', contextId, '--path', '/mnt', '--mode', 'download'], env.env)
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/download\s+\S+:\/mnt\s+Failed/)
      expectOneErrorLine(result.stderr, /sync failed: download .*:\/mnt failed/)
    } finally {
      await rm(outside, { recursive: true, force: true })
    }
  })

  it('sync exits 1 when its tasks are still running at --timeout', async () => {
    // Tasks that outlast any test: the command must give up at --timeout, not when the task ends.
    env = await testEmulator({ taskDelayMs: 600_000 })
    agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('slow'))
    // Do not wait for the (slow) download at creation: one poll, then go.
    const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/data' }], downloadWait: { maxPolls: 1 } }))
    // --timeout is a wall-clock deadline that includes the trigger: 5 s lets a loaded machine get the
    // trigger out, so it ends with the task still running, not as "not triggered".
    const result = await runInProcess(['sync', '--session', session.sessionId, '--context', context.id, '--path', '/data', '--mode', 'upload', '--timeout', '5'], env.env)
    expect(result.code).toBe(1)
    const upload = env.emulator.tasks({ sessionId: session.sessionId }).filter((task) => task.taskType === 'upload')
    expect(upload.map((task) => task.status)).toEqual([expect.stringMatching(/^(Pending|Running)$/)]) // it did not wait for the task
    expect(result.stdout).toMatch(/sync timed out/)
    expectOneErrorLine(result.stderr, /sync failed: sync timed out with 1 task\(s\) still in progress/)
  })

  it('sync shows each task state change as a plain line and exits 0', async () => {
    const { sessionId } = await setup()
    const result = await runInProcess(['sync', '--session', sessionId, '--mode', 'upload'], env.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/upload\s+SdkCtx-\S+:\/home\/wuying\/data\s+Success/)
    expect(result.stdout).toMatch(/✔ 1 task\(s\) succeeded/)
  })

  it('info --watch --until-done prints the changes and stops once every task is terminal', async () => {
    const { sessionId } = await setup()
    const watch = runInProcess(['info', '--session', sessionId, '--watch', '--until-done', '--interval', '100', '--task-type', 'upload', '--json'], env.env)
    await firstValueFrom(agentBay.session(sessionId).context.sync({ mode: 'upload' }).pipe())
    const result = await watch
    expect(result.code).toBe(0)
    const doc = parseJson<{ polls: number; changes: { status: string }[]; contextStatusData: { status: string }[] }>(result.stdout)
    expect(doc.contextStatusData).toEqual([expect.objectContaining({ status: 'Success' })])
    expect(doc.changes.at(-1)).toMatchObject({ status: 'Success' })
    expect(doc.polls).toBeGreaterThanOrEqual(1)
  })

  it('info --watch ends with exit 0 on Ctrl-C', async () => {
    const { sessionId } = await setup()
    const controller = new AbortController()
    // Ctrl-C once the first poll's line is out (not after a fixed time: a loaded machine may be slower).
    const onStdout = (stdout: string) => void (/Success/.test(stdout) && controller.abort())
    const result = await runInProcess(['info', '--session', sessionId, '--watch', '--interval', '100'], env.env, { signal: controller.signal, onStdout })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/download\s+SdkCtx-\S+:\/home\/wuying\/data\s+Success/)
    expect(result.stdout).toMatch(/\d+ poll\(s\), 1 change\(s\)/)
  })

  it('a long command interrupted by Ctrl-C exits 130', async () => {
    // 100 kB to upload at 1 kB/s: the sync cannot end before the Ctrl-C, however slow the machine.
    const { sessionId } = await setup({ bytesPerSecond: 1000 })
    expect(await agentBay.session(sessionId).fs.writeFileAsync('/home/wuying/data/big.txt', 'x'.repeat(100_000))).toMatchObject({ success: true })
    const controller = new AbortController()
    const triggers = () => env.emulator.stats().calls['SyncContext'] ?? 0
    const before = triggers()
    const sync = runInProcess(['sync', '--session', sessionId, '--mode', 'upload'], env.env, { signal: controller.signal })
    // Ctrl-C once the sync really is under way (its trigger reached the emulator), whatever the load.
    await vi.waitFor(() => expect(triggers()).toBeGreaterThan(before), { timeout: 15_000, interval: 2 })
    controller.abort()
    const result = await sync
    expect(result.code).toBe(130)
    expectOneErrorLine(result.stderr, /interrupted/)
  })
})
