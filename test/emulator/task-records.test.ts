import { describe, expect, it } from 'vitest'
import { createContext, ok, useEmulator } from './helpers.js'

const emulators = useEmulator()

describe('task records', () => {
  it('name the RequestId of the CreateMcpSession or SyncContext call that started each task', async () => {
    const emulator = await emulators.start()
    const contextId = await createContext(emulator, 'traced')
    const create = await ok(emulator, 'CreateMcpSession', {
      PersistenceDataList: JSON.stringify([{ ContextId: contextId, Path: '/home/wuying/data' }]),
    })
    const sessionId = create['Data']['SessionId'] as string
    const sync = await ok(emulator, 'SyncContext', { SessionId: sessionId, Mode: 'upload' })
    await emulator.idle()

    const tasks = emulator.tasks({ sessionId })
    expect(tasks.map((task) => [task.trigger, task.taskType, task.requestId])).toEqual([
      ['create', 'download', create['RequestId']],
      ['sync', 'upload', sync['RequestId']],
    ])
    expect(create['RequestId']).not.toBe(sync['RequestId'])
  })
})
