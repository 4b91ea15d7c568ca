import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext, createSession, ok, rpc, tool, useEmulator } from './helpers.js'

describe('concurrent requests', () => {
  const env = useEmulator()

  it('creates one context for many simultaneous GetContext(AllowCreate) calls with the same name', async () => {
    const emulator = await env.start()
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => rpc(emulator, emulator.apiKey, 'GetContext', { Name: 'race', AllowCreate: 'true' })),
    )
    expect(new Set(answers.map((answer) => answer.json['Data']['Id'])).size).toBe(1)
    expect((await ok(emulator, 'ListContexts', {}))['TotalCount']).toBe(1)
  })

  it('keeps state.json valid and complete under a burst of mixed mutations', async () => {
    const emulator = await env.start()
    const contextId = await createContext(emulator, 'burst')
    const work = [
      ...Array.from({ length: 15 }, (_, i) => createContext(emulator, `ctx-${i}`)),
      ...Array.from({ length: 10 }, () => createSession(emulator, [{ contextId, path: '/d' }])),
      ...Array.from({ length: 10 }, (_, i) => ok(emulator, 'ModifyContext', { Id: contextId, Name: `burst-${i}` })),
    ]
    await Promise.all(work)
    await emulator.idle()
    const state = JSON.parse(await readFile(join(emulator.dataDir, 'state.json'), 'utf8'))
    const [tenant] = Object.values(state.tenants) as { contexts: object; sessions: Record<string, { tasks: unknown[] }> }[]
    expect(Object.keys(tenant!.contexts)).toHaveLength(16)
    expect(Object.keys(tenant!.sessions)).toHaveLength(10)
    expect(Object.values(tenant!.sessions).every((session) => session.tasks.length === 1)).toBe(true)
  })

  it('serializes simultaneous writes to one sandbox file: the result is one whole write, never a mix', async () => {
    const emulator = await env.start()
    const session = await createSession(emulator)
    const contents = Array.from({ length: 10 }, (_, i) => String(i).repeat(50_000))
    await Promise.all(contents.map((content) => tool(emulator, session, 'write_file', { path: '/f.txt', content })))
    const { text } = await tool(emulator, session, 'read_file', { path: '/f.txt' })
    expect(contents).toContain(text)
  })
})
