// Issue 12 item 1: the README's "File transfer to and from a session" snippet, run as written (as a
// separate process, against the emulator), uploads a local file into a session and downloads it back.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentBay } from '../../src/entries/index.js'
import { REPO_ROOT, TEST_KEY, testEmulator } from '../cli/helpers.js'
import { readmeSnippet, runSnippet } from '../helpers/readme.js'

const HEADING = '## File transfer to and from a session'

describe(`README: ${HEADING}`, () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  let scratch: string
  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 20 })
    scratch = await mkdtemp(join(REPO_ROOT, '.readme-files-'))
  })
  afterAll(async () => {
    await env.close()
    await rm(scratch, { recursive: true, force: true })
  })

  it('runs against the emulator: the file reaches the session and comes back identical', async () => {
    const agentBay = new AgentBay({ endpoint: env.emulator.url, apiKey: TEST_KEY, env: {} })
    const created = await agentBay.createAsync()
    const sessionId = created.session!.sessionId
    const content = `id,value\n${randomBytes(256 * 1024).toString('hex')}\n`
    await writeFile(join(scratch, 'report.csv'), content)
    const result = await runSnippet(await readmeSnippet(HEADING), join(scratch, 'snippet.mts'), env.env, {
      "'s-0123456789'": JSON.stringify(sessionId),
      "'./report.csv'": JSON.stringify(join(scratch, 'report.csv')),
      "'./report-copy.csv'": JSON.stringify(join(scratch, 'report-copy.csv')),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const size = Buffer.byteLength(content)
    expect(result.stdout).toContain(`sent ${size}/${size}`)
    expect(result.stdout).toMatch(/^sync Success$/m)
    expect(result.stdout).toMatch(/^done: \/tmp\/file-transfer\/report\.csv via context \S+ at \/tmp\/file-transfer\/$/m)
    expect(result.stdout).toContain(`saved ${size} bytes to ${join(scratch, 'report-copy.csv')}`)
    expect(await readFile(join(scratch, 'report-copy.csv'), 'utf8')).toBe(content)
    const inSession = await readFile(join(env.emulator.sessionRoot(sessionId), 'tmp', 'file-transfer', 'report.csv'), 'utf8')
    expect(inSession).toBe(content)
  })
})
