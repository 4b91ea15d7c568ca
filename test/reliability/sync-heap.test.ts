// issue 13 goal 4: the heap a waiting sync holds is bounded. N syncs wait on the fake transport
// in virtual time (no network, no sockets) in a fresh process with --expose-gc; the heap growth
// after a full GC, per sync, stays under a bound. The pipeline held ~31 KiB per sync (callback
// form) and ~34 KiB (Promise form with a signal) before it was slimmed, ~15 KiB after, 12.5–14
// KiB once the trigger-then-tasks step and the outcome fold were single subscribers (stop 16), and
// 11.9 (callback) / 13.3 (promise) at the start of stop 18, when the waiting state became objects
// with prototype methods (poll, watch, task events, the syncAsync run), one timer instead of two,
// and one task table instead of two: 3.5 / 4.35–4.5 KiB. Figures are run from source through tsx,
// whose keep-names wrapper adds a property table to every named closure; the built bundle holds
// 3.1 / 4.2 KiB, down from 8.0 / 8.3 (the promise form counts the test's own AbortController).
// The bound leaves ~20% over the highest of those for runtime and loader differences, and fails
// on the pipeline of stop 17 (11.9 / 13.3).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./sync-heap-child.ts', import.meta.url))
const SYNCS = 1000
const MAX_HEAP_PER_SYNC_KIB = 5.5
const RETENTION_CHILD = fileURLToPath(new URL('./sync-retention-child.ts', import.meta.url))

function runChild<T>(script: string, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T)
    })
  })
}

const measure = (form: 'callback' | 'promise') => runChild<{ waiting: number; heapPerSyncKiB: number }>(CHILD, String(SYNCS), form)

describe('heap held by waiting syncs', () => {
  it.each(['callback', 'promise'] as const)(`${SYNCS} waiting syncs (%s form) hold < ${MAX_HEAP_PER_SYNC_KIB} KiB of heap each`, async (form) => {
    const { waiting, heapPerSyncKiB } = await measure(form)
    expect(waiting).toBe(SYNCS)
    expect(heapPerSyncKiB).toBeLessThan(MAX_HEAP_PER_SYNC_KIB)
  }, 150_000)

  it('a waiting sync keeps nothing of its trigger\'s operator chain (its pre-trigger poll is collectable)', async () => {
    const { waiting, triggered, watched, alive } = await runChild<{ waiting: number; triggered: number; watched: number; alive: number }>(RETENTION_CHILD, '200')
    expect({ waiting, triggered, watched }).toEqual({ waiting: 200, triggered: 200, watched: 200 })
    expect(alive).toBe(0)
  }, 150_000)
})
