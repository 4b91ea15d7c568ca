import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { TASK_STATUS } from '../wire/protocol.js'
import { pickContextStatusData } from '../wire/codecs/context-status.js'
import { finishClearing, finishDeletion, SETTLED_STATUS } from './actions/index.js'
import { ApiKeyRing } from './auth.js'
import { BackgroundJobs, type EmulatorCore } from './core.js'
import { ChangeWatches } from './file-changes.js'
import { FaultInjector, type FaultRule, type FaultsInput } from './faults.js'
import { createRequestListener } from './http.js'
import { DataLayout } from './layout.js'
import { lockDataDir, removeLeftoverLockTemps, type DataDirLock } from './lock.js'
import { generateApiKey, normalizeEmulatorOptions, type EmulatorOptions, type NormalizedEmulatorOptions } from './options.js'
import { isErrno } from './paths.js'
import { PendingWork } from './pending-work.js'
import { Presigner } from './presign.js'
import { KeyedSerialQueue } from './serial.js'
import { StatsRecorder, type EmulatorStats } from './stats.js'
import { StateStore, type TaskMeta } from './store.js'
import { SyncTaskRunner, epochSeconds } from './tasks.js'

/** How long a request's headers may take (Node's default, set explicitly: see `createServer` below). */
const HEADERS_TIMEOUT_MS = 60_000

// ---- model -------------------------------------------------------------------------------------

/** A sync task as the emulator ran it (for comparing an SDK's verdict with what really happened). */
export interface EmulatorTaskRecord {
  readonly taskId: string
  /** Opaque tenant id (a hash of the API key). */
  readonly tenantId: string
  readonly sessionId: string
  readonly contextId: string
  readonly path: string
  readonly taskType: 'upload' | 'download'
  readonly status: string
  readonly errorMessage: string
  readonly startTime: number
  readonly finishTime: number
  /** `create` (session start download), `sync` (SyncContext) or `delete` (upload before release). */
  readonly trigger: 'create' | 'sync' | 'delete'
  /** `RequestId` of the CreateMcpSession / SyncContext call that started it; absent for uploads at release. */
  readonly requestId?: string
  readonly filesCopied: number
  readonly bytesCopied: number
  readonly filesDeleted: number
}

/** Options of `close()`. */
export interface CloseOptions {
  /** Let in-flight sync tasks run this long before aborting them (they are then recorded `Failed`). Default 0. */
  readonly graceMs?: number
}

/** A running emulator. */
export interface Emulator {
  /** `http://<host>:<port>/`; a wildcard host (`0.0.0.0`, `::`) shows as loopback (`127.0.0.1`, `[::1]`). */
  readonly url: string
  /** Same as `url`: the SDK accepts a full `http://` URL as endpoint. */
  readonly endpoint: string
  /** The first configured key (or the generated development key). */
  readonly apiKey: string
  /** Every accepted key, each its own tenant. */
  readonly apiKeys: readonly string[]
  readonly port: number
  /** The interface it is bound to, as given (e.g. `0.0.0.0` for every interface). */
  readonly host: string
  /** Absolute data directory. */
  readonly dataDir: string
  /** Replaces the fault plan at runtime (counter rules start afresh). */
  setFaults(faults: FaultsInput | undefined): void
  /** The fault rules still active (exhausted counter rules are gone). */
  activeFaults(): FaultRule[]
  /** Call, fault and connection counters, tasks running and paths watched. */
  stats(): EmulatorStats
  /** Every sync task in the history (all tenants, oldest first per session). */
  tasks(filter?: { sessionId?: string; contextId?: string }): EmulatorTaskRecord[]
  /** Host directory of a session's sandbox (for tests that need to plant files, e.g. symlinks). */
  sessionRoot(sessionId: string): string
  /** Host directory of a context's storage. */
  contextRoot(contextId: string): string
  /** Resolves when every queued sync task has ended. */
  idle(): Promise<void>
  /**
   * Stops accepting requests, lets tasks run up to `graceMs`, aborts the rest (recorded `Failed`),
   * cancels timers, closes every socket, waits for the request handlers already running and
   * flushes state: nothing writes into `dataDir` once it resolves. Safe to call twice.
   */
  close(options?: CloseOptions): Promise<void>
}

// ---- start -------------------------------------------------------------------------------------

