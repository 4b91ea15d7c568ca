// Long durations on the CLI (issue 9 items 3 and 5): nothing fires at once above 2^31−1 ms.
import { firstValueFrom } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { budgetFor } from '../../src/cli/commands/sync.js'
import { AgentBay } from '../../src/entries/index.js'
import { TEST_KEY, parseJson, runInProcess, testEmulator } from './helpers.js'

let env: Awaited<ReturnType<typeof testEmulator>> | undefined

afterEach(async () => {
  await env?.close()
  env = undefined
})

describe('CLI durations', () => {
  it('context clear --timeout 3000000 waits for the context instead of timing out at once', async () => {
    env = await testEmulator()
    const agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('long-timeout'))
    const result = await runInProcess(['--json', 'context', 'clear', context.id, '--timeout', '3000000'], env.env)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(parseJson(result.stdout)).toMatchObject({ ok: true, contextId: context.id })
  })

  it('sync --timeout S becomes a budget of exactly S seconds (the SDK enforces it as a deadline)', () => {
    for (const seconds of [0.5, 1, 10, 225, 1e9]) {
      const { maxRetries, retryInterval, schedule } = budgetFor(seconds * 1000)
      expect(Number.isSafeInteger(maxRetries)).toBe(true)
      expect(maxRetries * retryInterval).toBeCloseTo(seconds * 1000, 3)
      // More polls than the schedule can make within the timeout: the deadline ends the sync, not the count.
      if (seconds > 225) continue // a huge timeout: polls are lazy, checked above as a safe integer
      let waited = 0
      for (let index = 0; index < maxRetries && waited <= seconds * 1000; index += 1) waited += schedule(index)
      expect(waited).toBeGreaterThan(seconds * 1000)
    }
  })

  it('sync --timeout 1 ends after about a second with exit 1 when the task outlasts it', async () => {
    env = await testEmulator({ taskDelayMs: 20_000 })
    const agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('slow'))
    const session = await firstValueFrom(
      agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data', policy: { downloadPolicy: { autoDownload: false } } }] }),
    )
    const started = performance.now()
    const result = await runInProcess(['--json', 'sync', '--session', session.sessionId, '--mode', 'upload', '--timeout', '1'], env.env)
    const elapsed = performance.now() - started
    expect(result.code).toBe(1)
    expect(parseJson(result.stdout)).toMatchObject({ ok: false, success: false, timedOut: true })
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(10_000) // a deadline, not a count of waits (the task takes 40 s)
  })
})
