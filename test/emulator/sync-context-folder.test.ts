// Closing note of stop 17: every sync task walked to its context folder, even when that folder is the
// context's root (an ordinary mount), which has nothing on the way to check: one lstat per task for
// nothing. Only a session-path mount (`/tmp/extensions/`), whose folder lies below the root, walks now.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createContext, createSession, ok, tool, useEmulator, waitForTasks } from './helpers.js'

const walks = vi.hoisted(() => ({ roots: [] as { root: string; segments: readonly string[] }[] }))

vi.mock('../../src/emulator/paths.js', async (importOriginal) => {
  const paths = await importOriginal<typeof import('../../src/emulator/paths.js')>()
  return {
    ...paths,
    inspectInside: async (...args: Parameters<typeof paths.inspectInside>) => {
      walks.roots.push({ root: args[0], segments: [...args[1]] })
      return paths.inspectInside(...args)
    },
  }
})

describe('a sync task walks to its context folder only when that folder is below the context root', () => {
  const env = useEmulator({ taskDelayMs: 5 })
  afterEach(() => void walks.roots.splice(0))

  it.each([
    ['an ordinary mount', '/data', []],
    ['an extension mount', '/tmp/extensions/', ['tmp', 'extensions']],
  ])('%s at %s: only a folder below the root is walked to', async (_kind, path, expected) => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'folder-walk')
    const session = await createSession(emulator, [{ contextId, path }])
    await waitForTasks(emulator, { SessionId: session })
    await tool(emulator, session, 'write_file', { path: `${path.replace(/\/$/, '')}/a.txt`, content: 'a' })
    walks.roots.splice(0)

    await ok(emulator, 'SyncContext', { SessionId: session, Mode: 'upload' })
    await waitForTasks(emulator, { SessionId: session, TaskType: 'upload' })
    expect(emulator.tasks({ sessionId: session }).at(-1)).toMatchObject({ taskType: 'upload', status: 'Success', filesCopied: 1 })
    const inContext = walks.roots.filter((walk) => walk.root === emulator.contextRoot(contextId))
    expect(inContext.map((walk) => walk.segments)).toEqual(expected.length === 0 ? [] : [expected])
  })
})
