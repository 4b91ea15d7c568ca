// A presigned GET that declares a body it never sends can be answered 408 (bodyIdleTimeoutMs) while
// the file is being opened; the download's writeHead then throws, and the descriptor it had opened,
// which no stream owned yet, was left open until garbage collection. The open is held here until the
// 408 is out, a window no timing could hit reliably.
import { mkdir, writeFile, type FileHandle } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createContext, eventually, ok, useEmulator } from './helpers.js'

const opening = vi.hoisted(() => ({
  /** Every descriptor the download opened. */
  handles: [] as FileHandle[],
  /** What an open waits for before it returns (the 408 having reached the client). */
  hold: Promise.resolve(),
}))

vi.mock('../../src/emulator/fs-ops.js', async (importOriginal) => {
  const fsOps = await importOriginal<typeof import('../../src/emulator/fs-ops.js')>()
  const { afterCall } = await import('../helpers/seams.js')
  return {
    ...fsOps,
    openRegularForReading: afterCall(fsOps.openRegularForReading, async (opened) => {
      opening.handles.push(opened.handle)
      await opening.hold
    }),
  }
})

describe('presigned download descriptors', () => {
  const env = useEmulator()

  it('closes the opened file when the request was answered 408 before the download could start', async () => {
    const lines: string[] = []
    const emulator = await env.start({ bodyIdleTimeoutMs: 100, log: (line) => lines.push(line) })
    const contextId = await createContext(emulator, 'descriptor')
    await mkdir(emulator.contextRoot(contextId), { recursive: true })
    await writeFile(join(emulator.contextRoot(contextId), 'file.bin'), 'bytes')
    const url = new URL((await ok(emulator, 'GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/file.bin' }))['Data']['Url'] as string)

    const socket = connect(emulator.port, '127.0.0.1')
    socket.on('error', () => undefined)
    let received = ''
    opening.hold = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8')
        resolve()
      }),
    )
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: emulator\r\nContent-Length: 10\r\n\r\n`)
    await closed
    await eventually(async () => lines.some((line) => line.startsWith('GET files ')))

    expect(received).toMatch(/^HTTP\/1\.1 408 /)
    expect(opening.handles).toHaveLength(1)
    expect(opening.handles[0]!.fd).toBe(-1) // closed, not left to garbage collection
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
  })
})
