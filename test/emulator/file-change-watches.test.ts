// Review of stop 15: get_file_change watches lived in a module-level WeakMap keyed by the emulator,
// and a deleted session's watches stayed there as long as the emulator ran. They belong to the
// emulator instance now and go with their session; `stats().watchedPaths` counts them.
import { describe, expect, it, vi } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { ChangeWatches } from '../../src/emulator/file-changes.js'
import { createContext, createSession, eventually, ok, rpc, tool, useEmulator } from './helpers.js'

/** The emulator's own watches (the instance `stats()` reads), to see what it holds beyond `watchedPaths`. */
function watchesOf(emulator: Emulator): ChangeWatches {
  const read = vi.spyOn(ChangeWatches.prototype, 'watchedPaths', 'get')
  try {
    emulator.stats()
    return read.mock.contexts.at(-1) as ChangeWatches
  } finally {
    read.mockRestore()
  }
}

/**
 * Sessions the watches hold a map for. Memory only: an empty map has no path, so no answer and no
 * `stats()` figure shows it; read from the private field rather than kept as a member for tests.
 */
const sessionsHeld = (watches: ChangeWatches): number => watches['sessions'].size

describe('get_file_change watches', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('belong to their session and are dropped when it is deleted; the other sessions keep theirs', async () => {
    const emulator = await env.start()
    const [gone, kept] = [await createSession(emulator, []), await createSession(emulator, [])]
    for (const session of [gone, kept]) {
      await tool(emulator, session, 'write_file', { path: '/a/one.txt', content: '1' })
      await tool(emulator, session, 'write_file', { path: '/b/two.txt', content: '2' })
    }
    for (const path of ['/a', '/b']) expect(await tool(emulator, gone, 'get_file_change', { path })).toEqual({ text: '[]', isError: false })
    expect(await tool(emulator, kept, 'get_file_change', { path: '/a' })).toEqual({ text: '[]', isError: false })
    expect(emulator.stats().watchedPaths).toBe(3)

    await ok(emulator, 'DeleteSessionAsync', { SessionId: gone })
    await eventually(async () => (await rpc(emulator, emulator.apiKey, 'GetSession', { SessionId: gone })).status !== 200)
    expect(emulator.stats().watchedPaths).toBe(1)
    // Its watches are gone, not merely hidden: a later poll is the session-level 4xx (calls doc §0.3,
    // what watchDirectory stops on) and takes no watch.
    const later = await rpc(emulator, emulator.apiKey, 'CallMcpTool', { SessionId: gone, Name: 'get_file_change', Args: '{"path":"/a"}' })
    expect([later.status, later.json['Code']]).toEqual([400, 'InvalidMcpSession.NotFound'])
    expect(emulator.stats().watchedPaths).toBe(1)

    // The surviving session's watch still holds its baseline: it reports the change, not a fresh `[]`.
    await tool(emulator, kept, 'write_file', { path: '/a/three.txt', content: '3' })
    expect(JSON.parse((await tool(emulator, kept, 'get_file_change', { path: '/a' })).text)).toEqual([
      { eventType: 'create', path: '/a/three.txt', pathType: 'file' },
    ])
    // Each emulator has its own: a second one on another data dir watches nothing.
    expect((await env.start()).stats().watchedPaths).toBe(0)
  })

  // No tool reaches a DELETING session, so its watches are done when the deletion starts — not only
  // once its uploads finished (they can take long, or fail and leave it DELETING until a restart).
  it('are dropped as soon as the deletion starts, while its upload still runs', async () => {
    const emulator = await env.start({ taskDelayMs: 600_000 }) // every task waits until close() aborts it
    const contextId = await createContext(emulator, 'slow-upload')
    const session = await createSession(emulator, [{ contextId, path: '/data' }])
    await tool(emulator, session, 'write_file', { path: '/data/one.txt', content: '1' })
    expect(await tool(emulator, session, 'get_file_change', { path: '/data' })).toEqual({ text: '[]', isError: false })
    expect(emulator.stats().watchedPaths).toBe(1)

    await ok(emulator, 'DeleteSessionAsync', { SessionId: session })
    expect((await ok(emulator, 'GetSession', { SessionId: session }))['Data']['Status']).toBe('DELETING')
    const uploading = () => emulator.tasks({ sessionId: session }).filter((task) => task.trigger === 'delete')
    await eventually(async () => uploading().length === 1) // the upload before release is recorded, and waits
    expect(uploading()[0]).toMatchObject({ taskType: 'upload', finishTime: 0 })
    expect(emulator.stats().watchedPaths).toBe(0)
  })

  // Closing note of stop 16: every CallMcpTool made its session an empty watch map, held until the
  // session's deletion — for sessions that never called get_file_change too.
  it('hold nothing for a session until get_file_change takes a watch, however many other tool calls it makes', async () => {
    const emulator = await env.start()
    const watches = watchesOf(emulator)
    const sessions = await Promise.all(Array.from({ length: 12 }, () => createSession(emulator, [])))
    for (const session of sessions) {
      await tool(emulator, session, 'write_file', { path: '/d/a.txt', content: 'a' })
      await tool(emulator, session, 'read_file', { path: '/d/a.txt' })
      await tool(emulator, session, 'list_directory', { path: '/d' })
      // A refused watch takes nothing either.
      expect(await tool(emulator, session, 'get_file_change', { path: '/d/a.txt' })).toEqual({ text: '/d/a.txt: not a directory', isError: true })
    }
    expect(sessionsHeld(watches)).toBe(0)
    expect(emulator.stats().watchedPaths).toBe(0)

    expect(await tool(emulator, sessions[0]!, 'get_file_change', { path: '/d' })).toEqual({ text: '[]', isError: false })
    expect(sessionsHeld(watches)).toBe(1)
    expect(emulator.stats().watchedPaths).toBe(1)
  })

  it('keep no watch taken once the session stopped keeping them (a call that outlived the start of its deletion)', () => {
    const watches = new ChangeWatches()
    let deleting = false
    const session = watches.of('s-1', () => !deleting)
    expect(session.replace('/d', new Map([['/d/a', 'dir']]))).toBeUndefined()
    watches.forget('s-1') // the deletion starts while another call is still walking its tree
    deleting = true
    expect(session.replace('/d', new Map())).toBeUndefined()
    expect([sessionsHeld(watches), watches.watchedPaths]).toEqual([0, 0])
    // Behaviour, not only memory: the session's next watch starts from a fresh baseline.
    expect(watches.of('s-1', () => true).replace('/d', new Map())).toBeUndefined()
  })

  // The unit test above gives its own check; this one holds the check a CallMcpTool hands the watches
  // (files.ts) to what the session's status says: kept while it runs, refused once its deletion
  // started (DELETING, its upload still waiting) or ended.
  it("are kept by a tool call only while its session is not being deleted, as the call's check reads the session", async () => {
    const emulator = await env.start({ taskDelayMs: 600_000 }) // the upload before release waits until close()
    const contextId = await createContext(emulator, 'slow-upload')
    const uploading = await createSession(emulator, [{ contextId, path: '/data' }])
    const plain = await createSession(emulator, [])
    const of = vi.spyOn(ChangeWatches.prototype, 'of')
    let checks: Record<string, () => boolean>
    try {
      for (const session of [uploading, plain]) await tool(emulator, session, 'read_file', { path: '/missing' })
      checks = Object.fromEntries(of.mock.calls.map(([sessionId, keeps]) => [sessionId, keeps]))
    } finally {
      of.mockRestore()
    }
    expect([checks[uploading]!(), checks[plain]!()]).toEqual([true, true])

    for (const session of [uploading, plain]) await ok(emulator, 'DeleteSessionAsync', { SessionId: session })
    expect((await ok(emulator, 'GetSession', { SessionId: uploading }))['Data']['Status']).toBe('DELETING')
    await eventually(async () => (await rpc(emulator, emulator.apiKey, 'GetSession', { SessionId: plain })).status !== 200)
    expect([checks[uploading]!(), checks[plain]!()]).toEqual([false, false])
  })
})
