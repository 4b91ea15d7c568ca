import type { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { Observable } from 'rxjs'
import { HttpError } from '../shared/errors/http-error.js'
import { NetworkError, describeFetchFailure } from '../shared/errors/network-error.js'
import { redactText, redactUrl } from '../shared/redact.js'
import { requireByteCount, requireHeaderValue } from '../shared/arguments.js'

// ---- model ---------------------------------------------------------------------------------------

/** What `upload`/`uploadAsync` accept. A `Readable` is streamed; give `contentLength` if the storage needs it. */
export type UploadData = Uint8Array | string | Readable

// What kind of stream an upload's data is, told apart without loading node:stream (a Node `Readable`
// is an AsyncIterable too): `context.upload` and `session.files` check their data with these at import cost zero.
export const isWebStream = (value: unknown): value is WebReadableStream<Uint8Array> =>
  typeof value === 'object' && value !== null && typeof (value as { getReader?: unknown }).getReader === 'function'

export const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'

/** Bytes moved so far; `totalBytes` when known (upload: the data's length; download: Content-Length). */
export interface TransferProgress {
  readonly kind: 'progress'
  readonly transferredBytes: number
  readonly totalBytes?: number
}

export interface UploadDone {
  readonly kind: 'done'
  readonly requestId: string
  readonly transferredBytes: number
  /** The storage's `ETag` response header, when sent. */
  readonly etag?: string
}

export interface DownloadDone {
  readonly kind: 'done'
  readonly requestId: string
  readonly transferredBytes: number
  readonly data: Uint8Array
}

export type UploadEvent = TransferProgress | UploadDone
export type DownloadEvent = TransferProgress | DownloadDone

export interface TransferOptions {
  /** Upload: the length of a `Readable` (sent as Content-Length; else the body is chunked). */
  readonly contentLength?: number
  /** Upload: sent as `Content-Type`. */
  readonly contentType?: string
}

/** The one check of an upload's `TransferOptions` values, for every upload method. */
export function checkTransferOptions(options: TransferOptions): void {
  if (options.contentType !== undefined) requireHeaderValue(options.contentType, 'contentType')
  if (options.contentLength !== undefined) requireByteCount(options.contentLength, 'contentLength')
}

/** A download opened as a Node stream: nothing is buffered; errors arrive on the stream. */
export interface DownloadStream {
  readonly requestId: string
  readonly stream: Readable
  readonly totalBytes?: number
}

type Fetch = typeof fetch

const CHUNK = 64 * 1024
/** protocol §3.15: a presigned PUT succeeded with 200/201/204; a GET must be 200. */
const PUT_OK = new Set([200, 201, 204])

// ---- transfers -----------------------------------------------------------------------------------

/**
 * PUTs `data` to a presigned URL. Cold: the request starts on subscribe and unsubscribing aborts it.
 * Emits progress as the body is consumed, then `done`. Non-2xx → `HttpError`, no answer → `NetworkError`.
 */
export function putPresigned(fetchImpl: Fetch, url: string, data: UploadData, requestId: string, options: TransferOptions = {}): Observable<UploadEvent> {
  return new Observable<UploadEvent>((subscriber) => {
    const controller = new AbortController()
    let settled = false
    let sent = 0
    const source = bodySource(data, options.contentLength)
    const progress = (): TransferProgress =>
      source.totalBytes === undefined ? { kind: 'progress', transferredBytes: sent } : { kind: 'progress', transferredBytes: sent, totalBytes: source.totalBytes }
    subscriber.next(progress())
    const body = countingStream(source.chunks, (n) => {
      sent += n
      if (!subscriber.closed) subscriber.next(progress())
    })
    const headers: Record<string, string> = {}
    if (source.totalBytes !== undefined) headers['content-length'] = String(source.totalBytes)
    if (options.contentType !== undefined) headers['content-type'] = options.contentType
    const init = { method: 'PUT', body, headers, signal: controller.signal, duplex: 'half' } as RequestInit
    fetchImpl(url, init)
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined) // drain, so the connection can be reused
        if (!PUT_OK.has(response.status)) throw transferHttpError('UploadFile', 'PUT', url, response.status, requestId)
        settled = true
        const etag = response.headers.get('etag')
        subscriber.next({ kind: 'done', requestId, transferredBytes: sent, ...(etag === null ? {} : { etag }) })
        subscriber.complete()
      })
      .catch((error: unknown) => {
        settled = true
        if (!controller.signal.aborted) subscriber.error(classifyTransferError('UploadFile', error, requestId))
      })
    return () => {
      if (!settled) controller.abort()
      source.close()
    }
  })
}

/**
 * GETs a presigned URL, emitting progress per chunk and finally `done` with all the bytes.
 * Cold; unsubscribing aborts. For large files prefer `openPresignedStream`, which buffers nothing.
 */
