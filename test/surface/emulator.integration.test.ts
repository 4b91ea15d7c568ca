import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { AgentBay, type Context, type CreateSessionOptions, type Session, type SyncOptions } from '../../src/entries/index.js'

// Fast timing everywhere: the emulator holds each task 20 ms per phase.
const SYNC: SyncOptions = { retryInterval: 20, maxRetries: 1500, noTaskGraceMs: 1000 } // 30 s: never binds on a loaded box
const WAIT = { schedule: () => 20, maxPolls: 1500, noTaskGraceMs: 1000 }
const DELETE = { pollIntervalMs: 20, timeoutMs: 60_000, sync: SYNC }
const MOUNT = '/home/wuying/data'

let emulator: Emulator
let dataDir: string
let agentBay: AgentBay
const liveSessions = new Set<Session>()

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'agentbay-surface-'))
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20 })
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
})

afterAll(async () => {
  for (const session of liveSessions) await session.deleteAsync({ pollIntervalMs: 20, timeoutMs: 60_000 })
  await emulator?.close()
  await rm(dataDir, { recursive: true, force: true })
})

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`

async function newContext(prefix: string): Promise<Context> {
  return firstValueFrom(agentBay.context.create(unique(prefix)))
}

/** createAsync that must succeed; the session is remembered for cleanup. */
async function createSession(options: CreateSessionOptions): Promise<Session> {
  const result = await agentBay.createAsync({ downloadWait: WAIT, ...options })
  if (result.session !== undefined) liveSessions.add(result.session)
  expect(result.errorMessage).toBeUndefined()
  expect(result.success).toBe(true)
  return result.session as Session
}

async function deleteSession(session: Session, options: Parameters<Session['deleteAsync']>[0] = {}) {
  const result = await session.deleteAsync({ ...DELETE, ...options })
  if (result.deleted) liveSessions.delete(session)
  return result
}

describe('the canonical persistence flow', () => {
  it('session A writes text and binary files and uploads; session B mounts the context and reads identical bytes', async () => {
    const context = await newContext('persist')
    const binary = new Uint8Array(randomBytes(64 * 1024))
    binary.set([0, 0xff, 0x80, 0x0a, 0x0d], 0) // bytes a text round trip would mangle

    const a = await createSession({ contextSync: [{ contextId: context.id, path: MOUNT }], labels: { flow: 'persist' } })
    expect((await a.fs.createDirectoryAsync(`${MOUNT}/nested/deeper`)).success).toBe(true)
    expect((await a.fs.writeFileAsync(`${MOUNT}/notes.txt`, 'héllo wörld\nline 2\n')).success).toBe(true)
    expect((await a.fs.writeFileAsync(`${MOUNT}/notes.txt`, 'appended\n', { mode: 'append' })).success).toBe(true)
    // write_file takes text only (calls doc §1.5): binary reaches the session by upload, then a move.
    expect((await a.files.uploadAsync(binary, '/tmp/file-transfer/blob.bin')).success).toBe(true)
    expect((await a.fs.moveFileAsync('/tmp/file-transfer/blob.bin', `${MOUNT}/nested/deeper/blob.bin`)).success).toBe(true)

    const upload = await a.context.syncAsync({ ...SYNC, mode: 'upload' })
    expect(upload).toMatchObject({ success: true, timedOut: false })
    expect(upload.tasks.map((t) => [t.contextId, t.taskType, t.status])).toEqual([[context.id, 'upload', 'Success']])
    expect(await deleteSession(a)).toMatchObject({ success: true, deleted: true })
    expect((await agentBay.getAsync(a.sessionId)).success).toBe(false)

    const b = await agentBay.createAsync({ contextSync: [{ contextId: context.id, path: MOUNT }], downloadWait: WAIT })
    if (b.session !== undefined) liveSessions.add(b.session)
    expect(b).toMatchObject({ success: true, downloads: { success: true } })
    expect(b.downloads?.tasks.map((t) => [t.taskType, t.status])).toEqual([['download', 'Success']])
    const session = b.session as Session

    const text = await session.fs.readFileAsync(`${MOUNT}/notes.txt`)
    expect(text).toMatchObject({ success: true, content: 'héllo wörld\nline 2\nappended\n' })
    const bytes = await firstValueFrom(session.fs.readBytes(`${MOUNT}/nested/deeper/blob.bin`))
    expect(sha256(bytes)).toBe(sha256(binary))
    expect(await firstValueFrom(session.fs.listDirectory(MOUNT))).toEqual([
      { name: 'nested', isDirectory: true },
      { name: 'notes.txt', isDirectory: false },
    ])
    expect((await firstValueFrom(agentBay.get(session.sessionId))).contexts).toEqual([{ id: context.id, name: context.name }])
  })

  it("create({ observe: 'events' }) streams the download task before the ready session", async () => {
    const context = await newContext('stream')
    await agentBay.context.uploadAsync(context.id, '/a.txt', 'a')
    const events = await lastValueFrom(agentBay.create({ observe: 'events', contextSync: [{ contextId: context.id, path: MOUNT }], downloadWait: WAIT }).pipe(toArray()))
    const last = events.at(-1)
    if (last?.kind === 'session') liveSessions.add(last.session)
    expect(events[0]?.kind).toBe('created')
    expect(events.filter((e) => e.kind === 'task').length).toBeGreaterThanOrEqual(1)
    expect(last).toMatchObject({ kind: 'session', downloads: { success: true } })
  })
})

describe('delete with syncContext', () => {
  it('uploads the mounted context first and reports it, then the session is gone', async () => {
    const context = await newContext('del-sync')
    const session = await createSession({ contextSync: [{ contextId: context.id, path: MOUNT }] })
    await session.fs.writeFileAsync(`${MOUNT}/saved.txt`, 'kept on delete')
    const result = await deleteSession(session, { syncContext: true })
    expect(result).toMatchObject({ success: true, deleted: true, upload: { success: true } })
    expect(result.upload?.tasks.some((t) => t.taskType === 'upload' && t.status === 'Success')).toBe(true)
    const downloaded = await agentBay.context.downloadAsync(context.id, '/saved.txt')
    expect(downloaded.success && new TextDecoder().decode(downloaded.data)).toBe('kept on delete')
  })
})

describe('sync policies', () => {
  it('an exclude list keeps the excluded folder out of the context on upload', async () => {
    const context = await newContext('policy')
    const policy = { bwList: { whiteLists: [{ path: '', excludePaths: ['cache'] }] }, uploadPolicy: { autoUpload: false } }
    const session = await createSession({ contextSync: [{ contextId: context.id, path: MOUNT, policy }] })
    await session.fs.writeFileAsync(`${MOUNT}/keep.txt`, 'keep')
    await session.fs.writeFileAsync(`${MOUNT}/cache/skip.txt`, 'skip')
    expect(await session.context.syncAsync({ ...SYNC, mode: 'upload' })).toMatchObject({ success: true })
    const root = await firstValueFrom(agentBay.context.listFiles(context.id, '/'))
    expect(root.entries.map((e) => e.fileName)).toEqual(['keep.txt'])
  })
})

describe('a failing download is reported to the caller', () => {
  it('createAsync resolves success false with the Failed task, and still hands back the session to clean up', async () => {
    const context = await newContext('broken')
    // The context's storage becomes a plain file: the emulator's download task cannot read it and records Failed.
    const root = emulator.contextRoot(context.id)
    await rm(root, { recursive: true, force: true })
    await mkdir(dirname(root), { recursive: true })
    await writeFile(root, 'not a directory')
    const result = await agentBay.createAsync({ contextSync: [{ contextId: context.id, path: MOUNT }], downloadWait: WAIT })
    if (result.session !== undefined) liveSessions.add(result.session)
    expect(result.success).toBe(false)
    expect(result.session?.sessionId).toMatch(/^session-/)
    expect(result.downloads).toMatchObject({ success: false, timedOut: false })
    expect(result.downloads?.tasks[0]?.status).toBe('Failed')
    expect(result.errorMessage).toContain('were not downloaded')
    expect(await deleteSession(result.session as Session)).toMatchObject({ success: true, deleted: true })
  })
})

describe('pagination against the emulator', () => {
  it('walks contexts across several pages, and take(3) with maxResults 3 sends one ListContexts', async () => {
    const tenant = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    const created = await Promise.all(Array.from({ length: 7 }, (_, i) => firstValueFrom(tenant.context.create(unique(`page-${i}`)))))
    const all = await lastValueFrom(tenant.context.list({ maxResults: 3 }).pipe(toArray()))
    const ids = new Set(all.map((c) => c.id))
    for (const context of created) expect(ids.has(context.id)).toBe(true)
    expect(ids.size).toBe(all.length) // no duplicates across pages
    const listCalls = () => emulator.stats().calls['ListContexts'] ?? 0
    const before = listCalls()
    expect(await lastValueFrom(tenant.context.list({ maxResults: 3 }).pipe(take(3), toArray()))).toHaveLength(3)
    expect(listCalls() - before).toBe(1)
    const beforeAll = listCalls()
    await lastValueFrom(tenant.context.list({ maxResults: 3 }).pipe(toArray()))
    expect(listCalls() - beforeAll).toBe(Math.ceil(all.length / 3))
    const page = await firstValueFrom(tenant.context.listPage({ maxResults: 3 }))
    expect(page.contexts).toHaveLength(3)
    expect(page.nextToken).toBeDefined()
    expect(page.totalCount).toBe(all.length)
  })

  it('walks sessions by label across pages', async () => {
    const label = { suite: unique('paging') }
    const sessions = await Promise.all(Array.from({ length: 5 }, () => createSession({ labels: label })))
    const listed = await lastValueFrom(agentBay.list({ labels: label, maxResults: 2 }).pipe(toArray()))
    expect(listed.map((s) => s.sessionId).sort()).toEqual(sessions.map((s) => s.sessionId).sort())
    expect(listed.every((s) => s.status === 'RUNNING')).toBe(true)
    const firstPage = await agentBay.listPageAsync({ labels: label, maxResults: 2 })
    expect(firstPage).toMatchObject({ success: true, totalCount: 5, maxResults: 2, nextToken: expect.any(String) })
    await Promise.all(sessions.map((s) => deleteSession(s)))
    expect(await lastValueFrom(agentBay.list({ labels: label }).pipe(toArray()))).toEqual([])
  })
})

describe('context files and clear', () => {
  it('uploads 5 MiB through a presigned URL and downloads identical bytes (bytes, progress and stream forms)', async () => {
    const context = await newContext('big')
    const data = new Uint8Array(randomBytes(5 * 1024 * 1024))
    const uploadEvents = await lastValueFrom(agentBay.context.upload(context.id, '/big/blob.bin', data).pipe(toArray()))
    expect(uploadEvents.at(-1)).toMatchObject({ kind: 'done', transferredBytes: data.byteLength })
    expect(uploadEvents.length).toBeGreaterThan(10) // progress as the body goes out

    const downloaded = await agentBay.context.downloadAsync(context.id, '/big/blob.bin')
    expect(downloaded.success && sha256(downloaded.data)).toBe(sha256(data))

    const events = await lastValueFrom(agentBay.context.download(context.id, '/big/blob.bin').pipe(toArray()))
    const progress = events.filter((e) => e.kind === 'progress').map((e) => e.transferredBytes)
    expect(progress).toEqual([...progress].sort((x, y) => x - y))
    expect(events.at(-1)).toMatchObject({ kind: 'done', transferredBytes: data.byteLength })

    const opened = await agentBay.context.downloadStreamAsync(context.id, '/big/blob.bin')
    if (!opened.success) throw opened.error
    const hash = createHash('sha256')
    for await (const chunk of opened.stream) hash.update(chunk as Buffer)
    expect(hash.digest('hex')).toBe(sha256(data))

    const listing = await agentBay.context.listFilesAsync(context.id, '/big')
    expect(listing).toMatchObject({ success: true, entries: [{ filePath: '/big/blob.bin', size: data.byteLength }] })
    expect((await agentBay.context.deleteFileAsync(context.id, '/big/blob.bin')).success).toBe(true)
    expect((await agentBay.context.downloadAsync(context.id, '/big/blob.bin')).success).toBe(false)
  })

  it('streams a Readable upload, with and without a declared length', async () => {
    const context = await newContext('readable')
    const chunks = [randomBytes(100_000), randomBytes(50_000), randomBytes(7)]
    const whole = Buffer.concat(chunks)
    const chunked = await agentBay.context.uploadAsync(context.id, '/chunked.bin', Readable.from(chunks))
    expect(chunked).toMatchObject({ success: true, transferredBytes: whole.byteLength })
    const sized = await agentBay.context.uploadAsync(context.id, '/sized.bin', Readable.from(chunks), { contentLength: whole.byteLength })
    expect(sized.success).toBe(true)
    for (const name of ['/chunked.bin', '/sized.bin']) {
      const back = await agentBay.context.downloadAsync(context.id, name)
      expect(back.success && sha256(back.data)).toBe(sha256(whole))
    }
  })

  it('clear() goes through clearing and ends available with the data gone', async () => {
    const context = await newContext('clear')
    await agentBay.context.uploadAsync(context.id, '/x.txt', 'x')
    const states = await lastValueFrom(agentBay.context.clear(context.id, { pollIntervalMs: 10, timeoutMs: 60_000 }).pipe(toArray()))
    expect(states[0]).toBe('clearing')
    expect(states.at(-1)).toBe('available')
    const files = await agentBay.context.listFilesAsync(context.id, '/')
    expect(files.success && files.entries).toEqual([])
  })

  it('renames and deletes a context', async () => {
    const context = await newContext('rename')
    const renamed = unique('renamed')
    expect((await agentBay.context.updateAsync({ id: context.id, name: renamed })).success).toBe(true)
    expect((await firstValueFrom(agentBay.context.getById(context.id))).name).toBe(renamed)
    expect((await agentBay.context.deleteAsync(context)).success).toBe(true)
    expect((await agentBay.context.getByIdAsync(context.id)).success).toBe(false)
  })
})
