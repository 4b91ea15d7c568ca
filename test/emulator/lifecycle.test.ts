import { execFileSync } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { constants, existsSync } from 'node:fs'
import { lstat, mkdir, open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { LOCK_FILE_NAME, runEmulatorFromCli, SHUTDOWN_MESSAGE, startEmulator } from '../../src/emulator/index.js'
import { connectableHost } from '../../src/emulator/emulator.js'
import { PendingWork } from '../../src/emulator/pending-work.js'
import { StateStore } from '../../src/emulator/store.js'
import { contextInfo, createContext, createSession, eventually, ok, rpc, tool, useEmulator } from './helpers.js'

describe('emulator lifecycle', () => {
  const env = useEmulator()

  it('generates and reuses a development key when no apiKeys are given', async () => {
    const dataDir = await env.tempDir()
    const first = await env.start({ dataDir })
    expect(first.apiKey).toMatch(/^ak-dev-[0-9a-f]{32}$/)
    expect(first.url).toBe(`http://127.0.0.1:${first.port}/`)
    expect(first.endpoint).toBe(first.url)
    await first.close()
    await first.close() // idempotent
    expect((await env.start({ dataDir })).apiKey).toBe(first.apiKey)
  })

  it('gives a connectable loopback endpoint when bound to every interface (issue 9 item 14)', async () => {
    const emulator = await env.start({ host: '0.0.0.0' })
    expect(emulator.host).toBe('0.0.0.0')
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.port}/`)
    await ok(emulator, 'ListContexts')
    expect(['::', '[::]', '0:0:0:0:0:0:0:0'].map(connectableHost)).toEqual(['[::1]', '[::1]', '[::1]'])
    expect(['', 'localhost', '::1', 'fe80::1', '10.0.0.5'].map(connectableHost)).toEqual(['127.0.0.1', 'localhost', '[::1]', '[fe80::1]', '10.0.0.5'])
  })

  it('closes every socket on close, including idle keep-alive ones', async () => {
    const emulator = await env.start()
    await ok(emulator, 'ListContexts')
    expect(emulator.stats().openConnections).toBeGreaterThanOrEqual(1)
    await emulator.close()
    expect(emulator.stats().openConnections).toBe(0)
    await expect(rpc(emulator, emulator.apiKey, 'ListContexts')).rejects.toThrow()
  })

  it('lets in-flight tasks finish within graceMs', async () => {
    const emulator = await env.start({ taskDelayMs: 50 })
    const contextId = await createContext(emulator, 'graceful')
    const session = await createSession(emulator, [{ contextId, path: '/d' }])
    await emulator.close({ graceMs: 60_000 }) // close() returns as soon as the tasks end: a large grace costs nothing
    expect(emulator.tasks({ sessionId: session })).toEqual([expect.objectContaining({ status: 'Success' })])
  })

  it('records tasks still running at close as Failed with a clear message', async () => {
    const emulator = await env.start({ taskDelayMs: 10, bytesPerSecond: 20_000 })
    const contextId = await createContext(emulator, 'throttled')
    const session = await createSession(emulator, [{ contextId, path: '/d' }])
    await tool(emulator, session, 'write_file', { path: '/d/big.bin', content: Buffer.alloc(200_000).toString('base64'), encoding: 'base64' })
    await ok(emulator, 'SyncContext', { SessionId: session })
    // 200 kB at 20 kB/s: it stays Running for 10 s, however late we look.
    await eventually(async () => (await contextInfo(emulator, { SessionId: session, TaskType: 'upload' }))[0]?.status === 'Running')
    await emulator.close()
    const upload = emulator.tasks({ sessionId: session }).find((task) => task.taskType === 'upload')
    expect(upload).toMatchObject({ status: 'Failed', errorMessage: SHUTDOWN_MESSAGE })
  })

  // README "Durability" and "One emulator per dataDir": close() resolves, and frees the lock, only
  // once every request handler already running has ended. No time window: the handler is held at
  // its state write (a gate on StateStore.mutate) and let go only when close() waits on the work
  // tracker holding it; a close() that does not wait resolves with the handler still held.
  it('waits for a request handler still running, and keeps the lock until it ended', async () => {
    const emulator = await env.start()
    const lockFile = join(emulator.dataDir, LOCK_FILE_NAME)
    let closed = false
    let letGo!: () => void
    const gate = new Promise<void>((resolve) => (letGo = resolve))
    let held!: () => void
    const handlerHeld = new Promise<void>((resolve) => (held = resolve))
    let whenWritten: { closed: boolean; lockHeld: boolean } | undefined
    const write = StateStore.prototype.mutate
    const mutate = vi.spyOn(StateStore.prototype, 'mutate').mockImplementationOnce(async function (this: StateStore, change) {
      held()
      await gate
      const result = await write.call(this, change)
      whenWritten = { closed, lockHeld: existsSync(lockFile) }
      return result as never
    })
    const waitFor = PendingWork.prototype.settled
    const waits = vi.spyOn(PendingWork.prototype, 'settled').mockImplementation(function (this: PendingWork) {
      if (this.size > 0) letGo() // close() waits on the tracker that holds the running handler
      return waitFor.call(this)
    })
    try {
      const call = createContext(emulator, 'held').catch(() => undefined)
      await handlerHeld // the GetContext handler is at its write now, and stays there
      const closing = emulator.close().then(() => (closed = true))
      await Promise.race([closing, gate])
      expect(closed, 'close() resolved while a handler was still running').toBe(false)
      await closing
      await call
      expect(whenWritten, 'the handler ended before close() resolved and before the lock was released').toEqual({ closed: false, lockHeld: true })
      expect(await readFile(join(emulator.dataDir, 'state.json'), 'utf8')).toContain('"held"')
      expect(existsSync(lockFile)).toBe(false)
    } finally {
      letGo()
      mutate.mockRestore()
      waits.mockRestore()
    }
  })

  // Closing note of stop 16: write_file appending onto a FIFO the host planted blocked in open()
  // until a reader came, and close() waited on that handler. Every mode now refuses an entry that is
  // neither a file nor a folder, as the reading tools do. A reader is held open during the calls so
  // that the old code answers (it wrote into the pipe) instead of hanging: no waiting either way.
  it.skipIf(process.platform === 'win32')('refuses write_file onto a FIFO in every mode, so no handler waits on it', async () => {
    const emulator = await env.start()
    const session = await createSession(emulator, [])
    await mkdir(join(emulator.sessionRoot(session), 'd'), { recursive: true })
    const fifo = join(emulator.sessionRoot(session), 'd', 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      for (const mode of ['append', 'overwrite', 'create_new']) {
        const answer = await tool(emulator, session, 'write_file', { path: '/d/pipe', content: 'held', mode })
        expect(answer, mode).toEqual({ text: '/d/pipe: not a regular file', isError: true })
      }
      expect((await lstat(fifo)).isFIFO(), 'the FIFO was replaced').toBe(true)
      expect(emulator.stats().calls['CallMcpTool']).toBe(3)
    } finally {
      await reader.close()
    }
    await emulator.close() // nothing is left running: resolves without a reader
    expect(existsSync(join(emulator.dataDir, LOCK_FILE_NAME))).toBe(false)
  })

  it('refuses invalid options before binding anything', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(TypeError)
    await expect(startEmulator({ taskDelayMs: Number.NaN })).rejects.toThrow(/taskDelayMs/)
    await expect(startEmulator({ apiKeys: ['has space'] })).rejects.toThrow(/apiKeys/)
  })
})

describe('runEmulatorFromCli', () => {
  const env = useEmulator()

  it('prints endpoint and key, and shuts down on SIGTERM', async () => {
    const lines: string[] = []
    const signals = new EventEmitter()
    const handle = await runEmulatorFromCli({
      dataDir: await env.tempDir(),
      taskDelayMs: 10,
      log: (line) => lines.push(line),
      signals: signals as unknown as NodeJS.Process,
    })
    const { emulator } = handle
    expect(lines.join('\n')).toContain(emulator.endpoint)
    expect(lines.join('\n')).toContain(emulator.apiKey) // generated: the user needs to see it
    await ok(emulator, 'ListContexts')
    signals.emit('SIGTERM')
    await handle.stopped
    expect(lines.at(-1)).toBe('AgentBay emulator stopped')
    expect(signals.listenerCount('SIGINT')).toBe(0)
    await expect(rpc(emulator, emulator.apiKey, 'ListContexts')).rejects.toThrow()
  })

  it('masks a key the user chose and logs requests without it when verbose', async () => {
    const lines: string[] = []
    const signals = new EventEmitter()
    const handle = await runEmulatorFromCli({
      dataDir: await env.tempDir(),
      apiKey: 'ak-my-own-secret-key',
      verbose: true,
      faults: [{ action: 'ListContexts', kind: '503', times: 1 }],
      log: (line) => lines.push(line),
      signals: signals as unknown as NodeJS.Process,
    })
    expect((await rpc(handle.emulator, 'ak-my-own-secret-key', 'ListContexts')).status).toBe(503)
    await rpc(handle.emulator, 'ak-my-own-secret-key', 'SyncContext', { SessionId: 'x' })
    await handle.stop()
    await handle.stopped
    expect(lines.join('\n')).not.toContain('my-own-secret')
    expect(lines.some((line) => line.startsWith('POST SyncContext 400'))).toBe(true)
  })
})
