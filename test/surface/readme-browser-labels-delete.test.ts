import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, TEST_KEY, testEmulator } from '../cli/helpers.js'
import { readmeSnippets, runSnippet } from '../helpers/readme.js'

// Issue 12: every example of the README section runs as written against the emulator and prints
// what its comments promise.
const HEADING = '## Browser persistence, labels and deleting through the client'
const PROMISED: readonly (readonly RegExp[])[] = [
  [/^cookies: logged in$/m],
  [/^labels: \{"project":"demo","owner":"ci"\}$/m, /^listed: true$/m, /^refused: ValidationError$/m],
  [/^deleted: true uploaded: true$/m],
]

describe(`README: ${HEADING.slice(3)}`, () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  let scratch: string
  let snippets: string[]
  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 20 })
    scratch = await mkdtemp(join(REPO_ROOT, '.readme-snippet-'))
    snippets = await readmeSnippets(HEADING)
  })
  afterAll(async () => {
    await env.close()
    await rm(scratch, { recursive: true, force: true })
  })

  it('has one expectation per example', () => {
    expect(snippets).toHaveLength(PROMISED.length)
  })

  it.each(PROMISED.map((patterns, index) => [index + 1, patterns] as const))('example %i runs against the emulator and prints what it promises', async (number, patterns) => {
    const result = await runSnippet(snippets[number - 1] as string, join(scratch, `example-${number}.mts`), env.env, {}, 120_000)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    for (const pattern of patterns) expect(result.stdout).toMatch(pattern)
    expect(result.stdout).not.toContain(TEST_KEY)
  })
})
