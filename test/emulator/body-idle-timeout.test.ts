// Stop 18 audit: a request that announces a body and never sends it held its connection for Node's
// requestTimeout (300 s). `bodyIdleTimeoutMs` bounds the silence instead: no body byte for that
// long → 408 RequestTimeout and the connection closed. It is not a total cap: a body whose bytes
// keep coming, or a handler slower than the limit, is unaffected. The waits below are the option's
// own (short) durations; outcomes are awaited as events (the connection's close), never timed.
import { connect, type Socket } from 'node:net'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { createContext, ok, useEmulator } from './helpers.js'

/** A raw connection: what the server sent, and a promise of its close. */
function open(emulator: Emulator): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(emulator.port, '127.0.0.1')
  let text = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (text += chunk))
  socket.on('error', () => undefined) // a reset after the close is not what these tests look at
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { socket, received: () => text, closed }
}

/** Request head with a declared body of `length` bytes. */
const head = (method: string, path: string, length: number): string =>
  `${method} ${path} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`

const bodyOf = (response: string): Record<string, unknown> => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>

describe('a request body that stops coming (bodyIdleTimeoutMs)', () => {
  const env = useEmulator()

  it('answers a stalled form body 408 RequestTimeout, closes the connection, and logs it once', async () => {
    const lines: string[] = []
    const emulator = await env.start({ bodyIdleTimeoutMs: 200, log: (line) => lines.push(line) })
    const stalled = open(emulator)
    stalled.socket.write(`${head('POST', '/?Action=GetContext', 1000)}Name=x`)
    await stalled.closed
    const response = stalled.received()
    expect(response).toMatch(/^HTTP\/1\.1 408 /)
    expect(response.toLowerCase()).toContain('connection: close')
    expect(bodyOf(response)).toMatchObject({ Success: false, Code: 'RequestTimeout', HttpStatusCode: 408, Message: 'The request body sent nothing for 200 ms' })
    expect(lines.filter((line) => line.startsWith('POST GetContext'))).toEqual([expect.stringMatching(/^POST GetContext 408 /)])
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
  })

  it('answers a stalled presigned PUT 408 and commits nothing', async () => {
    const lines: string[] = []
    const emulator = await env.start({ bodyIdleTimeoutMs: 200, log: (line) => lines.push(line) })
    const contextId = await createContext(emulator, 'stalled-put')
    const url = new URL((await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/half.bin' }))['Data']['Url'] as string)
    const stalled = open(emulator)
    stalled.socket.write(`${head('PUT', `${url.pathname}${url.search}`, 1 << 20)}${'x'.repeat(1000)}`)
    await stalled.closed
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(bodyOf(stalled.received())['Code']).toBe('RequestTimeout')
    expect((await ok(emulator, 'DescribeContextFiles', { ContextId: contextId, ParentFolderPath: '/' }))['Data']).toEqual([])
    // The client sees the 408 before the handler has cleaned up; close() waits for every handler.
    await emulator.close()
    expect(await readdir(join(emulator.dataDir, 'tmp'))).toEqual([])
    expect(lines.filter((line) => line.startsWith('PUT files'))).toEqual([expect.stringMatching(/^PUT files 408 /)])
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
  })

  it('is no total cap: a body trickling for longer than the limit, a slow handler and an idle keep-alive connection are served', async () => {
    const emulator = await env.start({ bodyIdleTimeoutMs: 1000, faults: [{ action: 'ListContexts', kind: 'latency', latencyMs: 1200 }] })
    const contextId = await createContext(emulator, 'trickle')
    const url = new URL((await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/slow.bin' }))['Data']['Url'] as string)

    // 20 bytes 60 ms apart: 1.2 s in all, never 1 s without a byte (over 900 ms of slack for a loaded machine's late timers).
    const connection = open(emulator)
    connection.socket.write(head('PUT', `${url.pathname}${url.search}`, 20))
    for (let i = 0; i < 20; i++) {
      await sleep(60)
      connection.socket.write('z')
    }
    // The answer comes on the still open connection; then it sits idle longer than the limit and takes a second request.
    await new Promise<void>((resolve) => connection.socket.on('data', () => connection.received().includes('\r\n\r\n') && resolve()))
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /)
    await sleep(1200)
    const form = `Authorization=${encodeURIComponent(`Bearer ${emulator.apiKey}`)}`
    connection.socket.write(`${head('POST', '/?Action=ListContexts', form.length)}${form}`)
    await new Promise<void>((resolve) => connection.socket.on('data', () => connection.received().split('HTTP/1.1 ').length === 3 && resolve()))
    expect(connection.received().split('HTTP/1.1 ')[2]).toMatch(/^200 /) // answered after the 1.2 s latency fault: a slow handler is not cut
    connection.socket.destroy()

    const download = await fetch((await ok(emulator, 'GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/slow.bin' }))['Data']['Url'])
    expect(await download.text()).toBe('z'.repeat(20))
  })

  it('leaves an idle keep-alive connection to the keep-alive timeout of Node once a body answered unread has drained', async () => {
    const emulator = await env.start()
    const connection = open(emulator)
    // Answered 404 without reading the body; Node drains it after the answer, then the connection idles.
    connection.socket.write(`${head('POST', '/nowhere', 3)}abc`)
    await connection.closed // by Node's keep-alive timeout (5 s), not by the client
    expect(connection.received()).toMatch(/^HTTP\/1\.1 404 /)
    expect(connection.received().toLowerCase()).toContain('connection: keep-alive')
  }, 30_000)

  it('serves other connections while bodies stall, and close() does not wait for the limit', async () => {
    const emulator = await env.start() // the default limit, 60 s: close() must not wait for it
    const stalled = [open(emulator), open(emulator)]
    stalled[0]!.socket.write(`${head('POST', '/?Action=GetContext', 1000)}Name=x`)
    stalled[1]!.socket.write(`${head('POST', '/?Action=ListContexts', 1000)}`)
    await createContext(emulator, 'meanwhile')
    expect((await ok(emulator, 'ListContexts'))['TotalCount']).toBe(1)
    await emulator.close()
    await Promise.all(stalled.map((connection) => connection.closed))
    // Closed by close(), not answered by the limit.
    expect(stalled.map((connection) => connection.received())).toEqual(['', ''])
  })
})
