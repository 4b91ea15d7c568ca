// The emulator in a child process, driven over IPC: the leak checks then see only the client's
// timers and sockets in `process.getActiveResourcesInfo()` (the emulator's task timers live here).
// Started by `startRemoteEmulator()` in remote-emulator.ts.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type EmulatorOptions } from '../../src/emulator/index.js'

interface Command {
  readonly id: number
  readonly method: 'setFaults' | 'stats' | 'tasks' | 'idle' | 'close'
  readonly args: unknown[]
}

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions
const dataDir = await mkdtemp(join(tmpdir(), 'agentbay-reliability-child-'))
let logged = 0
const emulator = await startEmulator({ ...options, port: 0, host: '127.0.0.1', dataDir, log: () => void (logged += 1) })

process.on('message', (command: Command) => {
  void (async () => {
    try {
      let value: unknown
      switch (command.method) {
        case 'setFaults':
          emulator.setFaults(command.args[0] as Parameters<typeof emulator.setFaults>[0])
          break
        case 'stats':
          value = { ...emulator.stats(), logged }
          break
        case 'tasks':
          value = emulator.tasks(command.args[0] as Parameters<typeof emulator.tasks>[0])
          break
        case 'idle':
          await emulator.idle()
          break
        case 'close':
          await emulator.close()
          await rm(dataDir, { recursive: true, force: true })
          break
      }
      process.send?.({ id: command.id, value })
      if (command.method === 'close') process.disconnect()
    } catch (error) {
      process.send?.({ id: command.id, error: error instanceof Error ? error.message : String(error) })
    }
  })()
})

process.send?.({ ready: { url: emulator.url, endpoint: emulator.endpoint, apiKey: emulator.apiKey } })
