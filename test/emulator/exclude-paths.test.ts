// Issue 11 item 1: each `excludePaths` entry is relative to its white-list entry's path (protocol
// §6, corrected; the official data-persistence guide's example), on upload and on download,
// driven with the official SDK's request shapes through its OpenAPI core.
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import { officialCalls } from './official-client.js'

const MOUNT = '/home/wuying'
/** The guide's example: white list `/src`, exclude `/node_modules` ⇒ `<mount>/src/node_modules` is not synced. */
const GUIDE_POLICY = { bwList: { whiteLists: [{ path: '/src', excludePaths: ['/node_modules'] }] } }

describe('excludePaths relative to their white-list entry (issue 11 item 1)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it('uploads /src but not /src/node_modules, and nothing outside the white list', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('exclude-upload')
    const sessionId = await sdk.createSession([{ contextId, path: MOUNT, policy: GUIDE_POLICY }])
    for (const file of ['src/app.ts', 'src/node_modules/m.js', 'src/lib/node_modules/deep.js', 'node_modules/top.js'])
      expect((await sdk.tool(sessionId, 'write_file', { path: `${MOUNT}/${file}`, content: file, mode: 'overwrite' })).isError).toBe(false)

    const [upload] = await sdk.sync(sessionId, { ContextId: contextId, Path: MOUNT, Mode: 'upload' })
    expect(upload).toMatchObject({ status: 'Success', errorMessage: '' })
    expect(await sdk.contextFiles(contextId, '/')).toEqual(['src'])
    expect(await sdk.contextFiles(contextId, '/src')).toEqual(['app.ts', 'lib'])
    // The exclude names one folder below the white-list entry, not any folder called node_modules.
    expect(await sdk.contextFiles(contextId, '/src/lib/node_modules')).toEqual(['deep.js'])
  })

  it('keeps an excluded file stored in the context when the session has none (deletePolicy stays inside the selection)', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('exclude-delete')
    await sdk.seed(contextId, '/src/node_modules/kept.js', 'stored earlier')
    const sessionId = await sdk.createSession([{ contextId, path: MOUNT, policy: GUIDE_POLICY }])
    // Whether or not it was downloaded, the session has no copy afterwards.
    await sdk.tool(sessionId, 'delete_file', { path: `${MOUNT}/src/node_modules/kept.js` })
    await sdk.tool(sessionId, 'write_file', { path: `${MOUNT}/src/app.ts`, content: 'app', mode: 'overwrite' })
    await sdk.sync(sessionId, { Mode: 'upload' })
    expect(await sdk.contextFiles(contextId, '/src/node_modules')).toEqual(['kept.js'])
  })

  it('downloads /src into the session but not /src/node_modules', async () => {
    const emulator = await env.start()
    const sdk = officialCalls(emulator)
    const contextId = await sdk.context('exclude-download')
    await sdk.seed(contextId, '/src/app.ts', 'app')
    await sdk.seed(contextId, '/src/node_modules/m.js', 'module')
    const sessionId = await sdk.createSession([{ contextId, path: MOUNT, policy: GUIDE_POLICY }])
    expect(await sdk.tool(sessionId, 'read_file', { path: `${MOUNT}/src/app.ts` })).toEqual({ text: 'app', isError: false })
    expect(await sdk.tool(sessionId, 'list_directory', { path: `${MOUNT}/src` })).toEqual({ text: '[FILE] app.ts', isError: false })
  })
})
