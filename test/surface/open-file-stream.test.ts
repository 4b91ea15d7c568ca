// The one way from a context file to a Node stream (`openFileStream`), shared by
// `context.downloadStreamAsync` and `session.files.download({ to })` (review of issue 12 item 1:
// file transfer had its own copy). Cold, and its GET is aborted or its stream destroyed whenever
// nobody is left to read it; once handed over, the stream is the subscriber's.
import { getEventListeners } from 'node:events'
import { firstValueFrom, of } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { openFileStream } from '../../src/contexts/context-service.js'

const storage = { getFileDownloadUrl: () => of({ requestId: 'url-1', url: 'http://127.0.0.1:1/files/a?token=secret' }) }

/** A fetch whose answer the test releases; records the signal it was given and whether the body was cancelled. */
function heldFetch() {
  let release!: () => void
  const seen: { signal?: AbortSignal; bodyCancelled: boolean } = { bodyCancelled: false }
  const fetchImpl = ((_url: string, init?: RequestInit) => {
    seen.signal = init?.signal ?? undefined
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array([1, 2, 3])),
      cancel: () => void (seen.bodyCancelled = true),
    })
    return new Promise<Response>((resolve) => (release = () => resolve(new Response(body, { status: 200 }))))
  }) as typeof fetch
  return { fetchImpl, seen, release: () => release() }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('openFileStream: one helper from a context file to a stream', () => {
  it('unsubscribing before the GET answered aborts it', async () => {
    const held = heldFetch()
    const subscription = openFileStream(storage, held.fetchImpl, 'ctx', '/a').subscribe()
    expect(held.seen.signal?.aborted).toBe(false)
    subscription.unsubscribe()
    expect(held.seen.signal?.aborted).toBe(true)
  })

  it('a stream that opens after the subscriber left is destroyed, not left unread', async () => {
    const held = heldFetch()
    const received: unknown[] = []
    const subscription = openFileStream(storage, held.fetchImpl, 'ctx', '/a').subscribe((opened) => received.push(opened))
    subscription.unsubscribe()
    held.release() // this fetch answers although aborted
    for (let turn = 0; turn < 100 && !held.seen.bodyCancelled; turn++) await settle()
    expect(received).toEqual([])
    expect(held.seen.bodyCancelled).toBe(true)
  })

  it('once handed over, the stream is the subscriber\'s: completing aborts nothing; the caller\'s signal still ends it', async () => {
    const held = heldFetch()
    const caller = new AbortController()
    const opened = new Promise<import('../../src/http/transfer.js').DownloadStream>((resolve, reject) =>
      openFileStream(storage, held.fetchImpl, 'ctx', '/a', caller.signal).subscribe({ next: resolve, error: reject }),
    )
    held.release()
    const stream = (await opened).stream
    expect(held.seen.signal?.aborted).toBe(false)
    const first: unknown = await new Promise((resolve) => stream.once('data', resolve))
    expect(Buffer.from(first as Uint8Array)).toEqual(Buffer.from([1, 2, 3]))
    caller.abort()
    expect(held.seen.signal?.aborted).toBe(true)
    stream.destroy()
  })

  it("a caller's long-lived signal keeps nothing of downloads that ended: no listener, no dependent signal", async () => {
    const caller = new AbortController()
    const fetchImpl = (async () => new Response('abc', { status: 200 })) as typeof fetch
    for (let i = 0; i < 20; i += 1) {
      const { stream } = await firstValueFrom(openFileStream(storage, fetchImpl, 'ctx', '/a', caller.signal))
      stream.resume()
      await new Promise((resolve) => stream.once('close', resolve))
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0)
    // On Node 20, each AbortSignal.any([..., caller.signal]) stays in this set until the caller aborts.
    const dependants = Object.getOwnPropertySymbols(caller.signal).find((symbol) => symbol.description === 'kDependantSignals')
    expect(dependants === undefined ? 0 : (caller.signal as unknown as Record<symbol, Set<unknown>>)[dependants]!.size).toBe(0)
  })
})
