// Parent side of emulator-process.ts: the same calls as `Emulator`, asynchronous, over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { EmulatorOptions, EmulatorStats, EmulatorTaskRecord, FaultsInput } from '../../src/emulator/index.js'

export interface RemoteEmulator {
  readonly url: string
  readonly endpoint: string
  readonly apiKey: string
  setFaults(faults: FaultsInput | undefined): Promise<void>
  /** Stats plus `logged`: requests the emulator finished handling. */
  stats(): Promise<EmulatorStats & { readonly logged: number }>
  tasks(filter?: { sessionId?: string; contextId?: string }): Promise<EmulatorTaskRecord[]>
  idle(): Promise<void>
  /** Requests started and not finished. */
  handlersOpen(): Promise<number>
  close(): Promise<void>
}

const SCRIPT = fileURLToPath(new URL('./emulator-process.ts', import.meta.url))

export async function startRemoteEmulator(options: Omit<EmulatorOptions, 'log' | 'dataDir' | 'port' | 'host'> = {}): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(SCRIPT, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let nextId = 1
  const ready = new Promise<{ url: string; endpoint: string; apiKey: string }>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${String(code)}`)))
    child.on('message', (message: { ready?: { url: string; endpoint: string; apiKey: string }; id?: number; value?: unknown; error?: string }) => {
      if (message.ready !== undefined) return resolve(message.ready)
      const call = message.id === undefined ? undefined : pending.get(message.id)
      if (call === undefined) return
      pending.delete(message.id!)
      if (message.error !== undefined) call.reject(new Error(message.error))
      else call.resolve(message.value)
    })
  })
  const { url, endpoint, apiKey } = await ready
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ id, method, args })
    })
  const stats = () => call<EmulatorStats & { logged: number }>('stats')
  return {
    url,
    endpoint,
    apiKey,
    setFaults: (faults) => call('setFaults', faults),
    stats,
    tasks: (filter) => call('tasks', filter ?? {}),
    idle: () => call('idle'),
    async handlersOpen() {
      const s = await stats()
      return Object.values(s.calls).reduce((sum, n) => sum + n, 0) + s.fileRequests - s.logged
    },
    async close() {
      if (!child.connected) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await call('close')
      await exited
    },
  }
}

/** Waits until the emulator has finished every handler and task (the ceiling only tells a hang from a slow machine). */
export async function quiesceRemote(emulator: RemoteEmulator): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    await emulator.idle()
    if ((await emulator.handlersOpen()) === 0 && (await emulator.stats()).activeTasks === 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`emulator still busy: ${JSON.stringify(await emulator.stats())}`)
}