/**
 * Starts a local AgentBay emulator: a real HTTP server speaking the wire protocol, with durable
 * state under `dataDir`, real file movement for syncs, presigned URLs and fault injection.
 *
 * @example
 * const emulator = await startEmulator({ dataDir: await mkdtemp(join(tmpdir(), 'ab-')), taskDelayMs: 20 })
 * const client = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint })
 * await emulator.close()
 *
 * One emulator per `dataDir`: a second one (in any process) rejects with `DataDirLockedError`
 * naming the directory and the owner's pid; a lock left by a dead process is taken over.
 *
 * @see shared/protocol/agentbay-wire-protocol.md §8 (emulator checklist)
 */
export async function startEmulator(input: EmulatorOptions = {}): Promise<Emulator> {
  const options = normalizeEmulatorOptions(input)
  await mkdir(options.dataDir, { recursive: true })
  // Before anything is read or written: a second emulator on this directory would lose data.
  const lock = await lockDataDir(options.dataDir)
  try {
    return await startLocked(options, lock)
  } catch (error) {
    await lock.release()
    throw error
  }
}

async function startLocked(options: NormalizedEmulatorOptions, lock: DataDirLock): Promise<Emulator> {
  const layout = new DataLayout(options.dataDir)
  // Leftover temp files are incomplete writes from a previous run; they were never visible.
  await rm(layout.tmpDir, { recursive: true, force: true })
  await removeLeftoverLockTemps(options.dataDir)
  const apiKeys = options.apiKeys.length > 0 ? options.apiKeys : [await loadDevKey(layout.devKeyFile)]
  const store = await StateStore.open(layout.stateFile, layout.tmpDir)
  const contextLocks = new KeyedSerialQueue()
  const runner = new SyncTaskRunner({ store, layout, contextLocks, taskDelayMs: options.taskDelayMs, bytesPerSecond: options.bytesPerSecond })
  const background = new BackgroundJobs((error) => options.log(`emulator: background job failed: ${String(error)}`))
  const watches = new ChangeWatches()
  let baseUrl = ''
  const core: EmulatorCore = {
    options,
    store,
    layout,
    runner,
    presigner: await Presigner.load(layout.secretFile),
    contextLocks,
    background,
    watches,
    baseUrl: () => baseUrl,
  }
  await recoverInterruptedWork(core)

  const faults = new FaultInjector(options.faults)
  const stats = new StatsRecorder()
  let closing = false
  const handlers = new PendingWork()
  // node:http rather than a framework: full control over chunked bodies and status lines,
  // sockets we can destroy mid-request for fault injection, and zero dependencies.
  const server: Server = createServer(
    // No total request time cap (a big upload on a slow link must finish): `bodyIdleTimeoutMs`
    // bounds a stalled body instead. Unfinished headers keep Node's 60 s limit, which would
    // otherwise follow requestTimeout down to 0.
    { keepAlive: true, requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS },
    createRequestListener({ core, keys: new ApiKeyRing(apiKeys), faults, stats, isClosing: () => closing, handlers }),
  )
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  /** Aborts running tasks and jobs; no task starts after this, a job started later sees its signal aborted. */
  const stopWork = (): void => {
    runner.stop()
    background.stop()
  }
  /** Waits for the tasks, the jobs and then the last state write. */
  const workSettled = async (): Promise<void> => {
    await runner.settled()
    await background.settled()
    await store.drain()
  }
  let port: number
  try {
    port = await listen(server, options.port, options.host)
  } catch (error) {
    // Recovered work may already run: stop it before the caller releases the data directory.
    stopWork()
    await workSettled()
    throw error
  }
  baseUrl = `http://${connectableHost(options.host)}:${port}/`

  let closed: Promise<void> | undefined
  const close = async (closeOptions: CloseOptions = {}): Promise<void> => {
    closing = true
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const grace = closeOptions.graceMs ?? 0
    if (grace > 0 && runner.activeCount > 0) {
      const timer = new AbortController()
      await Promise.race([runner.settled(), sleep(grace, undefined, { signal: timer.signal }).catch(() => undefined)])
      timer.abort() // cancel the grace timer if the tasks finished first: no stray timers after close
    }
    stopWork()
    const socketsClosed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)))
    server.closeAllConnections()
    for (const socket of sockets) socket.destroy() // also upgraded or mid-handshake sockets the server no longer tracks
    await Promise.all([serverClosed, ...socketsClosed])
    // A handler that started before the close may still be writing (a task record, a state file)
    // or start a job: wait for it first, then for the tasks, jobs and state writes, so the data dir
    // is at rest when close() resolves and before the lock lets another emulator in.
    await handlers.settled()
    await workSettled()
    await lock.release()
  }

  return {
    url: baseUrl,
    endpoint: baseUrl,
    apiKey: apiKeys[0]!,
    apiKeys,
    port,
    host: options.host,
    dataDir: options.dataDir,
    setFaults: (next) => faults.set(next),
    activeFaults: () => faults.active(),
    stats: () => stats.snapshot({ openConnections: sockets.size, activeTasks: runner.activeCount, watchedPaths: watches.watchedPaths }),
    tasks: (filter = {}) => listTasks(store, filter),
    sessionRoot: (sessionId) => layout.sessionRoot(sessionId),
    contextRoot: (contextId) => layout.contextRoot(contextId),
    idle: () => runner.settled(),
    close: (closeOptions) => (closed ??= close(closeOptions)),
  }
}

