// Issue 12 item 1: `session.files` moves files between this machine and a session the way the
// official uploadFile/downloadFile do (calls doc §4), against the emulator over HTTP: one cold
// Observable of typed events per transfer, typed errors, and an abort that leaves nothing half-written.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { lastValueFrom, toArray, type Observable } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import {
  AgentBay,
  isApiError,
  isHttpError,
  isValidationError,
  type FileDownloadEvent,
  type FileTransferSyncOptions,
  type FileUploadEvent,
  type Outcome,
  type Session,
} from '../../src/entries/index.js'

const SYNC: FileTransferSyncOptions = { retryInterval: 20, maxRetries: 1500, noTaskGraceMs: 1000 } // 30 s: never binds on a loaded box
const FOLDER = '/tmp/file-transfer'
const MiB = 1024 * 1024

let emulator: Emulator
let dataDir: string
let scratch: string
let agentBay: AgentBay
const sessions: Session[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'agentbay-files-'))
  scratch = await mkdtemp(join(tmpdir(), 'agentbay-files-local-'))
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir, taskDelayMs: 20 })
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
})

afterAll(async () => {
  for (const session of sessions) await session.deleteAsync({ pollIntervalMs: 20, timeoutMs: 60_000 })
  await emulator?.close()
  await rm(dataDir, { recursive: true, force: true })
  await rm(scratch, { recursive: true, force: true })
})

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const unique = (name: string): string => `${name}-${randomBytes(4).toString('hex')}`

async function newSession(): Promise<Session> {
  const created = await agentBay.createAsync()
  expect(created.success).toBe(true)
  sessions.push(created.session!)
  return created.session!
}

/** The file as the emulated session holds it (its sandbox on disk), or undefined. */
async function inSession(session: Session, remotePath: string): Promise<Buffer | undefined> {
  const file = join(emulator.sessionRoot(session.sessionId), ...remotePath.split('/').filter(Boolean))
  return existsSync(file) ? readFile(file) : undefined
}

/** Whether the transfer context's storage holds `remotePath` (its FilePath namespace is the session's paths). */
const staged = (contextId: string, remotePath: string): boolean => existsSync(join(emulator.contextRoot(contextId), ...remotePath.split('/').filter(Boolean)))

/** Subscribes, and unsubscribes at the first event `stopAt` accepts; resolves with the events seen. */
function stopWhen<E>(source$: Observable<E>, stopAt: (event: E) => boolean): Promise<{ events: E[]; ended: 'stopped' | 'complete' | 'error' }> {
  return new Promise((resolve) => {
    const events: E[] = []
    const subscription = source$.subscribe({
      next: (event) => {
        events.push(event)
        if (stopAt(event)) {
          queueMicrotask(() => subscription.unsubscribe())
          resolve({ events, ended: 'stopped' })
        }
      },
      error: () => resolve({ events, ended: 'error' }),
      complete: () => resolve({ events, ended: 'complete' }),
    })
  })
}

function expectMonotonicProgress(events: readonly (FileUploadEvent | FileDownloadEvent)[], total: number): void {
  const progress = events.filter((event) => event.kind === 'progress')
  expect(progress.length).toBeGreaterThan(2)
  const moved = progress.map((event) => event.transferredBytes)
  expect(moved).toEqual([...moved].sort((a, b) => a - b))
  expect(moved.at(-1)).toBe(total)
  for (const event of progress) expect(event.totalBytes).toBe(total)
}

