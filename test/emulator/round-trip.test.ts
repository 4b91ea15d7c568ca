import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  contextInfo,
  createContext,
  createSession,
  eventually,
  ok,
  rpc,
  tool,
  useEmulator,
  waitForTasks,
} from './helpers.js'

const MOUNT = '/home/wuying/data'
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 10, 13, 0]).toString('base64')

describe('sync round trip', () => {
  const env = useEmulator()

  it('restores identical bytes in a new session after upload and delete', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'round-trip')
    const first = await createSession(emulator, [{ contextId, path: MOUNT }])
    await tool(emulator, first, 'write_file', { path: `${MOUNT}/notes/hello.txt`, content: 'héllo wörld\n' })
    await tool(emulator, first, 'write_file', { path: `${MOUNT}/bin/blob.dat`, content: BINARY, encoding: 'base64' })
    await tool(emulator, first, 'write_file', { path: `${MOUNT}/notes/hello.txt`, content: 'again', mode: 'append' })

    await ok(emulator, 'SyncContext', { SessionId: first, ContextId: contextId, Path: MOUNT, Mode: 'upload' })
    const [upload] = await waitForTasks(emulator, { SessionId: first, ContextId: contextId, Path: MOUNT, TaskType: 'upload' })
    expect(upload).toMatchObject({ contextId, path: MOUNT, taskType: 'upload', status: 'Success', errorMessage: '' })
    expect(upload!.finishTime).toBeGreaterThanOrEqual(upload!.startTime)

    await ok(emulator, 'DeleteSessionAsync', { SessionId: first })
    await eventually(async () => (await rpc(emulator, emulator.apiKey, 'GetSessionDetail', { SessionId: first })).status === 400)

    const second = await createSession(emulator, [{ contextId, path: MOUNT }])
    const [download] = await waitForTasks(emulator, { SessionId: second })
    expect(download).toMatchObject({ taskType: 'download', status: 'Success' })
    expect(await tool(emulator, second, 'read_file', { path: `${MOUNT}/notes/hello.txt` })).toEqual({ text: 'héllo wörld\nagain', isError: false })
    expect((await tool(emulator, second, 'read_file', { path: `${MOUNT}/bin/blob.dat`, encoding: 'base64' })).text).toBe(BINARY)
    expect(await tool(emulator, second, 'list_directory', { path: MOUNT })).toEqual({ text: '[DIR] bin\n[DIR] notes', isError: false })
    // The bytes on disk are the bytes written, not a re-encoding.
    expect(await readFile(join(emulator.sessionRoot(second), 'home/wuying/data/bin/blob.dat'))).toEqual(Buffer.from(BINARY, 'base64'))
  })

  it('uploads automatically on delete when autoUpload is on, and not when it is off', async () => {
    const emulator = await env.start()
    const kept = await createContext(emulator, 'auto-on')
    const skipped = await createContext(emulator, 'auto-off')
    const session = await createSession(emulator, [
      { contextId: kept, path: '/data/on' },
      { contextId: skipped, path: '/data/off', policy: { uploadPolicy: { autoUpload: false } } },
    ])
    await waitForTasks(emulator, { SessionId: session }, { atLeast: 2 })
    await tool(emulator, session, 'write_file', { path: '/data/on/a.txt', content: 'on' })
    await tool(emulator, session, 'write_file', { path: '/data/off/b.txt', content: 'off' })

    await ok(emulator, 'DeleteSessionAsync', { SessionId: session })
    expect((await ok(emulator, 'GetSession', { SessionId: session }))['Data']['Status']).toBe('DELETING')
    await eventually(async () => (await rpc(emulator, emulator.apiKey, 'GetSession', { SessionId: session })).status === 400)

    const uploads = emulator.tasks({ sessionId: session }).filter((task) => task.trigger === 'delete')
    expect(uploads).toEqual([expect.objectContaining({ contextId: kept, taskType: 'upload', status: 'Success', filesCopied: 1 })])
    expect(await readFile(join(emulator.contextRoot(kept), 'a.txt'), 'utf8')).toBe('on')
  })

  it('shows a new task as Pending before SyncContext answers, then Running, then Success', async () => {
    const emulator = await env.start({ taskDelayMs: 150 })
    const contextId = await createContext(emulator, 'progress')
    const session = await createSession(emulator, [{ contextId, path: MOUNT }], {})
    await waitForTasks(emulator, { SessionId: session })
    await tool(emulator, session, 'write_file', { path: `${MOUNT}/x`, content: 'x' })

    await ok(emulator, 'SyncContext', { SessionId: session })
    const seen = new Set<string>()
    const [pending] = await contextInfo(emulator, { SessionId: session, TaskType: 'upload' })
    expect(pending).toMatchObject({ status: 'Pending', finishTime: 0, errorMessage: '' })
    expect(Number.isInteger(pending!.startTime)).toBe(true)
    await eventually(async () => {
      const [task] = await contextInfo(emulator, { SessionId: session, TaskType: 'upload' })
      seen.add(task!.status)
      return task!.status === 'Success'
    })
    expect([...seen]).toContain('Running')
  })

  it('runs concurrent syncs on one session to completion without corrupting state', async () => {
    const emulator = await env.start()
    const contexts = await Promise.all(['c0', 'c1', 'c2'].map((name) => createContext(emulator, name)))
    const session = await createSession(
      emulator,
      contexts.map((contextId, i) => ({ contextId, path: `/mnt/${i}` })),
    )
    await waitForTasks(emulator, { SessionId: session }, { atLeast: 3 })
    await Promise.all(contexts.map((_, i) => tool(emulator, session, 'write_file', { path: `/mnt/${i}/f.txt`, content: `file ${i}` })))

    const answers = await Promise.all([
      ...contexts.map((contextId, i) => rpc(emulator, emulator.apiKey, 'SyncContext', { SessionId: session, ContextId: contextId, Path: `/mnt/${i}` })),
      rpc(emulator, emulator.apiKey, 'SyncContext', { SessionId: session }),
      rpc(emulator, emulator.apiKey, 'SyncContext', { SessionId: session, Mode: 'upload' }),
    ])
    expect(answers.map((answer) => answer.json['Success'])).toEqual([true, true, true, true, true])
    const tasks = await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' }, { atLeast: 3 })
    expect(tasks.map((task) => task.status)).toEqual(['Success', 'Success', 'Success'])
    await emulator.idle()
    expect(emulator.tasks({ sessionId: session }).filter((task) => task.trigger === 'sync')).toHaveLength(9)
    for (const [i, contextId] of contexts.entries())
      expect(await readFile(join(emulator.contextRoot(contextId), 'f.txt'), 'utf8')).toBe(`file ${i}`)
  })
})

