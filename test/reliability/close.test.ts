// Shutdown while requests are in flight (issue 9 item 7): `close()` used to resolve while a handler
// that had already started could still write (a task record, a state file) into the data dir, so
// removing the dir right after `close()` failed with ENOTEMPTY — the CLI's Ctrl-C test and the
// demo's own cleanup hit it on a loaded machine.
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GENEROUS_SYNC, createClient, flushMicrotasks, sessionWithMount, startHarness, until } from './helpers.js'

/** Every file under `dir` with its size and mtime: changes if anything is written afterwards. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const file = join(entry.parentPath, entry.name)
      const info = await stat(file).catch(() => undefined) // written and renamed away while we looked
      return `${file} ${info === undefined ? 'vanished' : entry.isDirectory() ? 'dir' : `${info.size} ${info.mtimeMs}`}`
    }),
  )
  return lines.sort()
}

const SESSIONS = 8

describe('emulator close() with requests in flight', () => {
  it('resolves only after every started handler and task ended: nothing writes into dataDir afterwards', async () => {
    for (let round = 0; round < 3; round += 1) {
      const harness = await startHarness({ taskDelayMs: 20 })
      const client = createClient(harness.emulator)
      const { emulator } = harness
      try {
        const sessions = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => sessionWithMount(client.agentBay, `close-${i}`)))
        await harness.quiesce()
        const callsBefore = emulator.stats().calls['SyncContext'] ?? 0
        // Outcomes do not matter here (the emulator goes away under them); only what it leaves behind.
        // A budget that cannot end a sync before its trigger is sent (the deadline includes it);
        // the syncs are stopped once the emulator is gone.
        const stop = new AbortController()
        const syncs = sessions.map(({ session }) => session.context.syncAsync({ ...GENEROUS_SYNC, signal: stop.signal }).catch(() => undefined))
        // Close while the emulator is handling triggers (task records being written).
        await until(() => (emulator.stats().calls['SyncContext'] ?? 0) > callsBefore, 60_000, () => 'no SyncContext arrived')
        await emulator.close()

        const handlersOpen = harness.handlersOpen()
        const tasks = JSON.stringify(emulator.tasks())
        const files = await snapshot(emulator.dataDir)
        stop.abort()
        await Promise.all(syncs)
        for (let i = 0; i < 20; i += 1) await flushMicrotasks()
        await new Promise((resolve) => setTimeout(resolve, 50))

        expect(handlersOpen, `round ${round}: handlers still running after close()`).toBe(0)
        expect(emulator.stats().activeTasks).toBe(0)
        expect(JSON.stringify(emulator.tasks()), `round ${round}: task records changed after close()`).toBe(tasks)
        expect(emulator.tasks().filter((task) => task.status !== 'Success' && task.status !== 'Failed')).toEqual([])
        expect(await snapshot(emulator.dataDir), `round ${round}: files written after close()`).toEqual(files)
        // The point of it all: the dir can be removed at once, without retries.
        await rm(emulator.dataDir, { recursive: true })
      } finally {
        client.destroy()
        await harness.close()
      }
    }
  })
})
