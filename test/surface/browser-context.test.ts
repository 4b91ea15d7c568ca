// Issue 12 item 2: `agentBay.create({ browserContext })` sends the official SDKs' browser items
// (official-sdk-calls §5.1) — checked against an oracle written from the official TS 0.15.1 code
// and serialized by the official OpenAPI core, and byte for byte over HTTP.
import { firstValueFrom, map } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import {
  AgentBay,
  BrowserContext,
  BrowserFingerprintContext,
  ExtensionOption,
  ValidationError,
  type BrowserContextOptions,
} from '../../src/entries/index.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { browserPersistenceItems } from '../../src/entries/wire.js'
import { SyncPolicyFromJson } from '../../src/wire/policy/sync-policy.js'
import { CreateMcpSessionResponse, officialClient, persistenceDataList } from '../emulator/official-client.js'
import { reply, startServer, type TestServer } from '../core/http-test-server.js'
import { createTestScheduler } from '../helpers/marbles.js'

// ---- the oracle: the official TS SDK 0.15.1, transcribed (session-params.ts, agent-bay.ts) -----------

const newUploadPolicy = () => ({ autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' })
const newExtractPolicy = () => ({ extract: true, deleteSrcFile: true, extractToCurrentFolder: false })
const newDeletePolicy = () => ({ syncLocalFile: true })
const newRecyclePolicy = () => ({ lifecycle: 'Lifecycle_Forever', paths: [''] })

/** `BrowserContext._createExtensionContextSyncs`: the policy object, as the SDK builds it. */
const officialExtensionPolicy = (extensionIds: string[]) => ({
  uploadPolicy: { ...newUploadPolicy(), autoUpload: false },
  extractPolicy: { ...newExtractPolicy(), extract: true, deleteSrcFile: true },
  deletePolicy: { ...newDeletePolicy(), syncLocalFile: false },
  recyclePolicy: newRecyclePolicy(),
  bwList: { whiteLists: extensionIds.map((extId) => ({ path: extId, excludePaths: [] })) },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
})
/** `BrowserContext._createFingerprintContextSync`. */
const officialFingerprintPolicy = () => ({
  uploadPolicy: { ...newUploadPolicy(), autoUpload: false },
  extractPolicy: { ...newExtractPolicy(), extract: true, deleteSrcFile: true },
  deletePolicy: { ...newDeletePolicy(), syncLocalFile: false },
  recyclePolicy: newRecyclePolicy(),
  bwList: { whiteLists: [] },
})
/** `agent-bay.ts create`: the browser context item's policy. */
const officialBrowserPolicy = (autoUpload: boolean) => ({ uploadPolicy: { autoUpload }, downloadPolicy: null, deletePolicy: null, bwList: null, recyclePolicy: null })

/** `PersistenceDataList` as the official SDK sends it: user items, extension, fingerprint, browser last. */
const officialList = (user: { contextId: string; path: string }[], browser: { contextId: string; autoUpload: boolean; ext?: [string, string[]]; fingerprint?: string }) =>
  persistenceDataList([
    ...user,
    ...(browser.ext === undefined ? [] : [{ contextId: browser.ext[0], path: '/tmp/extensions/', policy: JSON.stringify(officialExtensionPolicy(browser.ext[1])) }]),
    ...(browser.fingerprint === undefined ? [] : [{ contextId: browser.fingerprint, path: '/tmp/browser_fingerprint', policy: JSON.stringify(officialFingerprintPolicy()) }]),
    { contextId: browser.contextId, path: '/tmp/agentbay_browser', policy: JSON.stringify(officialBrowserPolicy(browser.autoUpload)) },
  ])

const EXT_IDS = [`ext_${'a'.repeat(32)}.zip`, `ext_${'b'.repeat(32)}.zip`]
const FULL = new BrowserContext('SdkCtx-browser', false, new ExtensionOption('SdkCtx-ext', EXT_IDS), new BrowserFingerprintContext('SdkCtx-fp'))

// ---- fake transport --------------------------------------------------------------------------------

let fake: FakeTransport
beforeEach(() => {
  fake = createFakeTransport()
})
const client = (scheduler?: TestScheduler) => new AgentBay({ apiKey: 'test-key', transport: fake.transport, env: {}, ...(scheduler === undefined ? {} : { scheduler }) })
const created = () => jsonResponse({ ...okBody({ SessionId: 'session-1' }), RequestId: 'create-1' })
const FAST_WAIT = { maxPolls: 5, schedule: () => 0, noTaskGraceMs: 0 }
const downloaded = (contextId: string, path: string) => task({ contextId, path, taskType: 'download', status: 'Success', finishTime: 1_700_000_001 })

describe('agentBay.create({ browserContext }): the PersistenceDataList (official-sdk-calls §5.1)', () => {
  it('equals the official TS serialization for a fingerprint + extensions browser context, after the user items', async () => {
    fake.respond('CreateMcpSession', created())
    fake.respond('GetContextInfo', jsonResponse(contextInfoBody([])))
    await firstValueFrom(client().create({ imageId: 'browser_latest', contextSync: [{ contextId: 'SdkCtx-data', path: '/home/wuying/data' }], browserContext: FULL, observe: 'events' }))
    const sent = fake.requestsOf('CreateMcpSession')[0]?.params['PersistenceDataList']
    expect(sent).toBe(
      officialList([{ contextId: 'SdkCtx-data', path: '/home/wuying/data' }], { contextId: 'SdkCtx-browser', autoUpload: false, ext: ['SdkCtx-ext', EXT_IDS], fingerprint: 'SdkCtx-fp' }),
    )
  })

  it.each([
    ['the class with defaults', new BrowserContext('SdkCtx-b'), { contextId: 'SdkCtx-b', autoUpload: true }],
    ['a plain object', { contextId: 'SdkCtx-b', autoUpload: false }, { contextId: 'SdkCtx-b', autoUpload: false }],
    ['a plain object with a fingerprint only', { contextId: 'SdkCtx-b', fingerprintContext: { fingerprintContextId: 'SdkCtx-fp' } }, { contextId: 'SdkCtx-b', autoUpload: true, fingerprint: 'SdkCtx-fp' }],
  ] as const)('serializes %s as the official SDK does', async (_name, browserContext, official) => {
    fake.respond('CreateMcpSession', created())
    await firstValueFrom(client().create({ browserContext, observe: 'events' }))
    expect(fake.requestsOf('CreateMcpSession')[0]?.params['PersistenceDataList']).toBe(officialList([], official))
  })

  it('waits for the browser items to download, like any mount, and the session expects them in an unscoped sync', async () => {
    fake.respond('CreateMcpSession', created())
    const tasks = [downloaded('SdkCtx-ext', '/tmp/extensions/'), downloaded('SdkCtx-fp', '/tmp/browser_fingerprint'), downloaded('SdkCtx-browser', '/tmp/agentbay_browser')]
    fake.respond('GetContextInfo', (_request, index) => jsonResponse(contextInfoBody(index === 0 ? tasks.map((t) => ({ ...t, status: 'Running', finishTime: 0 })) : tasks)))
    const session = await firstValueFrom(client().create({ browserContext: FULL, downloadWait: FAST_WAIT }))
    expect(session.downloads).toMatchObject({ success: true, tasks: expect.arrayContaining(tasks) })
    expect(fake.requestsOf('GetContextInfo').length).toBeGreaterThanOrEqual(2)
  })

  it.each<[string, unknown, RegExp]>([
    ['a string', 'SdkCtx-b', /^browserContext must be an object/],
    ['no contextId', { autoUpload: true }, /^browserContext\.contextId must be a non-empty string/],
    ['a blank contextId', new BrowserContext('  '), /^browserContext\.contextId must be a non-empty string/],
    ['a string autoUpload', { contextId: 'b', autoUpload: 'yes' }, /^browserContext\.autoUpload must be a boolean/],
    ['a top-level fingerprintContextId', { contextId: 'b', fingerprintContextId: 'fp' }, /unknown option\(s\) "fingerprintContextId"/],
    ['an empty extension list', new BrowserContext('b', true, new ExtensionOption('e', [])), /^browserContext\.extensionOption\.extensionIds must be a non-empty array/],
    ['a blank extension context', new BrowserContext('b', true, new ExtensionOption('', ['x.zip'])), /^browserContext\.extensionOption\.contextId must be a non-empty string/],
    ['a wildcard extension id', new BrowserContext('b', true, new ExtensionOption('e', ['ext_*.zip'])), /^browserContext\.extensionOption\.extensionIds\[0\] must be an exact id/],
    ['a blank fingerprint context', new BrowserContext('b', true, undefined, new BrowserFingerprintContext(' ')), /^browserContext\.fingerprintContext\.fingerprintContextId must be a non-empty string/],
  ])('refuses %s with a ValidationError naming the field, before any request', async (_name, browserContext, message) => {
    const result = client().createAsync({ browserContext: browserContext as BrowserContextOptions })
    await expect(result).rejects.toBeInstanceOf(ValidationError)
    await expect(result).rejects.toThrow(message)
    expect(fake.requests).toHaveLength(0)
  })

  it('refuses a user mount at the browser data path (two contexts at one path)', async () => {
    const result = client().createAsync({ contextSync: [{ contextId: 'c', path: '/tmp/agentbay_browser' }], browserContext: { contextId: 'b' } })
    await expect(result).rejects.toThrow(/mounts two contexts at "\/tmp\/agentbay_browser"/)
    expect(fake.requests).toHaveLength(0)
  })
})

describe('browserPersistenceItems (agentbay-rx/wire)', () => {
  it('reads, through the emulator\'s policy decoder, as the official SDK means each item', () => {
    const [extensions, fingerprint, data] = browserPersistenceItems(FULL).map((item) => {
      const decoded = SyncPolicyFromJson.decode(item.Policy)
      if (decoded._tag === 'Left') throw new Error(`${item.Path}: policy does not decode`)
      return { ...item, policy: decoded.right }
    })
    expect([extensions?.Path, fingerprint?.Path, data?.Path]).toEqual(['/tmp/extensions/', '/tmp/browser_fingerprint', '/tmp/agentbay_browser'])
    // Extensions: downloaded and unpacked, only the listed ids, never uploaded, local deletes kept local.
    expect(extensions?.policy).toMatchObject({
      uploadPolicy: { autoUpload: false },
      downloadPolicy: { autoDownload: true },
      extractPolicy: { extract: true, deleteSrcFile: true },
      deletePolicy: { syncLocalFile: false },
      bwList: { whiteLists: EXT_IDS.map((path) => ({ path, excludePaths: [] })) },
    })
    // Fingerprint: the whole folder (empty white list = everything), uploaded only by an explicit sync.
    expect(fingerprint?.policy).toMatchObject({ uploadPolicy: { autoUpload: false }, downloadPolicy: { autoDownload: true }, bwList: { whiteLists: [{ path: '', excludePaths: [] }] } })
    // Browser data: the caller's autoUpload, the server's defaults elsewhere.
    expect(data?.policy).toMatchObject({ uploadPolicy: { autoUpload: false }, downloadPolicy: { autoDownload: true }, bwList: { whiteLists: [{ path: '', excludePaths: [] }] } })
  })
})

describe('agentBay.create({ browserContext }) in virtual time', () => {
  let scheduler: TestScheduler
  beforeEach(() => {
    scheduler = createTestScheduler()
  })
  const tasks = [downloaded('SdkCtx-browser', '/tmp/agentbay_browser')]

  it('completes once the browser data has downloaded', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('CreateMcpSession', () => cold('-(a|)', { a: created() }))
      const running = tasks.map((t) => ({ ...t, status: 'Running' as const, finishTime: 0 }))
      fake.respond('GetContextInfo', (_request, index) => cold('-(a|)', { a: jsonResponse(contextInfoBody(index === 0 ? running : tasks)) }))
      const kinds$ = client(scheduler)
        .create({ browserContext: new BrowserContext('SdkCtx-browser'), downloadWait: { maxPolls: 5, schedule: (index) => (index === 0 ? 0 : 5), noTaskGraceMs: 0 }, observe: 'events' })
        .pipe(map((event) => event.kind))
      // created at 1; polls leave at 1 and 7 (5 ms after the first answer) and answer a frame later.
      expectObservable(kinds$).toBe('-ab-----(cd|)', { a: 'created', b: 'task', c: 'task', d: 'session' })
    })
  })

  it('errors when CreateMcpSession fails, and sends nothing more', () => {
    scheduler.run(({ cold, expectObservable }) => {
      fake.respond('CreateMcpSession', () => cold('--(a|)', { a: jsonResponse({ Success: false, Code: 'Quota', Message: 'no browsers left', RequestId: 'c-1' }) }))
      expectObservable(client(scheduler).create({ browserContext: new BrowserContext('SdkCtx-browser') })).toBe('--#', undefined, {
        name: 'ApiError',
        kind: 'api',
        message: 'CreateMcpSession failed: [Quota] no browsers left (requestId c-1)',
      })
    })
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(0)
  })

  it('unsubscribing during the download wait cancels the poll in flight and sends no other', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll = cold('----(a|)', { a: jsonResponse(contextInfoBody([])) })
      fake.respond('CreateMcpSession', () => cold('-(a|)', { a: created() }))
      fake.respond('GetContextInfo', () => poll)
      expectObservable(client(scheduler).create({ browserContext: new BrowserContext('SdkCtx-browser') }), '^--!').toBe('---')
      expectSubscriptions(poll.subscriptions).toBe('-^-!')
    })
    expect(fake.requestsOf('GetContextInfo')).toHaveLength(1)
    expect(fake.requestsOf('GetContextInfo')[0]?.state).toBe('cancelled')
    fake.verify()
  })
})

