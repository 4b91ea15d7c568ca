import { isObservable, lastValueFrom, type Observable } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { AgentBay, ContextSync, ValidationError, newSyncPolicyWithDefaults, type RpcRequest, type Session } from '../../src/entries/index.js'
import { normalizeEmulatorOptions } from '../../src/emulator/options.js'
import { closestKey } from '../../src/shared/arguments.js'
import { offlineClient } from '../helpers/offline-client.js'

// Issue 12: an options key the call does not know is refused before any request, naming the call
// and the key and suggesting the key meant. Before, `session.deleteAsync({ sync_context: true })`
// (the Python spelling) deleted without uploading.

let sent: RpcRequest[]
let agentBay: AgentBay
let session: Session

beforeEach(() => {
  ;({ sent, agentBay, session } = offlineClient())
})

type Options = Record<string, unknown>
type Call = (options: Options) => Observable<unknown> | Promise<unknown>

/** How the call ended: its error (through the error channel or a rejection), or undefined. */
async function outcomeOf(call: () => Observable<unknown> | Promise<unknown>): Promise<unknown> {
  const result = call() // must not throw at call time
  const settled = isObservable(result) ? lastValueFrom(result) : result
  return settled.then(
    () => undefined,
    (error: unknown) => error,
  )
}

const signal = (): AbortSignal => new AbortController().signal
const bytes = new Uint8Array([1, 2, 3])
const PATH = '/tmp/file-transfer/a.txt'
const untyped = <F>(f: F): ((...args: unknown[]) => Observable<unknown> | Promise<unknown>) => f as never

/**
 * [call named in the message, the call, a wrong options object, its unknown key, the key meant, a
 * right options object]. The right object must reach the transport: the check refuses only the
 * unknown key, not the call.
 */
