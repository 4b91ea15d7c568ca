// Issue 12 item 1: a client that drops a presigned PUT or GET midway. The emulator commits nothing
// (an upload goes to a temporary file renamed into place only when complete), and logs the request
// once, as 499 (client closed request), not as an internal error: the log is "one line per request".
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext, eventually, ok, useEmulator } from './helpers.js'

const MiB = 1024 * 1024

/** A body of `chunks` × 64 KiB that aborts `controller` once `abortAfter` chunks were read. */
function abortingBody(chunks: number, abortAfter: number, controller: AbortController): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(stream) {
        if (sent === abortAfter) controller.abort()
        if (sent === chunks) return stream.close()
        sent += 1
        stream.enqueue(new Uint8Array(64 * 1024).fill(sent))
      },
    },
    { highWaterMark: 0 },
  )
}

describe('presigned transfers the client aborts midway (issue 12 item 1)', () => {
  const env = useEmulator()

  it('an aborted PUT commits nothing, leaves no temporary file, and is logged once as 499', async () => {
    const lines: string[] = []
    const emulator = await env.start({ log: (line) => lines.push(line) })
    const contextId = await createContext(emulator, 'aborted-put')
    const url = (await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/half.bin' }))['Data']['Url'] as string
    const controller = new AbortController()
    const put = fetch(url, { method: 'PUT', body: abortingBody(128, 32, controller), signal: controller.signal, duplex: 'half' } as RequestInit)
    await expect(put).rejects.toMatchObject({ name: 'AbortError' })
    await eventually(async () => lines.some((line) => line.startsWith('PUT files ')))
    await emulator.idle()
    expect(lines.filter((line) => line.startsWith('PUT files '))).toEqual([expect.stringMatching(/^PUT files 499 /)])
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
    expect(existsSync(join(emulator.contextRoot(contextId), 'half.bin'))).toBe(false)
    await eventually(async () => (await readdir(join(emulator.dataDir, 'tmp'))).length === 0)
  })

  it('an aborted GET is logged once as 499 and the stored file is untouched', async () => {
    const lines: string[] = []
    const emulator = await env.start({ log: (line) => lines.push(line) })
    const contextId = await createContext(emulator, 'aborted-get')
    const upload = (await ok(emulator, 'GetContextFileUploadUrl', { ContextId: contextId, FilePath: '/whole.bin' }))['Data']['Url'] as string
    expect((await fetch(upload, { method: 'PUT', body: new Uint8Array(8 * MiB) })).status).toBe(200)
    const download = (await ok(emulator, 'GetContextFileDownloadUrl', { ContextId: contextId, FilePath: '/whole.bin' }))['Data']['Url'] as string
    const controller = new AbortController()
    const answer = await fetch(download, { signal: controller.signal })
    const reader = answer.body!.getReader()
    await reader.read()
    controller.abort()
    await eventually(async () => lines.some((line) => line.startsWith('GET files ')))
    expect(lines.filter((line) => line.startsWith('GET files '))).toEqual([expect.stringMatching(/^GET files 499 /)])
    expect(lines.filter((line) => line.includes('internal error'))).toEqual([])
    const again = await fetch(download)
    expect((await again.arrayBuffer()).byteLength).toBe(8 * MiB)
  })
})
