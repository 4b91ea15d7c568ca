import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { rename } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline } from 'node:stream/promises'
import { handlerFor } from './actions/index.js'
import type { ApiKeyRing } from './auth.js'
import type { EmulatorCore } from './core.js'
import type { PendingWork } from './pending-work.js'
import { EMULATOR_CODES, RpcFailure, invalidParameter } from './errors.js'
import { errorBody, newRequestId, successBody, type Body } from './envelope.js'
import { sendFault, sendJson } from './fault-responses.js'
import { runsActionFirst, type FaultInjector } from './faults.js'
import { NotRegularFileError, openRegularForReading, receiveStreamAtomic, TooLargeError } from './fs-ops.js'
import { Params } from './params.js'
import { inspectInside, isErrno, prepareEntryInside, toFileSegments } from './paths.js'
import { FILES_ROUTE, type PresignedOperation } from './presign.js'
import type { StatsRecorder } from './stats.js'
import { epochSeconds } from './tasks.js'

/** What the request listener needs besides the core. */
export interface HttpDeps {
  readonly core: EmulatorCore
  readonly keys: ApiKeyRing
  readonly faults: FaultInjector
  readonly stats: StatsRecorder
  readonly isClosing: () => boolean
  /** Request handlers still running, so `close()` can wait until none is left writing into the data dir. */
  readonly handlers: PendingWork
}

/**
 * The `node:http` request listener. Routes: `POST|GET /?Action=…` (the RPC API) and
 * `PUT|GET /files/<contextId>?…` (presigned URLs). Every failure becomes a JSON error envelope;
 * nothing a client sends can crash the process.
 */
export function createRequestListener(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now()
    const url = new URL(req.url ?? '/', 'http://emulator.invalid')
    const bodyIdle = limitBodyIdleTime(req, res, deps.core.options.bodyIdleTimeoutMs)
    const route = url.pathname === '/' ? handleRpc : url.pathname.startsWith(FILES_ROUTE) ? handleFile : handleUnknownPath
    const handler = route(deps, req, res, url)
      .catch((error: unknown) => {
        // Answered 408 already; the handler only saw its body cut off.
        if (bodyIdle.expired) return
        deps.core.options.log(`emulator: internal error: ${error instanceof Error ? error.message : String(error)}`)
        if (!res.headersSent) sendJson(res, 500, errorBody(newRequestId(), EMULATOR_CODES.internalError, 'Internal emulator error', 500))
        else res.destroy()
      })
      .finally(() => {
        // Never the query string: SyncContext carries the API key there, presigned URLs their token.
        const action = url.pathname === '/' ? (url.searchParams.get('Action') ?? '-') : url.pathname.split('/')[1]
        const status = bodyIdle.expired ? 408 : res.statusCode
        deps.core.options.log(`${req.method ?? '?'} ${action} ${status} ${Date.now() - started}ms`)
      })
    void deps.handlers.add(handler)
  }
}

/**
 * The request whose body a socket's timer watches: the body of a request answered before it was
 * read can end after the next request on the connection armed the timer, and must not disarm it.
 */
const bodyWatchedOn = new WeakMap<Socket, IncomingMessage>()

/**
 * Bounds the silence while a request body is coming (Node's own `requestTimeout` is off: it caps
 * the whole request, which would cut a big upload on a slow link). No byte for `idleMs` → 408
 * `RequestTimeout` with `connection: close` (or, once an answer has started, the connection cut).
 * The socket timer is refreshed by every byte the HTTP parser takes in, and disarmed when the body
 * has ended, so neither a slow handler nor the connection's next request is affected.
 */