describe('durability', () => {
  const env = useEmulator()

  it('keeps contexts, files, sessions and task history across a restart with the same dataDir', async () => {
    const dataDir = await env.tempDir()
    const before = await env.start({ dataDir })
    const contextId = await createContext(before, 'durable')
    const session = await createSession(before, [{ contextId, path: MOUNT }])
    await tool(before, session, 'write_file', { path: `${MOUNT}/keep.txt`, content: 'kept' })
    await ok(before, 'SyncContext', { SessionId: session })
    await waitForTasks(before, { SessionId: session, TaskType: 'upload' })
    const tasksBefore = await contextInfo(before, { SessionId: session })
    await before.close()

    // No apiKeys given: the development key in dataDir is reused, so the same tenant comes back.
    const after = await env.start({ dataDir })
    expect(after.apiKey).toBe(before.apiKey)
    expect((await ok(after, 'GetContext', { ContextId: contextId }))['Data']).toMatchObject({ Id: contextId, Name: 'durable' })
    expect((await ok(after, 'GetSession', { SessionId: session }))['Data']).toMatchObject({ SessionId: session, Status: 'RUNNING' })
    expect(await contextInfo(after, { SessionId: session })).toEqual(tasksBefore)
    expect(await tool(after, session, 'read_file', { path: `${MOUNT}/keep.txt` })).toEqual({ text: 'kept', isError: false })
    const files = await ok(after, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/' })
    expect(files['Data'].map((file: { FileName: string }) => file.FileName)).toEqual(['keep.txt'])
  })

  it('records tasks in flight at close as Failed, and they stay Failed after a restart', async () => {
    const dataDir = await env.tempDir()
    const before = await env.start({ dataDir, taskDelayMs: 5000 })
    const contextId = await createContext(before, 'interrupted')
    const session = await createSession(before, [{ contextId, path: MOUNT }])
    expect((await contextInfo(before, { SessionId: session }))[0]?.status).toBe('Pending')
    await before.close()

    const after = await env.start({ dataDir })
    const [task] = await contextInfo(after, { SessionId: session })
    expect(task).toMatchObject({ status: 'Failed', errorMessage: 'emulator shut down before the task finished' })
    expect(task!.finishTime).toBeGreaterThan(0)
  })

  it('resumes a deletion that was interrupted by a restart', async () => {
    const dataDir = await env.tempDir()
    const before = await env.start({ dataDir, taskDelayMs: 5000 })
    const session = await createSession(before, [{ contextId: await createContext(before, 'c'), path: MOUNT }])
    await ok(before, 'DeleteSessionAsync', { SessionId: session })
    await before.close()

    const after = await env.start({ dataDir })
    await eventually(async () => (await rpc(after, after.apiKey, 'GetSessionDetail', { SessionId: session })).status === 400)
  })
})
