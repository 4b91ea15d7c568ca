// Local files and Node streams for `session.files`: upload sources and downloads written in place.
// file-transfer.ts imports this module at the first transfer that needs it (a path or stream source, a
// download `to` a file; a Uint8Array upload never does), so a cold import of the SDK does not
// load node:stream, node:crypto and node:fs/promises (issue 13 goal 5: heavy work out of import time).
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { link, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { defer, ignoreElements, of, type Observable } from 'rxjs'
import { isWebStream, type UploadData } from '../http/transfer.js'
import { ValidationError } from '../shared/errors/validation-error.js'

/** A checked source: `open()` makes the body when the PUT starts; `close` releases what it opened. */
export interface OpenedSource {
  readonly totalBytes: number | undefined
  open(): { readonly body: UploadData; readonly close: () => void }
}

/** A source file-transfer.ts has already type-checked (`requireSource`); bytes it sends itself. */
export type CheckedSource = string | WebReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** Opens a checked `source` (a path must be a readable file: ValidationError otherwise) before any request. */
export function openSource(source: CheckedSource, contentLength: number | undefined): Observable<OpenedSource> {
  if (typeof source === 'string') {
    return defer(async (): Promise<OpenedSource> => {
      const info = await stat(source).catch(() => undefined)
      if (info === undefined || !info.isFile()) throw new ValidationError(`source: local file not found: ${source}`)
      return streamSource(() => createReadStream(source), info.size)
    })
  }
  if (source instanceof Readable) return of(streamSource(() => source, contentLength))
  if (isWebStream(source)) return of(streamSource(() => Readable.fromWeb(source), contentLength))
  return of(streamSource(() => Readable.from(source, { objectMode: false }), contentLength))
}

/** Opens `make()` when the PUT starts; `totalBytes` is the file's size or the caller's `contentLength`. */
const streamSource = (make: () => Readable, totalBytes: number | undefined): OpenedSource => ({
  totalBytes,
  open: () => {
    const stream = make()
    return { body: stream, close: () => stream.destroy() }
  },
})

const existsError = (to: string): ValidationError => new ValidationError(`to: ${to} exists and overwrite is false`)

/** Before any request: `to`'s folder must exist, and with `overwrite: false` `to` itself must not. */
export function requireWritableTarget(to: string, overwrite: boolean): Observable<never> {
  return defer(async () => {
    const folder = await stat(dirname(to)).catch(() => undefined)
    if (folder === undefined || !folder.isDirectory()) throw new ValidationError(`to: folder ${dirname(to)} does not exist`)
    if (overwrite) return
    const exists = await stat(to).then(
      () => true,
      (error: unknown) => !isErrno(error, 'ENOENT'),
    )
    if (exists) throw existsError(to)
  }).pipe(ignoreElements())
}

/**
 * Streams `body` into a temporary file next to `to`, renamed into place once complete (`link` when
 * `overwrite` is false, so an existing file is never replaced); the temporary file is removed
 * whatever happens. `onBytes` hears each chunk's size as it is written.
 */
export async function writeInPlace(body: Readable, to: string, overwrite: boolean, signal: AbortSignal, onBytes: (bytes: number) => void): Promise<void> {
  const temp = join(dirname(to), `.${basename(to)}.${randomUUID()}.part`)
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length)
      done(null, chunk)
    },
  })
  try {
    await pipeline(body, counter, createWriteStream(temp, { flags: 'wx' }), { signal })
    if (overwrite) await rename(temp, to)
    else await link(temp, to).catch((error: unknown) => Promise.reject(isErrno(error, 'EEXIST') ? existsError(to) : error))
  } finally {
    await rm(temp, { force: true })
  }
}

const isErrno = (error: unknown, code: string): boolean => (error as { code?: unknown } | null)?.code === code
