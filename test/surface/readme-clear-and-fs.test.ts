// Issue 12 items 3 and 6: the README's "Clearing a context" and "Session file system" examples,
// run as written against the emulator, print what their comments say.
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { firstValueFrom } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { REPO_ROOT, TEST_KEY, testEmulator } from '../cli/helpers.js'
import { readmeSnippet, runSnippet } from '../helpers/readme.js'

describe('README examples of issue 12 items 3 and 6', () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  let scratch: string
  let agentBay: AgentBay
  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 20, clearDelayMs: 300 })
    scratch = await mkdtemp(join(REPO_ROOT, '.readme-snippet-'))
    agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
  })
  afterAll(async () => {
    await env.close()
    await rm(scratch, { recursive: true, force: true })
  })

  it('"Clearing a context" starts one clear, waits on the status, then clears again and waits', async () => {
    const context = await firstValueFrom(agentBay.context.create('readme-clear'))
    await agentBay.context.uploadAsync(context.id, '/a.txt', 'data')
    const result = await runSnippet(await readmeSnippet('## Clearing a context'), join(scratch, 'clear.mts'), env.env, {
      "'SdkCtx-1'": JSON.stringify(context.id),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['clearing', 'available', 'available'])
    expect(env.emulator.stats().calls['ClearContext']).toBe(2)
    expect(await agentBay.context.listFilesAsync(context.id, '/')).toMatchObject({ success: true, entries: [] })
  })

  it('"Session file system" runs every line as its comments say', async () => {
    const session = await firstValueFrom(agentBay.create())
    const result = await runSnippet(await readmeSnippet('## Session file system'), join(scratch, 'fs.mts'), env.env, {
      "'s-0123456789'": JSON.stringify(session.sessionId),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['false', '9 false', '200000', 'ValidationError', "[ '/tmp/done/report.txt' ]", '{"/tmp/done/report.txt":"draft v2\\n"}'])
  })
})