describe('session.files: a multi-megabyte round trip (issue 12 item 1)', () => {
  it('uploads 5 MiB from a local file and downloads it back byte for byte, as bytes and to a local path, with progress, sync states and done', async () => {
    const session = await newSession()
    const bytes = new Uint8Array(randomBytes(5 * MiB))
    const local = join(scratch, unique('upload.bin'))
    await writeFile(local, bytes)
    const remotePath = `${FOLDER}/${unique('big')}.bin`

    const up = await lastValueFrom(session.files.upload(local, remotePath, { sync: SYNC }).pipe(toArray()))
    const context = await lastValueFrom(session.files.transferContext())
    expect(context.contextPath).toBe('/tmp/file-transfer/')
    for (const event of up) expect(event).toMatchObject({ direction: 'upload', remotePath, contextId: context.contextId, contextPath: '/tmp/file-transfer/' })
    // Bytes first, then the sync task's states, then done.
    const kinds = up.map((event) => event.kind)
    expect(kinds.join(' ')).toMatch(/^(progress )+(sync )+done$/)
    expectMonotonicProgress(up, bytes.byteLength)
    const states = up.flatMap((event) => (event.kind === 'sync' ? [event.task] : []))
    for (const task of states) expect(task).toMatchObject({ contextId: context.contextId, path: remotePath, taskType: 'download' })
    expect(states.at(-1)!.status).toBe('Success')
    const done = up.at(-1)!
    expect(done).toMatchObject({ kind: 'done', transferredBytes: bytes.byteLength, requestId: states.at(-1)!.requestId })
    expect(sha256((await inSession(session, remotePath))!)).toBe(sha256(bytes))

    const down = await lastValueFrom(session.files.download(remotePath, { sync: SYNC }).pipe(toArray()))
    expect(down.map((event) => event.kind).join(' ')).toMatch(/^(sync )+(progress )+done$/)
    expectMonotonicProgress(down, bytes.byteLength)
    const downStates = down.flatMap((event) => (event.kind === 'sync' ? [event.task] : []))
    expect(downStates.at(-1)).toMatchObject({ taskType: 'upload', path: remotePath, status: 'Success' })
    const got = down.at(-1)!
    if (got.kind !== 'done') throw new Error('no done event')
    expect(got.transferredBytes).toBe(bytes.byteLength)
    expect(sha256(got.data!)).toBe(sha256(bytes))

    const target = join(scratch, unique('copy.bin'))
    const saved = await session.files.downloadAsync(remotePath, { to: target, sync: SYNC })
    expect(saved).toMatchObject({ success: true, localPath: target, transferredBytes: bytes.byteLength, contextId: context.contextId })
    expect(sha256(await readFile(target))).toBe(sha256(bytes))
    expect((await readdir(scratch)).filter((name) => name.endsWith('.part'))).toEqual([])
    // calls doc §4.2/§4.3 #6: the staging copy is removed, the session's copy stays.
    expect(staged(context.contextId, remotePath)).toBe(false)
    expect(await inSession(session, remotePath)).toBeDefined()
  })

  it('uploads bytes, a Readable, a web ReadableStream and an async iterable; the Promise form resolves the reference shape', async () => {
    const session = await newSession()
    const chunks = [Buffer.from('stream '), Buffer.from('of '), Buffer.from('bytes')]
    async function* iterable(): AsyncGenerator<Uint8Array> {
      yield* chunks
    }
    const sources = {
      bytes: new TextEncoder().encode('stream of bytes'),
      readable: Readable.from(chunks),
      web: Readable.toWeb(Readable.from(chunks)),
      iterable: iterable(),
    }
    for (const [name, source] of Object.entries(sources)) {
      const remotePath = `${FOLDER}/${name}.txt`
      const result = await session.files.uploadAsync(source as Uint8Array, remotePath, { sync: SYNC, contentType: 'text/plain' })
      expect(result, name).toMatchObject({ success: true, direction: 'upload', remotePath, transferredBytes: 15 })
      expect(result.requestId, name).toMatch(/\S/)
      expect((await inSession(session, remotePath))?.toString('utf8'), name).toBe('stream of bytes')
    }
  })
})