function limitBodyIdleTime(req: IncomingMessage, res: ServerResponse, idleMs: number): { readonly expired: boolean } {
  const state = { expired: false }
  const declaresBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined
  if (!declaresBody) return state
  const onIdle = (): void => {
    if (state.expired) return
    state.expired = true
    if (res.headersSent) return void req.socket.destroy()
    const message = `The request body sent nothing for ${idleMs} ms`
    // Once the 408 is out, end the body the handler is still waiting for (Node would not: the
    // request is no longer pending once answered), which closes the connection.
    res.once('finish', () => req.destroy(new RpcFailure(EMULATOR_CODES.requestTimeout, message, 408)))
    sendJson(res, 408, errorBody(newRequestId(), EMULATOR_CODES.requestTimeout, message, 408), { connection: 'close' })
  }
  // Node emits `timeout` on the request while its body is incomplete, else on the response; a
  // listener on either keeps Node from destroying the socket before the 408 is out.
  req.setTimeout(idleMs, onIdle)
  res.on('timeout', onIdle)
  bodyWatchedOn.set(req.socket, req)
  req.once('end', () => {
    // A body that ends after its answer finished (one answered unread, then drained by Node) finds
    // the socket timer set to Node's keep-alive timeout: clearing it would keep the idle connection forever.
    if (bodyWatchedOn.get(req.socket) === req && !res.writableFinished) req.socket.setTimeout(0)
  })
  return state
}

// ---- RPC ---------------------------------------------------------------------------------------

async function handleRpc(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const requestId = newRequestId()
  const fail = (failure: RpcFailure, headers: Record<string, string> = {}): void =>
    sendJson(res, failure.httpStatus, errorBody(requestId, failure.code, failure.message, failure.httpStatus), headers)

  // protocol §1.1: POST for every action; GET only for GetAndLoadInternalContext (TS sends it so).
  if (req.method !== 'POST' && req.method !== 'GET')
    return fail(new RpcFailure(EMULATOR_CODES.methodNotAllowed, `Method ${req.method ?? ''} not allowed`, 405), { allow: 'POST, GET' })

  let body: string
  try {
    body = await readForm(req, deps.core.options.maxFormBytes)
  } catch (error) {
    if (!(error instanceof RpcFailure)) throw error
    // The rest of an oversized body is not read: close the connection rather than drain it.
    fail(error, { connection: 'close' })
    return
  }
  const params = new Params(url.search, body)
  const action = params.optional('Action')
  if (action === undefined) return fail(new RpcFailure(EMULATOR_CODES.missingParameter, 'Action is required'))
  deps.stats.call(action)

  let tenantId: string
  try {
    tenantId = deps.keys.authenticate(params.optional('Authorization'))
  } catch (error) {
    if (error instanceof RpcFailure) return fail(error)
    throw error
  }
  const handler = handlerFor(action)
  if (handler === undefined) return fail(new RpcFailure(EMULATOR_CODES.unknownAction, `Specified api ${action} is not found`, 404))
  if (deps.isClosing()) return fail(new RpcFailure(EMULATOR_CODES.serviceUnavailable, 'The emulator is shutting down', 503))

  const decision = deps.faults.decide(action)
  if (decision.latencyMs > 0) {
    deps.stats.fault(action, 'latency')
    await sleep(decision.latencyMs, undefined, { signal: deps.core.background.signal }).catch(() => undefined)
    if (deps.core.background.signal.aborted) return void res.destroy()
  }
  const fault = decision.fault
  if (fault !== undefined && !runsActionFirst(fault)) {
    deps.stats.fault(action, fault.kind)
    return sendFault(res, fault, requestId, undefined)
  }

  let status = 200
  let answer: Body
  try {
    answer = successBody(requestId, await handler(params, { core: deps.core, tenantId, requestId }))
  } catch (error) {
    if (!(error instanceof RpcFailure)) throw error
    status = error.httpStatus
    answer = errorBody(requestId, error.code, error.message, error.httpStatus)
  }
  if (fault !== undefined) {
    deps.stats.fault(action, fault.kind)
    return sendFault(res, fault, requestId, answer)
  }
  sendJson(res, status, answer)
}

/** Reads the form body (chunked or not) up to `limit` bytes. */
async function readForm(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const tooLarge = (limit: number): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.requestTooLarge, `Request body exceeds ${limit} bytes`, 413)

// ---- presigned files ---------------------------------------------------------------------------

