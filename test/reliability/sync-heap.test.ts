// issue 13 goal 4: the heap a waiting sync holds is bounded. N syncs wait on the fake transport
// in virtual time (no network, no sockets) in a fresh process with --expose-gc; the heap growth
// after a full GC, per sync, stays under a bound. The pipeline held ~31 KiB per sync (callback
// form) and ~34 KiB (Promise form with a signal) before it was slimmed, ~15 KiB after; the bound
// leaves room for runtime and loader differences and still fails on the old pipeline.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./sync-heap-child.ts', import.meta.url))
const SYNCS = 1000
const MAX_HEAP_PER_SYNC_KIB = 24

function measure(form: 'callback' | 'promise'): Promise<{ waiting: number; heapPerSyncKiB: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, String(SYNCS), form], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as { waiting: number; heapPerSyncKiB: number })
    })
  })
}

describe('heap held by waiting syncs', () => {
  it.each(['callback', 'promise'] as const)(`${SYNCS} waiting syncs (%s form) hold < ${MAX_HEAP_PER_SYNC_KIB} KiB of heap each`, async (form) => {
    const { waiting, heapPerSyncKiB } = await measure(form)
    expect(waiting).toBe(SYNCS)
    expect(heapPerSyncKiB).toBeLessThan(MAX_HEAP_PER_SYNC_KIB)
  }, 150_000)
})
