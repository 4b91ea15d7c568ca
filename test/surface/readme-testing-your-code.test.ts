// Stop 18 item 1: the README's "Testing your code" snippet, run as written (as a separate process),
// runs a sync against the fake transport in virtual time and sees it succeed. An incomplete
// snippet (say, one that leaves SyncContext unanswered) fails its own assertion or prints nothing.
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../cli/helpers.js'
import { readmeSnippet, runSnippet } from '../helpers/readme.js'

const HEADING = '## Testing your code'

describe(`README: ${HEADING}`, () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await mkdtemp(join(REPO_ROOT, '.readme-snippet-'))
  })
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it('runs as written: the sync completes in virtual time with success and every request answered', async () => {
    const testingEntry = JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/testing/index.ts')).href)
    const result = await runSnippet(await readmeSnippet(HEADING), join(scratch, 'testing.mts'), {}, {
      "'agentbay-rx/testing'": testingEntry,
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('sync in virtual time: success\n')
  })
})
