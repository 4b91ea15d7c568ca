// One rule per upload option, in both upload methods (checkTransferOptions). contentLength: an
// integer ≥ 0 that a number holds exactly (≤ 2^53 − 1); context.upload used to let 2^53 through
// (Number.isInteger) while files.upload refused it (Number.isSafeInteger). contentType: a non-empty
// string a header can carry; context.upload used not to check it at all (a number was sent), and a
// line break (and, until review 17, U+0001 or DEL) passed both methods, failing at send time after
// GetFileUploadUrl had gone out. Each
// bad value is a ValidationError naming the option, nothing reaches the emulator, and the same
// client then uploads with good options.
import { Readable } from 'node:stream'
import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { AgentBay, ValidationError, type FileTransferSyncOptions, type Session } from '../../src/entries/index.js'
import { requireByteCount } from '../../src/shared/arguments.js'
import { testEmulator } from '../cli/helpers.js'

const BAD_LENGTHS: readonly unknown[] = [2 ** 53, 1.5, -1, NaN, Infinity, '10']
const SYNC: FileTransferSyncOptions = { retryInterval: 20, maxRetries: 1500, noTaskGraceMs: 1000 }
const BYTES = new Uint8Array([1, 2, 3])

let env: Awaited<ReturnType<typeof testEmulator>> | undefined
let emulator: Emulator
let agentBay: AgentBay
let session: Session

beforeAll(async () => {
  env = await testEmulator()
  emulator = env.emulator
  agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
  const created = await agentBay.createAsync()
  session = created.session!
})

afterAll(async () => {
  await session?.deleteAsync({ pollIntervalMs: 20, timeoutMs: 60_000 })
  await env?.close()
})

/** Every request the emulator has seen: RPCs and presigned PUT/GET. */
const seen = (): number => Object.values(emulator.stats().calls).reduce((sum, n) => sum + n, 0) + emulator.stats().fileRequests

/** A plain-JavaScript call: any value, no type to stop it. */
const asLength = (value: unknown): number => value as number

async function expectRefused(call: Promise<unknown>, value: unknown, message: RegExp): Promise<void> {
  const error = await call.then(
    () => new Error('resolved'),
    (caught: unknown) => caught,
  )
  expect(error, String(value)).toBeInstanceOf(ValidationError)
  expect((error as Error).message).toMatch(message)
}

const stream = (): Readable => Readable.from([Buffer.from(BYTES)])

describe('contentLength: one rule for context.upload and files.upload', () => {
  it.each(BAD_LENGTHS.map((value) => [String(typeof value === 'string' ? JSON.stringify(value) : value), value]))(
    'contentLength %s is refused by both methods and both forms, nothing is sent, and the client goes on',
    async (_label, value) => {
      const context = await firstValueFrom(agentBay.context.create(`content-length-${String(Math.random()).slice(2, 10)}`))
      const before = seen()
      const refusals: (Observable<unknown> | Promise<unknown>)[] = [
        agentBay.context.upload(context.id, '/a.bin', stream(), { contentLength: asLength(value) }),
        agentBay.context.uploadAsync(context.id, '/a.bin', stream(), { contentLength: asLength(value) }),
        session.files.upload(stream(), '/tmp/file-transfer/a.bin', { contentLength: asLength(value), sync: SYNC }),
        session.files.uploadAsync(stream(), '/tmp/file-transfer/a.bin', { contentLength: asLength(value), sync: SYNC }),
      ]
      for (const call of refusals) await expectRefused(call instanceof Promise ? call : lastValueFrom(call), value, /^contentLength must be an integer from 0 to 9007199254740991/)
      expect(seen()).toBe(before)

      const putsBefore = emulator.stats().fileRequests
      const uploaded = await agentBay.context.uploadAsync(context.id, '/a.bin', stream(), { contentLength: BYTES.byteLength })
      expect(uploaded).toMatchObject({ success: true, transferredBytes: 3 })
      const transferred = await session.files.uploadAsync(stream(), '/tmp/file-transfer/a.bin', { contentLength: BYTES.byteLength, sync: SYNC })
      expect(transferred.success).toBe(true)
      // Both good uploads PUT their bytes (the count is the emulator's since start: compare with before them).
      expect(emulator.stats().fileRequests).toBeGreaterThanOrEqual(putsBefore + 2)
    },
  )

  it('the bounds themselves pass the check: 0 and 2^53 − 1', () => {
    expect(() => requireByteCount(0, 'contentLength')).not.toThrow()
    expect(() => requireByteCount(Number.MAX_SAFE_INTEGER, 'contentLength')).not.toThrow()
    expect(() => requireByteCount(Number.MAX_SAFE_INTEGER + 1, 'contentLength')).toThrow(ValidationError)
  })
})

const BAD_TYPES: readonly unknown[] = [5, '', '  ', 'text/plain\r\nX-Injected: 1', 'text/plain\n', 'a\u0000b', 'text/plain; name=\u20ac', 'text/plain\u0001', 'text/plain\u007f']

describe('contentType: one rule for context.upload and files.upload', () => {
  it.each(BAD_TYPES.map((value) => [JSON.stringify(value), value]))(
    'contentType %s is refused by both methods and both forms, nothing is sent, and the client goes on',
    async (_label, value) => {
      const context = await firstValueFrom(agentBay.context.create(`content-type-${String(Math.random()).slice(2, 10)}`))
      const contentType = value as string
      const before = seen()
      const refusals: (Observable<unknown> | Promise<unknown>)[] = [
        agentBay.context.upload(context.id, '/a.bin', BYTES, { contentType }),
        agentBay.context.uploadAsync(context.id, '/a.bin', BYTES, { contentType }),
        session.files.upload(BYTES, '/tmp/file-transfer/a.bin', { contentType, sync: SYNC }),
        session.files.uploadAsync(BYTES, '/tmp/file-transfer/a.bin', { contentType, sync: SYNC }),
      ]
      for (const call of refusals) await expectRefused(call instanceof Promise ? call : lastValueFrom(call), value, /^contentType must /)
      expect(seen()).toBe(before)

      const uploaded = await agentBay.context.uploadAsync(context.id, '/a.bin', BYTES, { contentType: 'application/octet-stream' })
      expect(uploaded).toMatchObject({ success: true, transferredBytes: 3 })
      const transferred = await session.files.uploadAsync(BYTES, '/tmp/file-transfer/a.bin', { contentType: 'text/plain; charset=latin1 \u00e9', sync: SYNC })
      expect(transferred.success).toBe(true)
    },
  )
})
