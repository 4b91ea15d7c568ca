// Issue 11 item 6: browser persistence on the wire (official-sdk-calls §5). The official SDKs send
// the browser data, fingerprint and extension contexts as ordinary `PersistenceDataList` items;
// the emulator mounts and persists them, and answers browser-only actions (§5.2) with a clear
// "not supported by the emulator" envelope. Everything goes through the official OpenAPI core.
import { describe, expect, it } from 'vitest'
import { useEmulator } from './helpers.js'
import { buildZip } from '../helpers/zip-writer.js'
import {
  CallMcpToolResponse,
  CreateMcpSessionResponse,
  Envelope,
  FileUrlResponse,
  GetContextInfoResponse,
  GetContextResponse,
  officialClient,
  parseContextStatus,
  persistenceDataList,
  poll,
  terminal,
  type GeneratedLikeClient,
} from './official-client.js'

/** §5.1 paths, as the SDKs hard-code them. */
const BROWSER_DATA = '/tmp/agentbay_browser'
const EXTENSIONS = '/tmp/extensions/'
const FINGERPRINT = '/tmp/browser_fingerprint'

/** §5.1 policies, verbatim in shape. */
const tsBrowserPolicy = (autoUpload: boolean): string =>
  JSON.stringify({ uploadPolicy: { autoUpload }, downloadPolicy: null, deletePolicy: null, bwList: null, recyclePolicy: null })