// ---- byte for byte over HTTP ---------------------------------------------------------------------

describe('the CreateMcpSession body on the wire', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  it('carries the same PersistenceDataList bytes as the official OpenAPI core sends for the same browser context', async () => {
    server = await startServer((_request, res) => reply(res, 200, { ...okBody({ SessionId: 'session-1' }) }))
    const agentBay = new AgentBay({ apiKey: 'ak-1', endpoint: `http://127.0.0.1:${server.port}`, env: {} })
    await firstValueFrom(agentBay.create({ imageId: 'browser_latest', browserContext: FULL, observe: 'events' }))
    const official = officialClient({ port: server.port } as Emulator)
    const list = officialList([], { contextId: 'SdkCtx-browser', autoUpload: false, ext: ['SdkCtx-ext', EXT_IDS], fingerprint: 'SdkCtx-fp' })
    await official.invoke('CreateMcpSession', { body: { Authorization: 'Bearer ak-1', ImageId: 'browser_latest', PersistenceDataList: list } }, CreateMcpSessionResponse)
    const [ours, theirs] = await server.received(2)
    const field = (body: string) => /(?:^|&)(PersistenceDataList=[^&]*)/.exec(body)?.[1]
    expect(field(ours!.body)).toBeDefined()
    expect(field(ours!.body)).toBe(field(theirs!.body))
    expect(/(?:^|&)(ImageId=[^&]*)/.exec(ours!.body)?.[1]).toBe('ImageId=browser_latest')
  })
})
