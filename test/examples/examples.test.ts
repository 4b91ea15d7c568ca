import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, TEST_KEY, runProcess, testEmulator } from '../cli/helpers.js'

// Every example runs against a real emulator, as a user would run it (`node --import tsx`), so
// the examples cannot rot. Each entry: the lines its output must contain.
const EXPECTED: Record<string, readonly RegExp[]> = {
  'info-cold-observable.ts': [/after info\(\): 0 request\(s\) sent/, /after two subscriptions: 2 request\(s\) sent/, /download \/home\/wuying\/data: Success/],
  'sync-progress.ts': [/upload \/home\/wuying\/data: Success/, /upload finished: success=true tasks=1 timedOut=false/, /context now holds: report\.txt/],
  'compose-syncs.ts': [/merge: \d+ updates from 2 contexts/, /forkJoin: models=true logs=true/],
  'cancel.ts': [/takeUntil: stopped after \d+ update\(s\); requests sent after the stop: 0/, /syncAsync rejected: AbortError/, /infoAsync within the deadline: success=true/],
  'promise-and-callback.ts': [/infoAsync: success=true/, /syncAsync: success=true tasks=1/, /callback: success=true/, /unknown session: success=false kind=http/],
  'create-session.ts': [/download \/home\/wuying\/work: Success/, /ready: downloads success=true/, /the mounted file reads: hello from storage/, /createAsync: success=true downloads=1/],
  'presigned-files.ts': [/uploadAsync: success=true bytes=16/, /downloadAsync: presigned hello/, /upload: 1048576 bytes/, /round trip: same sha256/, /listFiles \/docs: readme\.txt \(16 B\)/],
  'port-from-official.ts': [/context\.get: success=true id=same/, /create: success=true downloads=1/, /await sync\(\): an Observable, nothing sent \(true\)/, /syncAsync: success=true tasks=1/, /listFiles: notes\.txt/, /delete with sync: success=true deleted=true/, /clear: success=true state=available/],
  'error-handling.ts': [/validation: true — ValidationError, nothing was sent/, /not found: true — HttpError 400 Context\.NotFound/, /wrong key: key not printed — HttpError 401/, /network: NetworkError/, /tool: true — ToolError/],
}

describe('examples/', () => {
  let env: Awaited<ReturnType<typeof testEmulator>>
  beforeAll(async () => {
    env = await testEmulator({ taskDelayMs: 30 })
  })
  afterAll(async () => {
    await env.close()
  })

  it('has an expectation for every example file', () => {
    const files = readdirSync(join(REPO_ROOT, 'examples')).filter((file) => file.endsWith('.ts'))
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  it.concurrent.each(Object.entries(EXPECTED))('%s runs against the emulator and prints what it promises', async (file, patterns) => {
    const result = await runProcess(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'examples', file)], env.env, 120_000)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    for (const pattern of patterns) expect(result.stdout).toMatch(pattern)
    expect(result.stdout).not.toContain(TEST_KEY)
  })
})