const rows: [string, Call, Options, string, string, Options][] = [
  // ---- agentBay ----
  ['agentBay.create(options)', (o) => agentBay.create(o), { image_id: 'linux_latest' }, 'image_id', 'imageId', { imageId: 'linux_latest' }],
  ['agentBay.create(options)', (o) => agentBay.create(o), { context_sync: [] }, 'context_sync', 'contextSync', { contextSync: [] }],
  ['downloadWait', (o) => agentBay.create({ downloadWait: o }), { max_polls: 5 }, 'max_polls', 'maxPolls', { maxPolls: 5 }],
  ['browserContext', (o) => agentBay.create({ browserContext: { contextId: 'b', ...o } }), { auto_upload: false }, 'auto_upload', 'autoUpload', { autoUpload: false }],
  [
    'browserContext.extensionOption',
    (o) => agentBay.create({ browserContext: { contextId: 'b', extensionOption: { contextId: 'e', extensionIds: ['x'], ...o } as never } }),
    { extension_ids: ['x'] },
    'extension_ids',
    'extensionIds',
    {},
  ],
  ['contextSync[0]', (o) => agentBay.create({ contextSync: [{ contextId: 'c', path: '/p', ...o }] }), { Policy: {} }, 'Policy', 'policy', { policy: {} }],
  ['contextSync[0].policy', (o) => agentBay.create({ contextSync: [{ contextId: 'c', path: '/p', policy: o }] }), { upload_policy: {} }, 'upload_policy', 'uploadPolicy', { uploadPolicy: {} }],
  [
    'contextSync[0].policy.uploadPolicy',
    (o) => agentBay.create({ contextSync: [{ contextId: 'c', path: '/p', policy: { uploadPolicy: o } }] }),
    { auto_upload: false },
    'auto_upload',
    'autoUpload',
    { autoUpload: false },
  ],
  [
    'contextSync[0].policy.bwList.whiteLists[0]',
    (o) => agentBay.create({ contextSync: [{ contextId: 'c', path: '/p', policy: { bwList: { whiteLists: [{ path: '', ...o }] } } }] }),
    { exclude_paths: ['x'] },
    'exclude_paths',
    'excludePaths',
    { excludePaths: ['x'] },
  ],
  ['agentBay.createAsync(options)', (o) => agentBay.createAsync(o), { image_id: 'x' }, 'image_id', 'imageId', { imageId: 'x', signal: signal() }],
  ['agentBay.getAsync(sessionId, options)', (o) => agentBay.getAsync('s-1', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['agentBay.list(options)', (o) => agentBay.list(o), { max_results: 5 }, 'max_results', 'maxResults', { maxResults: 5 }],
  ['agentBay.listPage(options)', (o) => agentBay.listPage(o), { next_token: 't' }, 'next_token', 'nextToken', { nextToken: 't' }],
  ['agentBay.listPageAsync(options)', (o) => agentBay.listPageAsync(o), { max_results: 5 }, 'max_results', 'maxResults', { maxResults: 5, signal: signal() }],
  ['agentBay.delete(session, options)', (o) => agentBay.delete(session, o), { sync_context: true }, 'sync_context', 'syncContext', { syncContext: true }],
  ['agentBay.deleteAsync(session, options)', (o) => agentBay.deleteAsync('s-1', o), { sync_context: true }, 'sync_context', 'syncContext', { syncContext: true }],
  // ---- session ----
  ['session.delete(options)', (o) => session.delete(o), { sync_context: true }, 'sync_context', 'syncContext', { syncContext: true }],
  ['session.delete(options): sync', (o) => session.delete({ syncContext: true, sync: o }), { max_retries: 2 }, 'max_retries', 'maxRetries', { maxRetries: 2 }],
  ['session.deleteAsync(options)', (o) => session.deleteAsync(o), { sync_context: true }, 'sync_context', 'syncContext', { syncContext: true }],
  ['session.deleteAsync(options)', (o) => session.deleteAsync(o), { timeout: 1000 }, 'timeout', 'timeoutMs', { timeoutMs: 1000 }],
  ['session.setLabelsAsync(labels, options)', (o) => session.setLabelsAsync({ a: 'b' }, o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['session.getLabelsAsync(options)', (o) => session.getLabelsAsync(o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  // ---- session.context ----
  ['session.context.info(options)', (o) => session.context.info(o), { task_type: 'upload' }, 'task_type', 'taskType', { taskType: 'upload' }],
  ['session.context.info(options)', (o) => session.context.infoAsync(o), { context_id: 'c', path: '/p' }, 'context_id', 'contextId', { contextId: 'c', path: '/p' }],
  ['session.context.infoAsync(filter, options)', (o) => session.context.infoAsync({}, o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['session.context.sync(options)', (o) => session.context.sync(o), { max_retries: 1 }, 'max_retries', 'maxRetries', { maxRetries: 1 }],
  ['session.context.syncAsync(options)', (o) => session.context.syncAsync(o), { retry_interval: 10 }, 'retry_interval', 'retryInterval', { retryInterval: 10 }],
  ['session.context.syncAsync(options)', (o) => session.context.syncAsync(o as never), { call_back: () => undefined }, 'call_back', 'callback', { callback: () => undefined }],
  // ---- session.fs ----
  ['fs.readFile(path, options)', (o) => session.fs.readFile('/a', o), { chunk_size: 10 }, 'chunk_size', 'chunkSize', { chunkSize: 10 }],
  ['fs.readBytes(path, options)', (o) => session.fs.readBytes('/a', o), { chunk_size: 10 }, 'chunk_size', 'chunkSize', { chunkSize: 10 }],
  ['fs.writeFile(path, content, options)', (o) => session.fs.writeFile('/a', 'x', o), { Mode: 'append' }, 'Mode', 'mode', { mode: 'append' }],
  ['fs.editFile(path, edits, options)', (o) => session.fs.editFile('/a', [{ oldText: 'a', newText: 'b' }], o), { dry_run: true }, 'dry_run', 'dryRun', { dryRun: true }],
  ['fs.searchFiles(path, pattern, options)', (o) => session.fs.searchFiles('/a', '*', o), { exclude_patterns: [] }, 'exclude_patterns', 'excludePatterns', { excludePatterns: [] }],
  ['fs.watchDirectory(path, options)', (o) => session.fs.watchDirectory('/a', o), { interval_ms: 100 }, 'interval_ms', 'intervalMs', { intervalMs: 100 }],
  ['fs.readFileAsync(path, options)', (o) => session.fs.readFileAsync('/a', o), { encodng: 'base64' }, 'encodng', 'encoding', { encoding: 'base64' }],
  ['fs.readBytesAsync(path, options)', (o) => session.fs.readBytesAsync('/a', o), { chunk_size: 10 }, 'chunk_size', 'chunkSize', { chunkSize: 10 }],
  ['fs.writeFileAsync(path, content, options)', (o) => session.fs.writeFileAsync('/a', 'x', o), { Mode: 'append' }, 'Mode', 'mode', { mode: 'append' }],
  ['fs.editFileAsync(path, edits, options)', (o) => session.fs.editFileAsync('/a', [{ oldText: 'a', newText: 'b' }], o), { dry_run: true }, 'dry_run', 'dryRun', { dryRun: true }],
  ['fs.searchFilesAsync(path, pattern, options)', (o) => session.fs.searchFilesAsync('/a', '*', o), { exclude_patterns: [] }, 'exclude_patterns', 'excludePatterns', { excludePatterns: [] }],
  ['fs.moveFileAsync(source, destination, options)', (o) => session.fs.moveFileAsync('/a', '/b', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.readMultipleFilesAsync(paths, options)', (o) => session.fs.readMultipleFilesAsync(['/a'], o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.getFileInfoAsync(path, options)', (o) => session.fs.getFileInfoAsync('/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.listDirectoryAsync(path, options)', (o) => session.fs.listDirectoryAsync('/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.getFileChangeAsync(path, options)', (o) => session.fs.getFileChangeAsync('/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.deleteFileAsync(path, options)', (o) => session.fs.deleteFileAsync('/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['fs.createDirectoryAsync(path, options)', (o) => session.fs.createDirectoryAsync('/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  // ---- session.files ----
  ['files.upload(source, remotePath, options)', (o) => session.files.upload(bytes, PATH, o), { content_type: 'text/plain' }, 'content_type', 'contentType', { contentType: 'text/plain' }],
  ['sync option', (o) => session.files.upload(bytes, PATH, { sync: o }), { max_retries: 2 }, 'max_retries', 'maxRetries', { maxRetries: 2 }],
  ['files.download(remotePath, options)', (o) => session.files.download(PATH, o), { timeout: 1000 }, 'timeout', 'timeoutMs', { timeoutMs: 1000 }],
  ['files.uploadAsync(source, remotePath, options)', (o) => session.files.uploadAsync(bytes, PATH, o), { content_length: 3 }, 'content_length', 'contentLength', { contentLength: 3 }],
  ['files.downloadAsync(remotePath, options)', (o) => session.files.downloadAsync(PATH, o), { over_write: false }, 'over_write', 'overwrite', { overwrite: true }],
  ['files.transferContextAsync(options)', (o) => session.files.transferContextAsync(o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  // ---- agentBay.context ----
  ['context.get(name, options)', (o) => agentBay.context.get('n', o), { Create: true }, 'Create', 'create', { create: true }],
  ['context.getAsync(name, options)', (o) => agentBay.context.getAsync('n', o), { Create: true }, 'Create', 'create', { create: true }],
  ['context.getByIdAsync(id, options)', (o) => agentBay.context.getByIdAsync('c', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.createAsync(name, options)', (o) => agentBay.context.createAsync('n', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.updateAsync(context, options)', (o) => agentBay.context.updateAsync({ id: 'c', name: 'n' }, o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.deleteAsync(context, options)', (o) => agentBay.context.deleteAsync({ id: 'c' }, o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.list(options)', (o) => agentBay.context.list(o), { max_results: 5 }, 'max_results', 'maxResults', { maxResults: 5 }],
  ['context.listPage(options)', (o) => agentBay.context.listPage(o), { session_id: 's-1' }, 'session_id', 'sessionId', { sessionId: 's-1' }],
  ['context.listPageAsync(options)', (o) => agentBay.context.listPageAsync(o), { next_token: 't' }, 'next_token', 'nextToken', { nextToken: 't' }],
  ['context.listFiles(contextId, folder, options)', (o) => agentBay.context.listFiles('c', '/', o), { page_size: 20 }, 'page_size', 'pageSize', { pageSize: 20 }],
  ['context.listFilesAsync(contextId, folder, options)', (o) => agentBay.context.listFilesAsync('c', '/', o), { page_number: 2 }, 'page_number', 'pageNumber', { pageNumber: 2 }],
  ['context.upload(contextId, path, data, options)', (o) => agentBay.context.upload('c', '/a', bytes, o), { content_length: 3 }, 'content_length', 'contentLength', { contentLength: 3 }],
  ['context.uploadAsync(contextId, path, data, options)', (o) => agentBay.context.uploadAsync('c', '/a', bytes, o), { content_type: 'a/b' }, 'content_type', 'contentType', { contentType: 'a/b' }],
  ['context.downloadAsync(contextId, path, options)', (o) => agentBay.context.downloadAsync('c', '/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.downloadStreamAsync(contextId, path, options)', (o) => agentBay.context.downloadStreamAsync('c', '/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.getFileUploadUrlAsync(contextId, path, options)', (o) => agentBay.context.getFileUploadUrlAsync('c', '/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.getFileDownloadUrlAsync(contextId, path, options)', (o) => agentBay.context.getFileDownloadUrlAsync('c', '/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.deleteFileAsync(contextId, path, options)', (o) => agentBay.context.deleteFileAsync('c', '/a', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.clear(contextId, options)', (o) => agentBay.context.clear('c', o), { timeout_ms: 1000 }, 'timeout_ms', 'timeoutMs', { timeoutMs: 1000 }],
  ['context.clearAsync(contextId, options)', (o) => agentBay.context.clearAsync('c', o), { poll_interval_ms: 10 }, 'poll_interval_ms', 'pollIntervalMs', { pollIntervalMs: 10 }],
  ['context.startClearAsync(contextId, options)', (o) => agentBay.context.startClearAsync('c', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
  ['context.clearStatusAsync(contextId, options)', (o) => agentBay.context.clearStatusAsync('c', o), { Signal: signal() }, 'Signal', 'signal', { signal: signal() }],
]

describe('an unknown option key is refused before any request, naming the call, the key and the key meant', () => {
  it.each(rows)('%s: %j', async (call, run, wrong, key, meant, right) => {
    const error = await outcomeOf(() => run(wrong))
    expect(error).toBeInstanceOf(ValidationError)
    const { message } = error as ValidationError
    expect(message).toContain(`${call}: unknown option(s) ${JSON.stringify(key)} (did you mean ${JSON.stringify(meant)}?)`)
    expect(sent).toEqual([])

    // The key meant is accepted: the same call reaches the service.
    const accepted = await outcomeOf(() => run(right))
    expect(accepted).not.toBeInstanceOf(ValidationError)
    expect(sent.length).toBeGreaterThan(0)
  })

  it('the Python spelling no longer deletes without uploading: nothing is sent at all', async () => {
    const result = session.deleteAsync({ sync_context: true } as never)
    await expect(result).rejects.toThrow(/session\.deleteAsync\(options\): unknown option\(s\) "sync_context" \(did you mean "syncContext"\?\)/)
    expect(sent.map((request) => request.action)).not.toContain('DeleteSessionAsync')
    expect(sent).toEqual([])
  })

  it('a known key whose value is undefined is accepted; an unknown one is refused all the same', async () => {
    await expect(outcomeOf(() => session.delete({ sync_context: undefined } as never))).resolves.toBeInstanceOf(ValidationError)
    expect(sent).toEqual([])
    await expect(outcomeOf(() => session.delete({ syncContext: undefined }))).resolves.not.toBeInstanceOf(ValidationError)
    expect(sent.map((request) => request.action)).toEqual(['DeleteSessionAsync'])
  })

  it('lists every unknown key and the known ones; a far-off key gets no guess, `signal` on an Observable says why', async () => {
    const error = (await outcomeOf(() => session.delete({ sync_context: true, frobnicate: 1 } as never))) as ValidationError
    expect(error.message).toContain('"sync_context" (did you mean "syncContext"?), "frobnicate"; known: syncContext, sync, force, pollIntervalMs, timeoutMs')
    const withSignal = (await outcomeOf(() => session.delete({ signal: signal() } as never))) as ValidationError
    expect(withSignal.message).toContain('"signal" (an Observable is cancelled by unsubscribing; signal belongs to the …Async form)')
    expect(sent).toEqual([])
  })

  it('new AgentBay() and its retry option refuse unknown keys the same way', () => {
    expect(() => new AgentBay({ api_key: 'k', env: {} } as never)).toThrow(/new AgentBay\(options\): unknown option\(s\) "api_key" \(did you mean "apiKey"\?\)/)
    expect(() => new AgentBay({ apiKey: 'k', env: {}, retry: { attempt: 2 } as never })).toThrow(
      /new AgentBay\(options\): retry: unknown option\(s\) "attempt" \(did you mean "attempts"\?\)/,
    )
  })

  it('policies refuse unknown keys wherever they are built (the policy builders too)', () => {
    expect(() => newSyncPolicyWithDefaults({ uploadPolicy: { auto_upload: false } } as never)).toThrow(
      /policy\.uploadPolicy: unknown option\(s\) "auto_upload" \(did you mean "autoUpload"\?\)/,
    )
    expect(() => new ContextSync('c', '/p', { recyclePolicy: { life_cycle: 'Lifecycle_1Day' } } as never)).toThrow(
      /ContextSync\.policy\.recyclePolicy: unknown option\(s\) "life_cycle" \(did you mean "lifecycle"\?\)/,
    )
  })

  it('startEmulator options refuse unknown keys (as the emulator refuses a bad option: a TypeError)', () => {
    expect(() => normalizeEmulatorOptions({ task_delay_ms: 0 } as never)).toThrow(TypeError)
    expect(() => normalizeEmulatorOptions({ task_delay_ms: 0 } as never)).toThrow(/startEmulator\(options\): unknown option\(s\) "task_delay_ms" \(did you mean "taskDelayMs"\?\)/)
    expect(normalizeEmulatorOptions({ taskDelayMs: 0 }).taskDelayMs).toBe(0)
  })

  it('deprecated names check their options too', async () => {
    const created = await outcomeOf(() => untyped(agentBay.create$).call(agentBay, { image_id: 'x' }))
    expect((created as ValidationError).message).toContain('"image_id" (did you mean "imageId"?)')
    const synced = await outcomeOf(() => untyped(session.context.sync$).call(session.context, { max_retries: 1 }))
    expect((synced as ValidationError).message).toContain('"max_retries" (did you mean "maxRetries"?)')
    expect(sent).toEqual([])
  })
})

describe('closestKey', () => {
  it.each([
    ['sync_context', 'syncContext'],
    ['SYNC-CONTEXT', 'syncContext'],
    ['timeout', 'timeoutMs'],
    ['syncContxt', 'syncContext'],
    ['forse', 'force'],
  ])('%s → %s', (given, meant) => {
    expect(closestKey(given, ['syncContext', 'sync', 'force', 'pollIntervalMs', 'timeoutMs'])).toBe(meant)
  })

  it.each(['x', 'frobnicate', 'upload'])('%s → no guess', (given) => {
    expect(closestKey(given, ['syncContext', 'sync', 'force', 'pollIntervalMs', 'timeoutMs'])).toBeUndefined()
  })
})
