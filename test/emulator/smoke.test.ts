import { describe, expect, it } from 'vitest'
import { createContext, createSession, ok, tool, useEmulator, waitForTasks } from './helpers.js'

describe('emulator smoke', () => {
  const env = useEmulator()
  it('round trips', async () => {
    const emulator = await env.start()
    const ctx = await createContext(emulator, 'c1')
    const s = await createSession(emulator, [{ contextId: ctx, path: '/home/wuying/data' }])
    expect((await tool(emulator, s, 'write_file', { path: '/home/wuying/data/a.txt', content: 'hi' })).isError).toBe(false)
    await ok(emulator, 'SyncContext', { SessionId: s })
    const tasks = await waitForTasks(emulator, { SessionId: s, TaskType: 'upload' })
    expect(tasks[0]?.status).toBe('Success')
  })
})