// ---- internals ---------------------------------------------------------------------------------

/** The development key kept in `dataDir`, created on first start (mode 0600). */
async function loadDevKey(file: string): Promise<string> {
  try {
    const key = (await readFile(file, 'utf8')).trim()
    if (key !== '') return key
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error
  }
  const key = generateApiKey()
  await writeFile(file, `${key}\n`, { mode: 0o600 })
  return key
}

/**
 * After a crash or shutdown: tasks that were in flight are recorded `Failed`; contexts left
 * `clearing` are cleared again; sessions left `DELETING` resume their upload-then-delete;
 * `PAUSING` and `RESUMING` sessions settle (`PAUSED`, `RUNNING`).
 */
async function recoverInterruptedWork(core: EmulatorCore): Promise<void> {
  const now = epochSeconds()
  const { clearing, deleting } = await core.store.mutate((draft) => {
    const clearing: [string, string][] = []
    const deleting: [string, string][] = []
    for (const [tenantId, tenant] of draft.tenants) {
      for (const session of tenant.sessions.values()) {
        for (const task of session.tasks) {
          if (task.status === TASK_STATUS.success || task.status === TASK_STATUS.failed) continue
          task.status = TASK_STATUS.failed
          task.errorMessage = 'emulator restarted before the task finished'
          task.finishTime = now
        }
        if (session.status === 'DELETING') deleting.push([tenantId, session.id])
        // A pause or resume in flight completed while the emulator was down.
        if (session.status === 'PAUSING' || session.status === 'RESUMING') session.status = SETTLED_STATUS[session.status]
      }
      for (const context of tenant.contexts.values()) if (context.state === 'clearing') clearing.push([tenantId, context.id])
    }
    return { clearing, deleting }
  })
  for (const [tenantId, contextId] of clearing) core.background.run((signal) => finishClearing(core, tenantId, contextId, signal))
  for (const [tenantId, sessionId] of deleting) core.background.run(() => finishDeletion(core, tenantId, sessionId))
}

function listTasks(store: StateStore, filter: { sessionId?: string; contextId?: string }): EmulatorTaskRecord[] {
  const records: EmulatorTaskRecord[] = []
  for (const [tenantId, tenant] of store.state.tenants) {
    for (const session of tenant.sessions.values()) {
      if (filter.sessionId !== undefined && session.id !== filter.sessionId) continue
      for (const task of session.tasks) {
        if (filter.contextId !== undefined && task.contextId !== filter.contextId) continue
        records.push(toRecord(tenantId, session.id, task))
      }
    }
  }
  return records
}

const toRecord = (tenantId: string, sessionId: string, task: TaskMeta): EmulatorTaskRecord => ({
  taskId: task.taskId,
  tenantId,
  sessionId,
  ...pickContextStatusData(task),
  taskType: task.taskType,
  trigger: task.trigger,
  ...(task.requestId === undefined ? {} : { requestId: task.requestId }),
  filesCopied: task.filesCopied,
  bytesCopied: task.bytesCopied,
  filesDeleted: task.filesDeleted,
})

/** True for a bind address meaning "every interface" (`0.0.0.0`, `::`), which is no address to connect to. */
export const isWildcardHost = (host: string): boolean =>
  host === '' || host === '0.0.0.0' || /^\[?(::|(0{1,4}:){7}0{1,4})\]?$/.test(host)

/**
 * The host a client on this machine connects to: loopback for a wildcard bind (the SDK refuses
 * plain http to a non-loopback host, and `0.0.0.0` is none), IPv6 literals in brackets.
 */
export function connectableHost(host: string): string {
  if (isWildcardHost(host)) return host.includes(':') ? '[::1]' : '127.0.0.1'
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') return reject(new Error('emulator: no TCP address'))
      resolve(address.port)
    })
  })
}
