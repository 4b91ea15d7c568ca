// Issue 11: `delete_file` (calls doc §1.1, `Args` `{path}`) on a folder. The emulator refuses any
// folder, empty or not, with `isError` and a text saying why, and leaves it as it was: the tool
// names files, and the official `deleteFile` has no recursive form. Through the official core.
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import { officialCalls } from './official-client.js'

describe('delete_file on a folder', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('refuses empty and non-empty folders with isError, keeps them, and still deletes files', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const session = await sdk.createSession([])
    expect((await sdk.tool(session, 'create_directory', { path: '/work/empty' })).isError).toBe(false)
    expect((await sdk.tool(session, 'write_file', { path: '/work/full/kept.txt', content: 'kept', mode: 'overwrite' })).isError).toBe(false)

    for (const folder of ['/work/empty', '/work/full', '/work'])
      expect(await sdk.tool(session, 'delete_file', { path: folder })).toEqual({ text: `${folder} is a directory: delete_file removes files only`, isError: true })

    expect(await sdk.tool(session, 'list_directory', { path: '/work' })).toEqual({ text: '[DIR] empty\n[DIR] full', isError: false })
    expect(await sdk.tool(session, 'read_file', { path: '/work/full/kept.txt' })).toEqual({ text: 'kept', isError: false })

    // A file inside is deleted as usual; the folder stays, now empty.
    expect((await sdk.tool(session, 'delete_file', { path: '/work/full/kept.txt' })).isError).toBe(false)
    expect((await sdk.tool(session, 'get_file_info', { path: '/work/full/kept.txt' })).isError).toBe(true)
    expect((await sdk.tool(session, 'get_file_info', { path: '/work/full' })).text).toContain('isDirectory: true')
  })
})
