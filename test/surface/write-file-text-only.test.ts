// Issue 12: `write_file` takes text only (calls doc §1.5). Bytes used to go base64-encoded with an
// `encoding: "base64"` argument only the emulator understands: the real service would have stored
// the base64 text while the SDK reported success. Now UTF-8 bytes are written as the text they
// encode, other bytes are a ValidationError pointing to `session.files.upload`, and `encoding` is
// never sent.
import { firstValueFrom, lastValueFrom } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ToolError, ValidationError, WRITE_CHUNK_BYTES, type RpcRequest, type Session } from '../../src/entries/index.js'
import { createFakeTransport, jsonResponse, okBody } from '../../src/testing/index.js'
import { useEmulator } from '../emulator/helpers.js'
import { offlineClient } from '../helpers/offline-client.js'

const NOT_UTF8 = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) // a PNG signature
const argsOf = (request: RpcRequest): Record<string, unknown> => JSON.parse(request.params['Args'] ?? '{}') as Record<string, unknown>

describe('fs.writeFile with bytes, without a service', () => {
  let sent: RpcRequest[]
  let session: Session

  beforeEach(() => {
    ;({ sent, session } = offlineClient())
  })

  it('refuses bytes that are not UTF-8 before any request, pointing to session.files.upload', async () => {
    const error = await lastValueFrom(session.fs.writeFile('/tmp/a.png', NOT_UTF8)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toMatch(/8 bytes that are not valid UTF-8, and write_file takes text only; upload binary files with session\.files\.upload\(bytes, remotePath\)/)
    await expect(session.fs.writeFileAsync('/tmp/a.png', NOT_UTF8, { mode: 'append' })).rejects.toBeInstanceOf(ValidationError)
    // A lone continuation byte after valid text, and a truncated sequence at the end, too.
    await expect(session.fs.writeFileAsync('/tmp/a', new Uint8Array([0x61, 0x80]))).rejects.toBeInstanceOf(ValidationError)
    await expect(session.fs.writeFileAsync('/tmp/a', new Uint8Array([0x61, 0xe2, 0x82]))).rejects.toBeInstanceOf(ValidationError)
    expect(sent).toEqual([])
  })
})

describe('fs.writeFile sends no encoding argument', () => {
  it('UTF-8 bytes go as the text they encode, in character-boundary chunks, never with `encoding`', async () => {
    const fake = createFakeTransport()
    fake.respond('CallMcpTool', jsonResponse(okBody({ content: [{ type: 'text', text: 'ok' }], isError: false })))
    const session = new AgentBay({ apiKey: 'k', transport: fake.transport, env: {} }).session('s-1')
    const text = '€uro\n'.repeat(Math.ceil((WRITE_CHUNK_BYTES * 2) / 7)) // over two chunks of 3-byte characters
    const result = await session.fs.writeFileAsync('/tmp/t.txt', new TextEncoder().encode(text))
    expect(result.success).toBe(true)
    const args = fake.requestsOf('CallMcpTool').map(argsOf)
    expect(args.length).toBe(3)
    expect(args.every((arg) => !('encoding' in arg))).toBe(true)
    expect(args.map((arg) => arg['mode'])).toEqual(['overwrite', 'append', 'append'])
    expect(args.map((arg) => arg['content']).join('')).toBe(text)
  })
})

describe('fs.writeFile with bytes against the emulator', () => {
  const env = useEmulator()

  it('UTF-8 bytes land byte-identical; other bytes are refused and leave the file as it was', async () => {
    const emulator = await env.start()
    const agentBay = new AgentBay({ apiKey: emulator.apiKey, endpoint: emulator.endpoint, env: {} })
    const session = await firstValueFrom(agentBay.create())
    const bytes = new TextEncoder().encode('\uFEFFgrüße, 世界 😀\u0000\u0007\n') // a BOM, controls and NUL are UTF-8 too
    expect((await session.fs.writeFileAsync('/tmp/utf8.txt', bytes)).success).toBe(true)
    const read = await session.fs.readBytesAsync('/tmp/utf8.txt')
    if (!read.success) throw read.error
    expect(Buffer.from(read.data).equals(Buffer.from(bytes))).toBe(true)

    await expect(session.fs.writeFileAsync('/tmp/utf8.txt', NOT_UTF8)).rejects.toBeInstanceOf(ValidationError)
    await expect(session.fs.writeFileAsync('/tmp/new.png', NOT_UTF8)).rejects.toBeInstanceOf(ValidationError)
    const kept = await session.fs.readBytesAsync('/tmp/utf8.txt')
    expect(kept.success && Buffer.from(kept.data).equals(Buffer.from(bytes))).toBe(true)
    const missing = await session.fs.getFileInfoAsync('/tmp/new.png')
    expect(missing.success).toBe(false)
    expect(missing.success ? undefined : missing.error).toBeInstanceOf(ToolError)
  })
})
