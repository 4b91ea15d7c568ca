// What kind of stream a `files.upload` source is; no Node built-ins here, so file-transfer.ts can
// check a source at import cost zero and local-files.ts (loaded by the first transfer that needs it) can open it.
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

export const isWebStream = (value: unknown): value is WebReadableStream<Uint8Array> =>
  typeof value === 'object' && value !== null && typeof (value as { getReader?: unknown }).getReader === 'function'

export const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