describe('session.files: an abort midway leaves nothing half-written (issue 12 item 1)', () => {
  it.each([
    ['bytes (Content-Length)', () => new Uint8Array(randomBytes(8 * MiB))],
    ['a stream (chunked)', () => Readable.from(Array.from({ length: 128 }, () => randomBytes(64 * 1024)))],
  ])('upload of %s: unsubscribing once bytes started moving sends no sync, and the session has nothing at the path', async (_name, source) => {
    const session = await newSession()
    const remotePath = `${FOLDER}/${unique('aborted')}.bin`
    const context = await lastValueFrom(session.files.transferContext())
    const syncsBefore = emulator.stats().calls['SyncContext'] ?? 0
    const putsBefore = emulator.stats().fileRequests
    // Stopped a quarter of the way: the emulator is reading the body when the connection drops.
    const { events, ended } = await stopWhen(session.files.upload(source(), remotePath, { sync: SYNC }), (event) => event.kind === 'progress' && event.transferredBytes >= 2 * MiB)
    expect(ended).toBe('stopped')
    expect(events.at(-1)).toMatchObject({ kind: 'progress' })
    await eventually(async () => emulator.stats().fileRequests === putsBefore + 1)
    await emulator.idle()
    await eventually(async () => (await readdir(join(dataDir, 'tmp')).catch(() => [])).length === 0)
    expect(await inSession(session, remotePath)).toBeUndefined()
    // The PUT reached the emulator and was cut off: no partial object in storage either, so no later
    // sync of that path could place half a file in the session.
    expect(staged(context.contextId, remotePath)).toBe(false)
    expect(emulator.stats().calls['SyncContext'] ?? 0).toBe(syncsBefore)
    // Control: a PUT that completes is visible where `staged` looks.
    expect((await agentBay.context.uploadAsync(context.contextId, remotePath, 'whole')).success).toBe(true)
    expect(staged(context.contextId, remotePath)).toBe(true)
    expect(await inSession(session, remotePath)).toBeUndefined()
  })

  it('download to a local path: unsubscribing mid-GET leaves no file at `to` and no temporary file', async () => {
    const session = await newSession()
    const remotePath = `${FOLDER}/${unique('source')}.bin`
    expect((await session.files.uploadAsync(new Uint8Array(randomBytes(8 * MiB)), remotePath, { sync: SYNC })).success).toBe(true)
    const folder = await mkdtemp(join(scratch, 'abort-'))
    const target = join(folder, 'half.bin')
    const { ended } = await stopWhen(session.files.download(remotePath, { to: target, sync: SYNC }), (event) => event.kind === 'progress' && event.transferredBytes > 0)
    expect(ended).toBe('stopped')
    await eventually(async () => (await readdir(folder)).length === 0)
    expect(existsSync(target)).toBe(false)
  })
})

