// Security under faults (issue 6): the API key stays out of every error, log line and CLI output;
// plain HTTP to a non-loopback host is refused before any I/O; tenants stay isolated and paths
// cannot escape, as seen through the SDK (the emulator's own checks live in test/emulator/security.test.ts).
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaultRule } from '../../src/emulator/index.js'
import { AgentBay, isAgentBayError, ValidationError, type Session } from '../../src/entries/index.js'
import { MOUNT, SYNC, createClient, keyLeaks, sessionWithMount, startHarness, type Harness, type TestClient } from './helpers.js'

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
// Reserved characters on purpose: the key travels form-encoded, and in SyncContext's query string.
const KEY_A = 'ak-secret-A+/=&?%20key'
const KEY_B = 'ak-secret-B'

let harness: Harness
let clientA: TestClient
let clientB: TestClient
let session: Session
let contextId: string

beforeAll(async () => {
  harness = await startHarness({ apiKeys: [KEY_A, KEY_B] })
  clientA = createClient(harness.emulator)
  clientB = createClient({ apiKey: KEY_B, endpoint: harness.emulator.endpoint })
  ;({ session, contextId } = await sessionWithMount(clientA.agentBay, 'security'))
})

afterAll(async () => {
  clientA?.destroy()
  clientB?.destroy()
  await harness?.close()
})

describe('plain HTTP', () => {
  it.each(['http://example.com', 'http://10.0.0.7:8080', 'http://[2001:db8::1]/'])(
    'refuses %s with a ValidationError before any I/O, without echoing the key',
    (endpoint) => {
      let requests = 0
      const fetchSpy: typeof fetch = () => {
        requests += 1
        return Promise.reject(new Error('no request expected'))
      }
      let thrown: unknown
      try {
        new AgentBay({ apiKey: KEY_A, endpoint, env: {}, fetch: fetchSpy })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(ValidationError)
      expect(keyLeaks(KEY_A, thrown)).toEqual([])
      expect(requests).toBe(0)
    },
  )

  it('allows loopback over plain HTTP, and a non-loopback host only when insecure HTTP is opted into', () => {
    expect(() => new AgentBay({ apiKey: KEY_A, endpoint: 'http://127.0.0.1:1', env: {} })).not.toThrow()
    expect(() => new AgentBay({ apiKey: KEY_A, endpoint: 'http://example.com', env: {}, allowInsecureHttp: true })).not.toThrow()
  })
})

describe('the key under faults', () => {
  const FAULTS: FaultRule[] = [
    { kind: '500' },
    { kind: 'reset' },
    { kind: 'truncated' },
    { kind: 'malformedJson' },
    { kind: 'wrongTypes' },
    { kind: 'successFalse', message: 'echo: Bearer ak-secret-A' }, // a server message that quotes the key: redacted
    { kind: 'successFalseNoCode' },
  ]

  it.each(FAULTS)('never appears in results, errors or logs: $kind on SyncContext (key in the query) and GetContextInfo', async (fault) => {
    for (const action of ['SyncContext', 'GetContextInfo'] as const) {
      await harness.quiesce()
      harness.emulator.setFaults([{ ...fault, action }])
      const handle = clientA.agentBay.session(session.sessionId).context
      const sync = await handle.syncAsync(SYNC)
      const info = await handle.infoAsync()
      harness.emulator.setFaults([])
      expect(sync.success).toBe(false)
      expect(isAgentBayError(sync.error)).toBe(true)
      expect(keyLeaks(KEY_A, sync, sync.error, info, info.error, ...clientA.logger.lines, ...harness.logLines)).toEqual([])
    }
  })
})

describe('the CLI under faults', () => {
  /** Runs the CLI from source against the emulator; resolves with its exit code and output. */
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', ...args, '--endpoint', harness.emulator.endpoint, '--api-key', KEY_A],
        { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr }),
      )
    })

  it('prints no key in info or sync output (plain, --json, --verbose) while SyncContext and GetContextInfo fail', async () => {
    harness.emulator.setFaults([
      { action: 'SyncContext', kind: 'successFalse', message: `quoting Bearer ${KEY_A}` },
      { action: 'GetContextInfo', kind: '500' },
    ])
    const runs = await Promise.all([
      cli(['info', '--session', session.sessionId]),
      cli(['info', '--session', session.sessionId, '--json', '--verbose']),
      cli(['sync', '--session', session.sessionId, '--verbose']),
      cli(['sync', '--session', session.sessionId, '--json']),
    ])
    harness.emulator.setFaults([])
    for (const run of runs) {
      expect(run.code, run.stderr).not.toBe(0)
      expect(`${run.stdout}${run.stderr}`.length).toBeGreaterThan(0)
      expect(keyLeaks(KEY_A, run.stdout, run.stderr)).toEqual([])
    }
  })
})

describe('tenants and paths, through the SDK', () => {
  it("another tenant's key cannot read or sync this tenant's session", async () => {
    const asB = clientB.agentBay.session(session.sessionId).context
    const info = await asB.infoAsync()
    const sync = await asB.syncAsync(SYNC)
    expect(info).toMatchObject({ success: false, error: { httpStatus: 400 } })
    expect(sync).toMatchObject({ success: false, error: { httpStatus: 400 } })
    expect(harness.emulator.tasks({ sessionId: session.sessionId }).every((task) => task.tenantId === harness.emulator.tasks()[0]?.tenantId)).toBe(true)
  })

  it.each(['/home/../../../etc', '/home/wuying/..', `${MOUNT}/../../../..`])('a sync to the escaping path %s fails with a typed error and starts no task', async (path) => {
    const result = await clientA.agentBay.session(session.sessionId).context.syncAsync({ ...SYNC, contextId, path })
    await harness.quiesce()
    expect(result.success).toBe(false)
    expect(isAgentBayError(result.error)).toBe(true)
    expect(harness.emulator.tasks().filter((task) => task.path.includes('..'))).toEqual([])
  })
})