async function handleFile(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  deps.stats.fileRequest()
  const requestId = newRequestId()
  const fail = (failure: RpcFailure): void => {
    // An unread upload body is not drained: close the connection instead.
    const headers: Record<string, string> = req.method === 'PUT' && !req.readableEnded ? { connection: 'close' } : {}
    sendJson(res, failure.httpStatus, errorBody(requestId, failure.code, failure.message, failure.httpStatus), headers)
  }
  const operation: PresignedOperation | undefined = req.method === 'PUT' ? 'put' : req.method === 'GET' ? 'get' : undefined
  if (operation === undefined) return fail(new RpcFailure(EMULATOR_CODES.methodNotAllowed, 'Use PUT or GET', 405))
  if (deps.isClosing()) return fail(new RpcFailure(EMULATOR_CODES.serviceUnavailable, 'The emulator is shutting down', 503))

  const grant = deps.core.presigner.verify(url.pathname, url.search, operation, epochSeconds())
  if (grant === 'invalid') return fail(new RpcFailure(EMULATOR_CODES.invalidToken, 'The URL signature is not valid', 403))
  if (grant === 'expired') return fail(new RpcFailure(EMULATOR_CODES.tokenExpired, 'The URL has expired', 403))
  const owned = [...deps.core.store.state.tenants.values()].some((tenant) => tenant.contexts.has(grant.contextId))
  if (!owned) return fail(new RpcFailure(EMULATOR_CODES.contextNotFound, `Context ${grant.contextId} not found`, 404))

  const root = deps.core.layout.contextRoot(grant.contextId)
  try {
    const segments = toFileSegments(grant.filePath, 'FilePath')
    if (operation === 'get') {
      const { path: file, info } = await inspectInside(root, segments, 'FilePath')
      if (info === undefined || !info.isFile()) throw new RpcFailure(EMULATOR_CODES.fileNotFound, `File ${grant.filePath} not found`, 404)
      // Streams the descriptor whose fstat is checked: a file removed, or swapped for a FIFO or a link, since the walk is not found.
      const { handle, size } = await openRegularForReading(file, grant.filePath).catch((error: unknown) => {
        if (error instanceof NotRegularFileError || isErrno(error, 'ENOENT'))
          throw new RpcFailure(EMULATOR_CODES.fileNotFound, `File ${grant.filePath} not found`, 404)
        throw error
      })
      try {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
      } catch (error) {
        // A GET that declared a body may have been answered 408 while the file was opened: writeHead
        // throws, and the descriptor no stream owns yet must be closed here.
        await handle.close()
        throw error
      }
      await pipeline(handle.createReadStream(), res) // the stream closes the descriptor, even when res is gone
      return
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    const limit = deps.core.options.maxUploadBytes
    if (declared > limit) throw new RpcFailure(EMULATOR_CODES.requestTooLarge, `Upload exceeds ${limit} bytes`, 413)
    const { md5 } = await receiveStreamAtomic(deps.core.layout.tmpDir, req, limit, (temp) =>
      deps.core.contextLocks.run(grant.contextId, async () => {
        const target = await prepareEntryInside(root, segments, 'FilePath')
        // Checked under the context lock, so no sync can create the folder in between.
        if (target.info?.isDirectory()) throw invalidParameter('FilePath', `${grant.filePath} is a folder`)
        await rename(temp, target.path)
      }),
    )
    res.writeHead(200, { etag: `"${md5}"`, 'content-length': '0' })
    res.end()
  } catch (error) {
    // The client dropped the connection mid-transfer (an aborted PUT or GET): nothing was committed
    // (an upload goes to a temporary file) and nobody is listening. Not an internal error: logged as 499.
    if (clientWentAway(req, res, error)) {
      res.statusCode = CLIENT_CLOSED_REQUEST
      return void res.destroy()
    }
    if (error instanceof TooLargeError) return fail(new RpcFailure(EMULATOR_CODES.requestTooLarge, `Upload exceeds ${error.limit} bytes`, 413))
    if (error instanceof RpcFailure) return fail(error)
    if ((error as { code?: unknown }).code === 'ENOTDIR') return fail(new RpcFailure(EMULATOR_CODES.invalidParameter, `${grant.filePath}: a parent is a file`))
    throw error
  }
}

/** The log's status for a request whose client went away before the answer (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499

const clientWentAway = (req: IncomingMessage, res: ServerResponse, error: unknown): boolean =>
  (isErrno(error, 'ECONNRESET') || isErrno(error, 'ERR_STREAM_PREMATURE_CLOSE')) && (req.destroyed || res.destroyed)

async function handleUnknownPath(_deps: HttpDeps, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 404, errorBody(newRequestId(), EMULATOR_CODES.notFound, 'Only / and /files/ are served', 404))
}