describe('session.files: typed errors (issue 12 item 1)', () => {
  it('a Failed sync task is an ApiError carrying the task message; downloadAsync resolves success: false with it', async () => {
    const session = await newSession()
    const remotePath = `${FOLDER}/missing.txt`
    const error = await lastValueFrom(session.files.download(remotePath, { sync: SYNC })).catch((caught: unknown) => caught)
    expect(isApiError(error)).toBe(true)
    expect((error as Error).message).toContain('not found in the session')
    expect((error as Error).message).toContain(remotePath)
    const result = await session.files.downloadAsync(remotePath, { sync: SYNC })
    expect(result).toMatchObject({ success: false, error: { name: 'ApiError' } })
    expect(result.errorMessage).toContain('not found in the session')
  })

  it('HTTP 403 from the presigned URL is an HttpError, and nothing reaches the session', async () => {
    // A fetch that breaks the URL's signature: the emulator answers 403 as a storage would.
    const tampering: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      return fetch(url.includes('/files/') ? url.replace(/token=([0-9a-f]+)/, (_match, token: string) => `token=${'0'.repeat(token.length)}`) : input, init)
    }
    const client = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {}, fetch: tampering })
    const session = client.session((await newSession()).sessionId)
    const remotePath = `${FOLDER}/forbidden.txt`
    const error = await lastValueFrom(session.files.upload(new TextEncoder().encode('x'), remotePath, { sync: SYNC })).catch((caught: unknown) => caught)
    expect(isHttpError(error)).toBe(true)
    expect(error).toMatchObject({ httpStatus: 403 })
    expect((error as Error).message).not.toContain('token=')
    expect(await inSession(session, remotePath)).toBeUndefined()
  })

  it('an unknown session: the transfer-context lookup fails with the service code, before any byte moves', async () => {
    const session = agentBay.session('s-does-not-exist')
    const events: unknown[] = []
    const error = await new Promise((resolve) => session.files.upload(new Uint8Array(4), `${FOLDER}/a`).subscribe({ next: (event) => events.push(event), error: resolve }))
    expect(error).toMatchObject({ code: 'InvalidMcpSession.NotFound' })
    expect(events).toEqual([])
    expect(await session.files.uploadAsync(new Uint8Array(4), `${FOLDER}/a`)).toMatchObject({ success: false, error: { code: 'InvalidMcpSession.NotFound' } })
  })

  it('bad arguments are ValidationErrors naming the option, raised before any request', async () => {
    const session = agentBay.session('s-never-called')
    const before = Object.values(emulator.stats().calls).reduce((sum, n) => sum + n, 0)
    const cases: [Observable<unknown>, RegExp][] = [
      [session.files.upload(new Uint8Array(1), 'relative/a.txt'), /remotePath must be an absolute path/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/`), /remotePath must name a file/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/../etc/passwd`), /remotePath must not contain '\.\.'/],
      [session.files.upload(join(scratch, 'no-such-file'), `${FOLDER}/a`), /source: local file not found/],
      [session.files.upload(42 as unknown as Uint8Array, `${FOLDER}/a`), /source must be/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/a`, { timeoutMs: -1 }), /timeoutMs must be/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/a`, { contentLength: 1.5 }), /contentLength must be/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/a`, { sync: { maxRetries: 0 } }), /maxRetries must be/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/a`, { sync: { mode: 'upload' } as FileTransferSyncOptions }), /unknown option\(s\) "mode"/],
      [session.files.upload(new Uint8Array(1), `${FOLDER}/a`, { wait: true } as object), /unknown option\(s\) "wait"/],
      [session.files.download(`${FOLDER}/a`, { overwrite: 'no' as unknown as boolean }), /overwrite must be a boolean/],
      [session.files.download(`${FOLDER}/a`, { to: '' }), /to must be a non-empty string/],
      [session.files.download(`${FOLDER}/a`, { to: join(scratch, 'no-such-folder', 'a.bin') }), /to: folder .*no-such-folder does not exist/],
    ]
    for (const [call$, message] of cases) {
      const error = await lastValueFrom(call$).catch((caught: unknown) => caught)
      expect(isValidationError(error), String(message)).toBe(true)
      expect((error as Error).message).toMatch(message)
    }
    const existing = join(scratch, unique('exists.txt'))
    await writeFile(existing, 'keep me')
    const refused = await lastValueFrom(session.files.download(`${FOLDER}/a`, { to: existing, overwrite: false })).catch((caught: unknown) => caught)
    expect(isValidationError(refused)).toBe(true)
    expect(await readFile(existing, 'utf8')).toBe('keep me')
    await expect(session.files.uploadAsync(new Uint8Array(1), 'relative')).rejects.toMatchObject({ name: 'ValidationError' })
    expect(Object.values(emulator.stats().calls).reduce((sum, n) => sum + n, 0)).toBe(before)
  })

  it('a remote path outside the transfer folder is refused after the context lookup, before any byte moves', async () => {
    const session = await newSession()
    const before = emulator.stats()
    const error = await lastValueFrom(session.files.upload(new Uint8Array(1), '/home/wuying/a.txt')).catch((caught: unknown) => caught)
    expect(isValidationError(error)).toBe(true)
    expect((error as Error).message).toContain('/tmp/file-transfer/')
    const after = emulator.stats()
    expect(after.fileRequests).toBe(before.fileRequests)
    expect(after.calls['GetContextFileUploadUrl'] ?? 0).toBe(before.calls['GetContextFileUploadUrl'] ?? 0)
  })
})

