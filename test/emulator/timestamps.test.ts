import { describe, expect, it } from 'vitest'
import { createContext, createSession, ok, tool, useEmulator, waitForTasks } from './helpers.js'

/** protocol §3.7 (`"CreateTime":"2025-05-29T12:00:00Z"`) and official-sdk-calls §1.2 (`modTime: 2023-01-01T00:00:00Z`). */
const SECOND_PRECISION_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

/** Epoch seconds of an ISO time, after checking its format. */
function secondsOf(label: string, value: unknown): number {
  expect(value, label).toMatch(SECOND_PRECISION_UTC)
  return Date.parse(value as string) / 1000
}

describe('timestamps on the wire carry whole seconds, in the documented formats', () => {
  const env = useEmulator()

  it('context times, file listing times, get_file_info times, task times and ExpireTime', async () => {
    const emulator = await env.start()
    const before = Math.floor(Date.now() / 1000)
    const contextId = await createContext(emulator, 'times')
    const sessionId = await createSession(emulator, [{ contextId, path: '/home/wuying/data' }])
    expect((await tool(emulator, sessionId, 'write_file', { path: '/home/wuying/data/a.txt', content: 'a' })).isError).toBe(false)
    await ok(emulator, 'SyncContext', { SessionId: sessionId, ContextId: contextId, Path: '/home/wuying/data', Mode: 'upload' })
    const tasks = await waitForTasks(emulator, { SessionId: sessionId, TaskType: 'upload' })
    const upload = await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/b.txt' })
    const after = Math.ceil(Date.now() / 1000)
    const inWindow = (label: string, seconds: number) => {
      expect(seconds, label).toBeGreaterThanOrEqual(before)
      expect(seconds, label).toBeLessThanOrEqual(after)
    }

    // §3.7 / §3.8: the same record from GetContext and ListContexts; LastUsedTime moved with the sync.
    const got = (await ok(emulator, 'GetContext', { ContextId: contextId, AllowCreate: 'false' }))['Data']
    const listed = (await ok(emulator, 'ListContexts', { MaxResults: '10' }))['Data'][0]
    for (const [label, record] of [['GetContext', got], ['ListContexts', listed]] as const) {
      inWindow(`${label} CreateTime`, secondsOf(`${label} CreateTime`, record['CreateTime']))
      inWindow(`${label} LastUsedTime`, secondsOf(`${label} LastUsedTime`, record['LastUsedTime']))
    }

    // §3.14: the date format is not documented; the emulator uses the one of §3.7.
    const files = (await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/' }))['Data']
    expect(files).toHaveLength(1)
    inWindow('GmtCreate', secondsOf('GmtCreate', files[0]['GmtCreate']))
    inWindow('GmtModified', secondsOf('GmtModified', files[0]['GmtModified']))

    // official-sdk-calls §1.2: every time line of get_file_info.
    const info = await tool(emulator, sessionId, 'get_file_info', { path: '/home/wuying/data/a.txt' })
    const lines = new Map(info.text.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]))
    for (const key of ['created', 'modified', 'accessed', 'modTime']) inWindow(key, secondsOf(key, lines.get(key)))

    // §4: integer epoch seconds; §3.15: ExpireTime is epoch seconds too.
    for (const task of tasks) {
      expect(Number.isInteger(task.startTime) && Number.isInteger(task.finishTime)).toBe(true)
      inWindow('startTime', task.startTime)
      inWindow('finishTime', task.finishTime)
    }
    const expireTime = upload['Data']['ExpireTime'] as number
    expect(Number.isInteger(expireTime)).toBe(true)
    expect(expireTime).toBeGreaterThan(after)
  })
})