const pythonBrowserPolicy = (autoUpload: boolean): string =>
  JSON.stringify({
    uploadPolicy: { autoUpload, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
    downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
    deletePolicy: { syncLocalFile: true },
    extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
    recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
    bwList: {
      whiteLists: [
        { path: '/Local State', excludePaths: [] },
        { path: '/Default/Cookies', excludePaths: [] },
        { path: '/Default/Cookies-journal', excludePaths: [] },
      ],
    },
  })
const extensionPolicy = (ids: string[]): string =>
  JSON.stringify({
    uploadPolicy: { autoUpload: false, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
    downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
    deletePolicy: { syncLocalFile: false },
    extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
    recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
    bwList: { whiteLists: ids.map((id) => ({ path: id, excludePaths: [] })) },
  })
/** TS form: no downloadPolicy, an empty white list. */
const FINGERPRINT_POLICY = JSON.stringify({
  uploadPolicy: { autoUpload: false, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  deletePolicy: { syncLocalFile: false },
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: [] },
})

interface Item {
  contextId: string
  path: string
  policy: string
}

/** The official client plus the calls a browser session's life is made of. */
function browserSdk(client: GeneratedLikeClient, auth: string) {
  const toolCall = async (sessionId: string, name: string, args: Record<string, unknown>) =>
    (await client.invoke('CallMcpTool', { body: { Args: JSON.stringify(args), Authorization: auth, AutoGenSession: false, Name: name, Server: '', SessionId: sessionId } }, CallMcpToolResponse))
      .body.data as { content: { text: string }[]; isError: boolean }
  const tasksOf = async (sessionId: string) =>
    parseContextStatus(
      (await client.invoke('GetContextInfo', { body: { Authorization: auth, SessionId: sessionId } }, GetContextInfoResponse)).body.data?.contextStatus as string | undefined,
    )
  return {
    toolCall,
    async context(name: string): Promise<string> {
      return (await client.invoke('GetContext', { body: { AllowCreate: true, Authorization: auth, Name: name } }, GetContextResponse)).body.data.id as string
    },
    /** CreateMcpSession with the browser items, then the create-time download wait (main doc §5.3). */
    async create(items: Item[]): Promise<string> {
      const created = await client.invoke(
        'CreateMcpSession',
        { body: { Authorization: auth, ImageId: 'browser_latest', PersistenceDataList: persistenceDataList(items) } },
        CreateMcpSessionResponse,
      )
      const sessionId = created.body.data.sessionId as string
      await poll(async () => {
        const tasks = await tasksOf(sessionId)
        return tasks.every(terminal) ? true : undefined
      })
      return sessionId
    },
    /** `session.delete(syncContext=true)` (§8): SyncContext(SessionId) only, wait, delete, wait for NotFound. */
    async deleteWithSync(sessionId: string): Promise<void> {
      const synced = await client.invoke('SyncContext', { query: { Authorization: auth }, body: { SessionId: sessionId } }, Envelope)
      expect(synced.body.success).toBe(true)
      const uploads = await poll(async () => {
        const tasks = (await tasksOf(sessionId)).filter((task) => task.taskType === 'upload')
        return tasks.length > 0 && tasks.every(terminal) ? tasks : undefined
      })
      expect(uploads.every((task) => task.status === 'Success')).toBe(true)
      await client.invoke('DeleteSessionAsync', { body: { Authorization: auth, SessionId: sessionId } }, Envelope)
      await poll(async () =>
        client.invoke('GetSessionDetail', { query: { SessionId: sessionId }, body: { Authorization: auth } }, Envelope).then(
          () => undefined,
          (error: unknown) => ((error as { code?: string }).code === 'InvalidMcpSession.NotFound' ? true : undefined),
        ),
      )
    },
    async write(sessionId: string, path: string, content: string): Promise<void> {
      const answer = await toolCall(sessionId, 'write_file', { path, content, mode: 'overwrite' })
      expect(answer.isError).toBe(false)
    },
    /** The file's text, or `undefined` when the tool reports an error (no such file). */
    async read(sessionId: string, path: string): Promise<string | undefined> {
      const answer = await toolCall(sessionId, 'read_file', { path })
      return answer.isError ? undefined : answer.content[0]!.text
    },
    async put(contextId: string, filePath: string, content: string | Buffer): Promise<void> {
      const url = (await client.invoke('GetContextFileUploadUrl', { body: { Authorization: auth, ContextId: contextId, FilePath: filePath } }, FileUrlResponse)).body.data
        .url as string
      expect((await fetch(url, { method: 'PUT', body: typeof content === 'string' ? content : new Uint8Array(content) })).status).toBe(200)
    },
  }
}

describe('browser persistence on the wire (issue 11 item 6)', () => {
  const env = useEmulator({ taskDelayMs: 5 })

  it.each([
    ['TS', tsBrowserPolicy, ['Default/Cache/data_0']],
    ['Python/Go', pythonBrowserPolicy, []],
  ] as const)('persists the %s BrowserContext item across two sessions (files, not a browser)', async (_sdk, policyOf, alsoKept) => {
    const emulator = await env.start()
    const sdk = browserSdk(officialClient(emulator), `Bearer ${emulator.apiKey}`)
    const browserContext = await sdk.context('browser-profile')
    const items = [{ contextId: browserContext, path: BROWSER_DATA, policy: policyOf(true) }]

    const first = await sdk.create(items)
    const files: Record<string, string> = {
      'Local State': '{"profile":{"info_cache":{}}}',
      'Default/Cookies': 'cookie-db-bytes',
      'Default/Cookies-journal': 'journal',
      'Default/Cache/data_0': 'cache that only a whole-folder white list keeps',
    }
    for (const [relative, content] of Object.entries(files)) await sdk.write(first, `${BROWSER_DATA}/${relative}`, content)
    await sdk.deleteWithSync(first)

    const second = await sdk.create(items)
    const kept = ['Local State', 'Default/Cookies', 'Default/Cookies-journal', ...alsoKept]
    for (const relative of Object.keys(files))
      expect(await sdk.read(second, `${BROWSER_DATA}/${relative}`)).toBe(kept.includes(relative) ? files[relative] : undefined)
  })

  it('accepts the extension and fingerprint items the SDKs add, mounts them at the §5 paths, and persists the fingerprint by delete with sync', async () => {
    const emulator = await env.start()
    const sdk = browserSdk(officialClient(emulator), `Bearer ${emulator.apiKey}`)
    const browserContext = await sdk.context('browser-profile')
    const extensions = await sdk.context('extensions-1700000000')
    const fingerprint = await sdk.context('fingerprint')
    const wanted = `ext_${'a'.repeat(32)}.zip`
    const other = `ext_${'b'.repeat(32)}.zip`
    // §5.3: the extension manager uploads at FilePath /tmp/extensions/<id> (a session path).
    await sdk.put(extensions, `${EXTENSIONS}${wanted}`, buildZip([{ name: 'manifest.json', content: 'wanted', method: 'deflate' }]))
    await sdk.put(extensions, `${EXTENSIONS}${other}`, buildZip([{ name: 'manifest.json', content: 'other', method: 'deflate' }]))

    // §5.1 order: user items, extension item, fingerprint item, browser context item last.
    const items = [
      { contextId: extensions, path: EXTENSIONS, policy: extensionPolicy([wanted]) },
      { contextId: fingerprint, path: FINGERPRINT, policy: FINGERPRINT_POLICY },
      { contextId: browserContext, path: BROWSER_DATA, policy: tsBrowserPolicy(false) },
    ]
    const first = await sdk.create(items)
    // The white list holds extension ids (relative, no leading slash): only those are mounted,
    // unpacked by the item's extractPolicy into a folder named after the id.
    expect(await sdk.read(first, `${EXTENSIONS}${wanted.replace('.zip', '')}/manifest.json`)).toBe('wanted')
    expect(await sdk.read(first, `${EXTENSIONS}${other.replace('.zip', '')}/manifest.json`)).toBeUndefined()

    // InitBrowser would write the fingerprint here (§5.2); without a browser the test does.
    await sdk.write(first, `${FINGERPRINT}/fingerprint.json`, '{"navigator":{"userAgent":"emulated"}}')
    await sdk.write(first, `${BROWSER_DATA}/Default/Cookies`, 'cookies of session one')
    // autoUpload is false on all three: only delete with sync (an explicit full SyncContext) keeps them (§5.4).
    await sdk.deleteWithSync(first)

    const second = await sdk.create(items)
    expect(await sdk.read(second, `${FINGERPRINT}/fingerprint.json`)).toBe('{"navigator":{"userAgent":"emulated"}}')
    expect(await sdk.read(second, `${BROWSER_DATA}/Default/Cookies`)).toBe('cookies of session one')
    expect(await sdk.read(second, `${EXTENSIONS}${wanted.replace('.zip', '')}/manifest.json`)).toBe('wanted')
  })

  it('answers InitBrowser with a "not supported by the emulator" envelope, never a 404', async () => {
    const emulator = await env.start()
    const client = officialClient(emulator)
    const auth = `Bearer ${emulator.apiKey}`
    const sdk = browserSdk(client, auth)
    const sessionId = await sdk.create([{ contextId: await sdk.context('browser-profile'), path: BROWSER_DATA, policy: tsBrowserPolicy(true) }])
    const browserOption = JSON.stringify({ extensionPath: EXTENSIONS, enableRecord: true, useStealth: false, browserType: 'chrome' })
    const failure = await client
      .invoke('InitBrowser', { body: { Authorization: auth, BrowserOption: browserOption, PersistentPath: BROWSER_DATA, SessionId: sessionId } }, Envelope)
      .then(() => undefined, (error: unknown) => error)
    expect(failure).toMatchObject({ code: 'NotSupportedByEmulator', statusCode: 400 })
    expect(String((failure as Error).message)).toContain('InitBrowser is not supported by the emulator')
    expect(String((failure as Error).message)).not.toMatch(/not ?found/i) // the SDKs read "NotFound" as a missing session
    // An unknown session is still a missing session.
    await expect(
      client.invoke('InitBrowser', { body: { Authorization: auth, PersistentPath: BROWSER_DATA, SessionId: 'session-nope' } }, Envelope),
    ).rejects.toMatchObject({ code: 'InvalidMcpSession.NotFound' })
    // The session is unharmed: its tools still work.
    expect((await sdk.toolCall(sessionId, 'list_directory', { path: '/tmp' })).isError).toBe(false)
  })
})
