import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { firstValueFrom } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { REPO_ROOT, TEST_KEY, testEmulator } from '../cli/helpers.js'
import { readmeSnippet, runSnippet } from '../helpers/readme.js'

// Issue 9 item 16: the README's first snippet, run as written (against the emulator), starts one
// upload on its session, not two overlapping ones.
describe("README's first snippet", () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  let scratch: string
  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 20 })
    scratch = await mkdtemp(join(REPO_ROOT, '.readme-snippet-'))
  })
  afterAll(async () => {
    await env.close()
    await rm(scratch, { recursive: true, force: true })
  })

  it('runs against the emulator and triggers exactly one sync', async () => {
    const agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const context = await firstValueFrom(agentBay.context.create('readme'))
    const session = await firstValueFrom(agentBay.create({ contextSync: [{ contextId: context.id, path: '/home/wuying/data' }] }))
    const before = env.emulator.stats().calls['SyncContext'] ?? 0
    const result = await runSnippet(await readmeSnippet('## Sync as a stream'), join(scratch, 'snippet.mts'), env.env, {
      "'s-0123456789'": JSON.stringify(session.sessionId),
      "'SdkCtx-1'": JSON.stringify(context.id),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/upload \S+:\/home\/wuying\/data → Success/)
    expect(result.stdout).toMatch(/^true false 1 undefined$/m)
    expect((env.emulator.stats().calls['SyncContext'] ?? 0) - before).toBe(1)
  })
})
