// Issue 12 items 2, 4, 5 against the emulator over HTTP: browser-context persistence across two
// sessions (the browser-data files, not a browser), delete through the client with sync, and the
// labels round trip.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { buildZip } from '../helpers/zip-writer.js'
import {
  AgentBay,
  BROWSER_DATA_PATH,
  BROWSER_EXTENSIONS_PATH,
  BROWSER_FINGERPRINT_PATH,
  BrowserContext,
  BrowserFingerprintContext,
  ExtensionOption,
  ValidationError,
  type CreateSessionOptions,
  type Session,
} from '../../src/entries/index.js'

// Fast timing; budgets generous enough never to bind on a loaded 2-core box.
const SYNC = { retryInterval: 20, maxRetries: 1500, noTaskGraceMs: 1000 }
const WAIT = { schedule: () => 20, maxPolls: 1500, noTaskGraceMs: 1000 }
const DELETE = { pollIntervalMs: 20, timeoutMs: 60_000, sync: SYNC }

let emulator: Emulator
let dataDir: string
let agentBay: AgentBay
const live = new Set<Session>()

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'agentbay-browser-labels-'))
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20 })
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
})

afterAll(async () => {
  for (const session of live) await agentBay.deleteAsync(session, { pollIntervalMs: 20, timeoutMs: 60_000 })
  await emulator?.close()
  await rm(dataDir, { recursive: true, force: true })
})

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`
const newContextId = async (prefix: string): Promise<string> => (await firstValueFrom(agentBay.context.create(unique(prefix)))).id

async function createSession(options: CreateSessionOptions): Promise<Session> {
  const result = await agentBay.createAsync({ downloadWait: WAIT, ...options })
  if (result.session !== undefined) live.add(result.session)
  expect(result.errorMessage).toBeUndefined()
  return result.session as Session
}

async function read(session: Session, path: string): Promise<string | undefined> {
  const answer = await session.fs.readFileAsync(path)
  return answer.success ? answer.content : undefined
}

describe('browser persistence (issue 12 item 2)', () => {
  it('session 1 writes browser data, fingerprint and sees its extension; deleted with sync, session 2 with the same browser context reads identical files', async () => {
    const [browserId, fingerprintId, extensionsId] = await Promise.all([newContextId('browser'), newContextId('fingerprint'), newContextId('extensions')])
    const wanted = `ext_${randomBytes(16).toString('hex')}.zip`
    const other = `ext_${randomBytes(16).toString('hex')}.zip`
    // Where the official extension manager puts them (calls doc §5.3): the session path of the zip.
    for (const [id, content] of [[wanted, 'manifest-wanted'], [other, 'manifest-other']] as const) {
      const zip = buildZip([{ name: 'manifest.json', content, method: 'deflate' }])
      expect((await agentBay.context.uploadAsync(extensionsId, `${BROWSER_EXTENSIONS_PATH}${id}`, zip)).success).toBe(true)
    }
    // autoUpload false everywhere: only delete with sync keeps the data (official-sdk-calls §5.4).
    const browserContext = new BrowserContext(browserId, false, new ExtensionOption(extensionsId, [wanted]), new BrowserFingerprintContext(fingerprintId))

    const first = await createSession({ imageId: 'browser_latest', browserContext })
    // The extension policy extracts each zip into a folder named after it (extract, deleteSrcFile).
    const unpacked = (id: string): string => `${BROWSER_EXTENSIONS_PATH}${id.replace(/\.zip$/, '')}/manifest.json`
    expect(await read(first, unpacked(wanted))).toBe('manifest-wanted')
    expect(await read(first, unpacked(other))).toBeUndefined() // only the listed ids are mounted
    const files: Record<string, string> = {
      [`${BROWSER_DATA_PATH}/Local State`]: '{"profile":{"info_cache":{}}}',
      [`${BROWSER_DATA_PATH}/Default/Cookies`]: `cookie-db-${randomBytes(8).toString('hex')}`,
      [`${BROWSER_DATA_PATH}/Default/Cookies-journal`]: 'journal',
      [`${BROWSER_FINGERPRINT_PATH}/fingerprint.json`]: '{"navigator":{"userAgent":"emulated"}}',
    }
    for (const [path, content] of Object.entries(files)) expect((await first.fs.writeFileAsync(path, content)).success).toBe(true)

    const deleted = await agentBay.deleteAsync(first, { syncContext: true, ...DELETE })
    expect(deleted).toMatchObject({ success: true, deleted: true, upload: { success: true } })
    live.delete(first)

    const second = await createSession({ imageId: 'browser_latest', browserContext })
    expect(second.downloads?.success).toBe(true)
    for (const [path, content] of Object.entries(files)) expect(await read(second, path)).toBe(content)
    expect(await read(second, unpacked(wanted))).toBe('manifest-wanted')
  })

  it('a browser context alone (plain object, autoUpload default) persists through delete with sync, too', async () => {
    const browserId = await newContextId('browser-plain')
    const first = await createSession({ browserContext: { contextId: browserId } })
    expect((await first.fs.writeFileAsync(`${BROWSER_DATA_PATH}/Default/Preferences`, '{"a":1}')).success).toBe(true)
    expect(await agentBay.deleteAsync(first.sessionId, { syncContext: true, ...DELETE })).toMatchObject({ success: true, deleted: true })
    live.delete(first)
    const second = await createSession({ browserContext: { contextId: browserId } })
    expect(await read(second, `${BROWSER_DATA_PATH}/Default/Preferences`)).toBe('{"a":1}')
  })
})

describe('delete through the client (issue 12 item 4)', () => {
  it('uploads the mounted context first (a later session sees the file), and the session is gone', async () => {
    const contextId = await newContextId('delete-sync')
    const mount = { contextSync: [{ contextId, path: '/home/wuying/data' }] }
    const first = await createSession(mount)
    expect((await first.fs.writeFileAsync('/home/wuying/data/report.txt', 'written before delete')).success).toBe(true)

    const result = await lastValueFrom(agentBay.delete(first, { syncContext: true, ...DELETE }))
    expect(result).toMatchObject({ success: true, deleted: true, upload: { success: true } })
    live.delete(first)
    const detail = await agentBay.getAsync(first.sessionId)
    expect(detail).toMatchObject({ success: false, error: { code: 'InvalidMcpSession.NotFound' } })

    const second = await createSession(mount)
    expect(await read(second, '/home/wuying/data/report.txt')).toBe('written before delete')
  })
})

describe('labels on a running session (issue 12 item 5)', () => {
  it('round trip: set → get → list sessions by label finds it; a second set replaces', async () => {
    const session = await createSession({ labels: { stage: 'initial' } })
    const project = unique('labels')
    expect(await session.setLabelsAsync({ project, env: 'test' })).toMatchObject({ success: true })
    expect(await session.getLabelsAsync()).toMatchObject({ success: true, labels: { project, env: 'test' } })
    const found = await lastValueFrom(agentBay.list({ labels: { project } }).pipe(toArray()))
    expect(found.map((s) => s.sessionId)).toEqual([session.sessionId])
    // No longer listed under its creation label (the service replaces; official-sdk-calls §2 leaves it open).
    const stale = await lastValueFrom(agentBay.list({ labels: { stage: 'initial' } }).pipe(toArray()))
    expect(stale.map((s) => s.sessionId)).not.toContain(session.sessionId)
  })

  it('refuses bad labels before any request', async () => {
    const session = await createSession({})
    const before = emulator.stats().calls['SetLabel'] ?? 0
    for (const labels of [{}, { project: ' ' }, { ' ': 'x' }, [] as unknown as Record<string, string>]) {
      await expect(session.setLabelsAsync(labels)).rejects.toBeInstanceOf(ValidationError)
    }
    expect(emulator.stats().calls['SetLabel'] ?? 0).toBe(before)
    expect(await session.getLabelsAsync()).toMatchObject({ success: true, labels: {} })
  })
})