export function getPresigned(fetchImpl: Fetch, url: string, requestId: string): Observable<DownloadEvent> {
  return new Observable<DownloadEvent>((subscriber) => {
    const controller = new AbortController()
    let settled = false
    const run = async (): Promise<void> => {
      const response = await fetchImpl(url, { method: 'GET', signal: controller.signal })
      if (response.status !== 200) {
        await response.arrayBuffer().catch(() => undefined)
        throw transferHttpError('DownloadFile', 'GET', url, response.status, requestId)
      }
      const totalBytes = contentLength(response)
      const at = (n: number): TransferProgress =>
        totalBytes === undefined ? { kind: 'progress', transferredBytes: n } : { kind: 'progress', transferredBytes: n, totalBytes }
      subscriber.next(at(0))
      const chunks: Uint8Array[] = []
      let received = 0
      if (response.body !== null) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          chunks.push(chunk)
          received += chunk.byteLength
          subscriber.next(at(received))
        }
      }
      settled = true
      subscriber.next({ kind: 'done', requestId, transferredBytes: received, data: concatBytes(chunks, received) })
      subscriber.complete()
    }
    run().catch((error: unknown) => {
      settled = true
      if (!controller.signal.aborted) subscriber.error(classifyTransferError('DownloadFile', error, requestId))
    })
    return () => {
      if (!settled) controller.abort()
    }
  })
}

/** GETs a presigned URL and hands back the body as a Node `Readable` (stream form; aborted by `signal`). */
export async function openPresignedStream(fetchImpl: Fetch, url: string, requestId: string, signal?: AbortSignal): Promise<DownloadStream> {
  let response: Response
  try {
    response = await fetchImpl(url, signal === undefined ? { method: 'GET' } : { method: 'GET', signal })
  } catch (error) {
    if (signal?.aborted === true) throw error
    throw classifyTransferError('DownloadFile', error, requestId)
  }
  if (response.status !== 200) {
    await response.arrayBuffer().catch(() => undefined)
    throw transferHttpError('DownloadFile', 'GET', url, response.status, requestId)
  }
  const totalBytes = contentLength(response)
  // node:stream loads here, at the first streamed download, not with the SDK (issue 13 goal 5).
  const { Readable } = await import('node:stream')
  const stream = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)
  return totalBytes === undefined ? { requestId, stream } : { requestId, stream, totalBytes }
}

// ---- internals -----------------------------------------------------------------------------------

interface BodySource {
  readonly totalBytes: number | undefined
  readonly chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array>
  close(): void
}

function bodySource(data: UploadData, declaredLength: number | undefined): BodySource {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
    return { totalBytes: bytes.byteLength, chunks: sliceChunks(bytes), close: () => undefined }
  }
  const iterator = (data as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
  const chunks: AsyncIterator<Uint8Array> = {
    next: async () => {
      const step = await iterator.next()
      if (step.done === true) return { done: true, value: undefined }
      const value = step.value
      return { done: false, value: typeof value === 'string' ? new TextEncoder().encode(value) : value }
    },
  }
  return { totalBytes: declaredLength, chunks, close: () => void iterator.return?.() }
}

function* sliceChunks(bytes: Uint8Array): Iterator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) yield bytes.subarray(offset, offset + CHUNK)
}

/** A pull-based body: fetch pulls a chunk when it can send one, so counting pulls tracks sending. */
function countingStream(chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array>, onChunk: (bytes: number) => void): ReadableStream<Uint8Array> {
  const source: UnderlyingDefaultSource<Uint8Array> = {
    async pull(controller) {
      const step = await chunks.next()
      if (step.done === true) {
        controller.close()
        return
      }
      controller.enqueue(step.value)
      onChunk(step.value.byteLength)
    },
    async cancel() {
      await chunks.return?.()
    },
  }
  // highWaterMark 0: no chunk is read ahead, so progress counts what fetch actually took.
  return new ReadableStream<Uint8Array>(source, { highWaterMark: 0 })
}

const contentLength = (response: Response): number | undefined => {
  const header = response.headers.get('content-length')
  const value = header === null ? NaN : Number(header)
  return Number.isInteger(value) && value >= 0 ? value : undefined
}

function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** A presigned URL carries a signature: errors name only scheme, host and path, and still go through `redactUrl`. */
export const describePresignedUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    return redactUrl(`${parsed.origin}${parsed.pathname}`)
  } catch {
    return '<unparseable URL>'
  }
}

function transferHttpError(action: string, method: string, url: string, status: number, requestId: string): HttpError {
  return new HttpError(`HTTP ${status} from presigned ${method} ${describePresignedUrl(url)}`, { action, httpStatus: status, requestId })
}

function classifyTransferError(action: string, error: unknown, requestId: string): Error {
  if (error instanceof HttpError) return error
  // undici messages do not quote the URL today; redact anyway in case one does.
  return new NetworkError(redactText(describeFetchFailure(error)), { action, requestId })
}