describe('session.files: one transfer-context lookup in flight per handle (review of issue 12 item 1)', () => {
  const lookups = (): number => emulator.stats().calls['GetAndLoadInternalContext'] ?? 0
  const text = (value: string): Uint8Array => new TextEncoder().encode(value)
  /** The result of a transfer that must have succeeded. */
  const succeeded = <T extends object>(outcome: Outcome<T>): T => {
    if (!outcome.success) throw new Error(`expected success, got: ${outcome.errorMessage}`)
    return outcome
  }

  /** A session holding `remotePath` (put there through another handle), and a fresh handle on it that never asked for its transfer context. */
  async function freshHandleWithFile(remotePath: string, content: string): Promise<Session> {
    const session = await newSession()
    expect((await session.files.uploadAsync(text(content), remotePath, { sync: SYNC })).success).toBe(true)
    return agentBay.session(session.sessionId)
  }

  it('an upload and a download started together on a fresh handle send one GetAndLoadInternalContext and both succeed', async () => {
    const existing = `${FOLDER}/${unique('existing')}.txt`
    const handle = await freshHandleWithFile(existing, 'already there')
    const before = lookups()
    const [up, down] = await Promise.all([
      handle.files.uploadAsync(text('new file'), `${FOLDER}/${unique('new')}.txt`, { sync: SYNC }),
      handle.files.downloadAsync(existing, { sync: SYNC }),
    ])
    expect(new TextDecoder().decode(succeeded(down).data)).toBe('already there')
    expect(succeeded(up).contextId).toBe(succeeded(down).contextId)
    expect(lookups() - before).toBe(1)
  })

  it('a failed lookup fails every transfer waiting for it, and is not kept: the next transfer asks again', async () => {
    const existing = `${FOLDER}/${unique('existing')}.txt`
    const handle = await freshHandleWithFile(existing, 'still there')
    const before = lookups()
    emulator.setFaults([{ action: 'GetAndLoadInternalContext', kind: 'successFalse', code: 'InternalError', message: 'lookup refused once', times: 1 }])
    try {
      const [up, down] = await Promise.all([
        handle.files.uploadAsync(text('x'), `${FOLDER}/${unique('refused')}.txt`, { sync: SYNC }),
        handle.files.downloadAsync(existing, { sync: SYNC }),
      ])
      expect(lookups() - before).toBe(1)
      for (const result of [up, down]) expect(result).toMatchObject({ success: false, error: { code: 'InternalError' } })
    } finally {
      emulator.setFaults(undefined)
    }
    const again = await handle.files.downloadAsync(existing, { sync: SYNC })
    expect(new TextDecoder().decode(succeeded(again).data)).toBe('still there')
    expect(lookups() - before).toBe(2)
  })

  it('unsubscribing one of two transfers while their shared lookup is in flight leaves the other\'s lookup running', async () => {
    const existing = `${FOLDER}/${unique('existing')}.txt`
    const handle = await freshHandleWithFile(existing, 'kept')
    const before = lookups()
    // Both join the lookup as they subscribe, and the first leaves in the same turn: no answer can
    // have arrived yet, so it leaves while the lookup is in flight without the emulator delaying it.
    const leaving = handle.files.upload(text('never sent'), `${FOLDER}/${unique('left')}.txt`, { sync: SYNC }).subscribe()
    const staying = handle.files.downloadAsync(existing, { sync: SYNC })
    leaving.unsubscribe()
    expect(new TextDecoder().decode(succeeded(await staying).data)).toBe('kept')
    expect(lookups() - before).toBe(1)
  })
})

async function eventually(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
