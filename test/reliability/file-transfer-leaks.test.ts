// Issue 12 item 1: nothing outlives a `session.files` transfer. After completion, or an abort in the
// middle of the bytes (unsubscribe, or the Promise form's signal), no SDK timer, socket, request or
// file handle stays open, and nothing is sent afterwards. The emulator runs in a child process, so
// this process's resources are the client's alone (as in leaks.test.ts); the client uses the global
// fetch, which streams request bodies, so an abort really lands in the middle of a transfer.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Observable } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentBay, type FileTransferSyncOptions, type Session } from '../../src/entries/index.js'
import { activeCount, activeResources, flushMicrotasks, rejectionRecorder, until } from './helpers.js'
import { quiesceRemote, startRemoteEmulator, type RemoteEmulator } from './remote-emulator.js'

const SYNC: FileTransferSyncOptions = { retryInterval: 20, maxRetries: 1500, noTaskGraceMs: 1000 }
const MiB = 1024 * 1024

/** Paths this process holds open file descriptors on (Linux), below `folder`. */
const openFilesBelow = (folder: string): string[] => {
  if (!existsSync('/proc/self/fd')) return []
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      return target.startsWith(folder) ? [target] : []
    } catch {
      return []
    }
  })
}

let emulator: RemoteEmulator
let agentBay: AgentBay
let session: Session
let scratch: string
let source: string
const rejections = rejectionRecorder()

/** Total requests the emulator has seen (RPC and presigned). */
const requestsSeen = async (): Promise<number> => {
  const stats = await emulator.stats()
  return Object.values(stats.calls).reduce((sum, n) => sum + n, 0) + stats.fileRequests
}

/** Subscribes and unsubscribes once `stopAt` holds for an event. */
function stopWhen<E>(source$: Observable<E>, stopAt: (event: E) => boolean): Promise<'stopped' | 'ended'> {
  return new Promise((resolve) => {
    const subscription = source$.subscribe({
      next: (event) => {
        if (!stopAt(event)) return
        queueMicrotask(() => subscription.unsubscribe())
        resolve('stopped')
      },
      error: () => resolve('ended'),
      complete: () => resolve('ended'),
    })
  })
}

beforeAll(async () => {
  rejections.start()
  emulator = await startRemoteEmulator({ taskDelayMs: 20 })
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
  const created = await agentBay.createAsync()
  session = created.session!
  scratch = await mkdtemp(join(tmpdir(), 'agentbay-files-leaks-'))
  source = join(scratch, 'source.bin')
  await writeFile(source, randomBytes(8 * MiB))
})

afterAll(async () => {
  rejections.stop()
  await session?.deleteAsync({ pollIntervalMs: 20, timeoutMs: 60_000 })
  await emulator?.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('session.files leaves nothing open (issue 12 item 1)', () => {
  it('after complete transfers, and after aborts in the middle of the PUT and the GET, no timer, socket, request or file handle stays', async () => {
    const remotePath = '/tmp/file-transfer/leaks.bin'
    // Warm up: one complete round trip, so the keep-alive pool holds what the transfers use.
    expect((await session.files.uploadAsync(source, remotePath, { sync: SYNC })).success).toBe(true)
    expect((await session.files.downloadAsync(remotePath, { to: join(scratch, 'copy.bin'), sync: SYNC })).success).toBe(true)
    await quiesceRemote(emulator)
    await flushMicrotasks()
    const baseline = activeResources()
    const check = async (what: string): Promise<void> => {
      await until(() => activeCount('TCPSocketWrap') <= (baseline['TCPSocketWrap'] ?? 0), 10_000, () => `${what}: sockets ${JSON.stringify(activeResources())} vs ${JSON.stringify(baseline)}`)
      await until(() => openFilesBelow(scratch).length === 0, 10_000, () => `${what}: files still open ${openFilesBelow(scratch).join(', ')}`)
      await flushMicrotasks()
      expect(activeCount('Timeout'), `${what}: timers ${JSON.stringify(activeResources())}`).toBeLessThanOrEqual(baseline['Timeout'] ?? 0)
      await quiesceRemote(emulator)
      const seen = await requestsSeen()
      await new Promise((resolve) => setTimeout(resolve, 50))
      await quiesceRemote(emulator)
      expect(await requestsSeen(), `${what}: requests after the end`).toBe(seen)
      expect((await readdir(scratch)).filter((name) => name.endsWith('.part')), `${what}: temporary files`).toEqual([])
    }

    // Unsubscribe in the middle of the PUT of a local file (its read stream is closed).
    expect(await stopWhen(session.files.upload(source, `${remotePath}.1`, { sync: SYNC }), (event) => event.kind === 'progress' && event.transferredBytes >= 2 * MiB)).toBe('stopped')
    await check('upload unsubscribed mid-PUT')

    // Unsubscribe in the middle of the GET into a local file (the temporary file is closed and removed).
    expect(await stopWhen(session.files.download(remotePath, { to: join(scratch, 'half.bin'), sync: SYNC }), (event) => event.kind === 'progress' && event.transferredBytes >= 2 * MiB)).toBe('stopped')
    await check('download unsubscribed mid-GET')
    expect(existsSync(join(scratch, 'half.bin'))).toBe(false)

    // Unsubscribe while the sync polls.
    expect(await stopWhen(session.files.download(remotePath, { sync: SYNC }), (event) => event.kind === 'sync')).toBe('stopped')
    await check('download unsubscribed mid-sync')

    // The Promise form, aborted by its signal mid-PUT.
    const controller = new AbortController()
    const aborted = session.files.uploadAsync(
      (async function* () {
        for (let i = 0; i < 128; i++) {
          if (i === 32) controller.abort()
          yield randomBytes(64 * 1024)
        }
      })(),
      `${remotePath}.2`,
      { sync: SYNC, signal: controller.signal },
    )
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    await check('uploadAsync aborted mid-PUT')

    // An error before the PUT starts (the upload URL refused): the local file opened for it is closed.
    await emulator.setFaults([{ action: 'GetContextFileUploadUrl', kind: 'successFalse', times: 1 }])
    const refused = await session.files.uploadAsync(source, `${remotePath}.3`, { sync: SYNC })
    expect(refused).toMatchObject({ success: false, error: { name: 'ApiError' } })
    await check('upload failed before the PUT')

    // And complete transfers end clean too.
    expect((await session.files.downloadAsync(remotePath, { sync: SYNC })).success).toBe(true)
    await check('complete download')
    expect(rejections.seen).toEqual([])
  })
})
