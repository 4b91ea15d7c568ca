import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { collectFault } from '../../src/cli/commands/emulator.js'
import { rpc } from '../emulator/helpers.js'
import { parseJson, runEmulatorCli, runInProcess } from './helpers.js'

const dirs: string[] = []
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'agentbay-cli-flags-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('agentbay-rx emulator --host 0.0.0.0 (issue 9 item 14)', () => {
  it('prints a loopback endpoint the CLI itself accepts', async () => {
    const emulator = await runEmulatorCli(['--host', '0.0.0.0', '--port', '0', '--data-dir', await tempDir()])
    try {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(emulator.stderr()).toContain(`listening on ${emulator.endpoint} (bound to 0.0.0.0`)
      const listed = await runInProcess(['context', 'create', 'reachable', '--json'], { AGENTBAY_ENDPOINT: emulator.endpoint, AGENTBAY_API_KEY: emulator.apiKey })
      expect(listed.code, listed.stderr).toBe(0)
      expect(parseJson(listed.stdout)).toMatchObject({ ok: true })
    } finally {
      expect(await emulator.stop()).toBe(0)
    }
  })
})

describe('--allow-insecure-http (issue 9 item 14)', () => {
  it('is required for plain http to a non-loopback host, and then lets the call through', async () => {
    const emulator = await runEmulatorCli(['--host', '0.0.0.0', '--port', '0', '--data-dir', await tempDir()])
    try {
      // What the emulator printed before the fix: not loopback, so the key would travel in clear.
      const wildcard = emulator.endpoint.replace('127.0.0.1', '0.0.0.0')
      const env = { AGENTBAY_API_KEY: emulator.apiKey }
      const refused = await runInProcess(['context', 'create', 'insecure', '--endpoint', wildcard, '--json'], env)
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/--allow-insecure-http/)
      expect(refused.stderr).not.toContain(emulator.apiKey!)
      for (const argv of [
        ['context', 'create', 'insecure', '--endpoint', wildcard, '--allow-insecure-http', '--json'],
        ['--allow-insecure-http', 'context', 'list', '--json'], // global option before the command, endpoint from the environment
      ]) {
        const allowed = await runInProcess(argv, { ...env, AGENTBAY_ENDPOINT: wildcard })
        expect(allowed.code, allowed.stderr).toBe(0)
        expect(parseJson(allowed.stdout)).toMatchObject({ ok: true })
      }
    } finally {
      expect(await emulator.stop()).toBe(0)
    }
  })
})

describe('agentbay-rx emulator --fault (issue 9 item 15)', () => {
  it('parses every field a programmatic rule has', () => {
    expect(collectFault('503@GetContextInfo:0.1')).toEqual([{ kind: '503', action: 'GetContextInfo', rate: 0.1 }])
    expect(collectFault('reset@SyncContext,when=after,times=1')).toEqual([{ kind: 'reset', action: 'SyncContext', when: 'after', times: 1 }])
    expect(collectFault('latency:0.5,ms=300')).toEqual([{ kind: 'latency', rate: 0.5, latencyMs: 300 }])
    expect(collectFault('malformedContextStatus@GetContextInfo,layer=2')).toEqual([{ kind: 'malformedContextStatus', action: 'GetContextInfo', layer: 2 }])
    expect(collectFault('throttle@*,retry-after=3,message=slow down')).toEqual([{ kind: 'throttle', action: '*', retryAfterSeconds: 3, message: 'slow down' }])
    expect(collectFault('successFalse@GetSession,code=InvalidSession,message=gone, really')).toEqual([
      { kind: 'successFalse', action: 'GetSession', code: 'InvalidSession', message: 'gone, really' },
    ])
    // Repeatable: each flag adds a rule.
    expect(collectFault('500', collectFault('wrongTypes@ListContexts'))).toEqual([{ kind: 'wrongTypes', action: 'ListContexts' }, { kind: '500' }])
  })

  it.each([
    ['malformedContextStatus@ListContexts', /malformedContextStatus applies only to GetContextInfo/],
    ['503,layer=2', /layer applies only to malformedContextStatus/],
    ['truncated,when=after', /when applies only to 500, 503, throttle, reset/],
    ['503,ms=10', /latencyMs applies only to latency/],
    ['reset,message=x', /message applies only to/],
    ['successFalseNoCode,code=X', /code applies only to successFalse/],
    ['503:0.5,times=2', /RATE or times=N, not both/],
    ['503@NoSuchAction', /expected KIND|unknown action/],
    ['503@ListSessions', /unknown action ListSessions/],
    ['503,when=later', /when must be 'before' or 'after'/],
    ['503:2', /rate must be within 0..1/],
    ['503,times=1.5', /times must be a non-negative integer/],
    ['latency,ms=-1', /latencyMs must be within/],
    ['latency,ms=soon', /ms must be a number/],
    ['503,times=1,times=2', /given twice/],
    ['503,colour=red', /unknown fault option/],
    ['explode', /unknown fault kind explode/],
  ])('refuses %s as a usage error (exit 2)', async (rule, message) => {
    expect(() => collectFault(rule)).toThrow(message)
    const result = await runInProcess(['emulator', '--fault', rule])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it('documents the syntax in --help', async () => {
    const help = await runInProcess(['emulator', '--help'])
    expect(help.code).toBe(0)
    for (const word of ['KIND[@ACTION][:RATE][,OPTION=VALUE]', 'times=N', 'when=before|after', 'ms=N', 'retry-after=N', 'layer=1|2|3', 'code=CODE', 'message=TEXT'])
      expect(help.stdout).toContain(word)
  })

  it('applies flags end to end: malformedContextStatus layer 2 once, and a 503 after the action ran', async () => {
    const emulator = await runEmulatorCli([
      '--port', '0', '--data-dir', await tempDir(), '--task-delay', '0',
      '--fault', 'malformedContextStatus@GetContextInfo,layer=2,times=1',
      '--fault', '503@GetContext,when=after,times=1',
    ])
    const env = { AGENTBAY_ENDPOINT: emulator.endpoint, AGENTBAY_API_KEY: emulator.apiKey }
    try {
      const session = await runInProcess(['session', 'create', '--json'], env)
      const sessionId = parseJson<{ sessionId: string }>(session.stdout).sessionId
      const info = () => rpc({ url: emulator.endpoint }, emulator.apiKey, 'GetContextInfo', { SessionId: sessionId })
      const broken = await info()
      expect(broken.status).toBe(200)
      expect(JSON.parse(broken.json['Data']['ContextStatus'] as string)).toEqual([{ type: 'data', data: 42 }]) // layer 2
      expect((await info()).json['Data']['ContextStatus']).toBe('[]') // times=1: the next call is clean

      // when=after: the create happened on the server although its answer was a 503.
      const lost = await rpc({ url: emulator.endpoint }, emulator.apiKey, 'GetContext', { Name: 'applied', AllowCreate: 'true' })
      expect(lost.status).toBe(503)
      const found = await runInProcess(['context', 'get', 'applied', '--json'], env)
      expect(found.code, found.stderr).toBe(0)
    } finally {
      expect(await emulator.stop()).toBe(0)
    }
  })
})
