// Issue 12 item 1: `session.files` upload/download in virtual time. The rpc runs on the fake
// transport, the sync on the real `ContextManager`, and the byte movers (the context service's
// upload/download, which sit on fetch) are cold marble observables, so completion, error,
// timeout and unsubscribe paths are exact to the frame.
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable'
import { TestScheduler } from 'rxjs/testing'
import { NEVER, type Observable } from 'rxjs'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError, RequestTimeoutError, SyncUnconfirmedError, fixedSchedule, type ContextStatusData, type DownloadEvent, type UploadEvent } from '../../src/entries/index.js'
import { createRpc } from '../../src/rpc/rpc.js'
import { FileTransfer, type FileTransferSyncOptions } from '../../src/sessions/file-transfer.js'
import { ContextManager } from '../../src/sync/context-manager.js'
import { contextInfoBody, createFakeTransport, jsonResponse, okBody, task, type FakeTransport } from '../../src/testing/index.js'
import { createTestScheduler } from '../helpers/marbles.js'

// Every fake answer arrives one frame after its request.
const SYNC: FileTransferSyncOptions = { retryInterval: 10, maxRetries: 5, noTaskGraceMs: 25, schedule: fixedSchedule(10) }
const CTX = 'SdkCtx-ft'
const PATH = '/tmp/file-transfer/a.bin'
const base = (direction: 'upload' | 'download') => ({ direction, remotePath: PATH, contextId: CTX, contextPath: '/tmp/file-transfer/' })

let scheduler: TestScheduler
let fake: FakeTransport
let storage: {
  upload$: ColdObservable<UploadEvent> | Observable<UploadEvent>
  download$: ColdObservable<DownloadEvent> | Observable<DownloadEvent>
  deleted: number
}

beforeEach(() => {
  scheduler = createTestScheduler()
  fake = createFakeTransport()
  storage = { upload$: NEVER, download$: NEVER, deleted: 0 }
})

function files(context?: Pick<ContextManager, 'sync'>): FileTransfer {
  const rpc = createRpc(fake.transport)
  const logger = { debug: () => undefined, warn: () => undefined }
  return new FileTransfer({
    sessionId: 's-1',
    rpc,
    context: context ?? new ContextManager('s-1', { rpc, scheduler, logger }),
    storage: {
      upload: () => storage.upload$,
      download: () => storage.download$,
      getFileDownloadUrl: () => NEVER,
      deleteFile: () => {
        storage.deleted += 1
        return scheduler.createColdObservable('-(a|)', { a: { requestId: 'del-1' } })
      },
    },
    scheduler,
    logger,
  })
}

const answer = (body: unknown) => () => scheduler.createColdObservable('-(a|)', { a: jsonResponse(body) })

/** The transfer context, the trigger, and the n-th GetContextInfo (0 = the baseline before the trigger). */
function service(...polls: (readonly ContextStatusData[])[]): void {
  fake.respond('GetAndLoadInternalContext', answer(okBody([{ ContextId: CTX, ContextPath: '/tmp/file-transfer/', ContextType: 'file_transfer' }])))
  fake.respond('SyncContext', answer({ ...okBody(), RequestId: 'sync-1' }))
  fake.respond('GetContextInfo', (_request, index) => answer(contextInfoBody(polls[Math.min(index, polls.length - 1)] ?? []))())
}

const taskOf = (taskType: 'upload' | 'download', fields: Partial<ContextStatusData>) =>
  task({ contextId: CTX, path: PATH, taskType, startTime: 1_700_000_100, ...fields })
const withId = (t: ContextStatusData) => ({ ...t, requestId: 'sync-1' })

describe('files.upload in virtual time (issue 12 item 1)', () => {
  const running = taskOf('download', { status: 'Running' })
  const succeeded = taskOf('download', { status: 'Success', finishTime: 1_700_000_101 })

  it('bytes, then the sync task states, then done after the staging copy is removed; completes with nothing pending', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      service([], [running], [succeeded])
      const put = cold<UploadEvent>('-a-(b|)', {
        a: { kind: 'progress', transferredBytes: 4, totalBytes: 8 },
        b: { kind: 'done', requestId: 'url-1', transferredBytes: 8, etag: '"e"' },
      })
      storage.upload$ = put
      // context at 1; PUT 1–4; baseline 4→5, trigger 5→6, polls 6→7 and 17→18; DeleteContextFile 18→19.
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: SYNC })).toBe('--a 4ms b 10ms c (d|)', {
        a: { ...base('upload'), kind: 'progress', transferredBytes: 4, totalBytes: 8 },
        b: { ...base('upload'), kind: 'sync', task: withId(running) },
        c: { ...base('upload'), kind: 'sync', task: withId(succeeded) },
        d: { ...base('upload'), kind: 'done', direction: 'upload', requestId: 'sync-1', transferredBytes: 8, etag: '"e"' },
      })
      expectSubscriptions(put.subscriptions).toBe('-^--!')
    })
    expect(fake.requestsOf('SyncContext')[0]?.params).toMatchObject({ SessionId: 's-1', ContextId: CTX, Path: PATH, Mode: 'download' })
    expect(fake.requestsOf('GetAndLoadInternalContext')[0]?.params).toMatchObject({ SessionId: 's-1', 'ContextTypes.1': 'file_transfer' })
    expect(storage.deleted).toBe(1)
    fake.verify()
  })

  it('a Failed task is an ApiError with the task message; the staging copy is kept, nothing is left pending', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([], [taskOf('download', { status: 'Failed', finishTime: 1_700_000_101, errorMessage: 'disk full' })])
      storage.upload$ = cold<UploadEvent>('-(b|)', { b: { kind: 'done', requestId: 'url-1', transferredBytes: 8 } })
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: SYNC })).toBe('-----(b#)', {
        b: { ...base('upload'), kind: 'sync', task: withId(taskOf('download', { status: 'Failed', finishTime: 1_700_000_101, errorMessage: 'disk full' })) },
      }, new ApiError(`the download sync of ${PATH} (context ${CTX}) failed: disk full`, { action: 'SyncContext', requestId: 'sync-1' }))
    })
    expect(storage.deleted).toBe(0)
    fake.verify()
  })

  it('a task still running when the sync budget ends is a RequestTimeoutError', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([], [running])
      storage.upload$ = cold<UploadEvent>('-(b|)', { b: { kind: 'done', requestId: 'url-1', transferredBytes: 8 } })
      const budget = { ...SYNC, maxRetries: 2 }
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: budget })).toBe('-----b 10ms #', { b: { ...base('upload'), kind: 'sync', task: withId(running) } }, new RequestTimeoutError(`the download sync of ${PATH} (context ${CTX}) was still Running when its budget ran out`, { action: 'SyncContext', requestId: 'sync-1' }))
    })
    fake.verify()
  })

  it('a sync that ends without any task of the file is a SyncUnconfirmedError, never a success (the sync result calls no task a success)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([])
      storage.upload$ = cold<UploadEvent>('-(b|)', { b: { kind: 'done', requestId: 'url-1', transferredBytes: 8 } })
      const silentSync = { sync: () => cold<never>('--|') }
      expectObservable(files(silentSync).upload(new Uint8Array(8), PATH, { sync: SYNC })).toBe('----#', undefined, new SyncUnconfirmedError(`no task of the download sync of ${PATH} (context ${CTX}) was seen: its outcome is unknown`))
    })
    expect(storage.deleted).toBe(0)
    fake.verify()
  })

  it('unsubscribing during the PUT ends it and sends no sync', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      service([])
      const put = cold<UploadEvent>('-a------(b|)', {
        a: { kind: 'progress', transferredBytes: 4, totalBytes: 8 },
        b: { kind: 'done', requestId: 'url-1', transferredBytes: 8 },
      })
      storage.upload$ = put
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: SYNC }), '^---!').toBe('--a-', { a: { ...base('upload'), kind: 'progress', transferredBytes: 4, totalBytes: 8 } })
      expectSubscriptions(put.subscriptions).toBe('-^--!')
    })
    expect(fake.requestsOf('SyncContext')).toHaveLength(0)
    fake.verify()
  })

  it('unsubscribing mid-poll cancels the poll in flight and sends nothing more', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([], [running], [running], [running])
      storage.upload$ = cold<UploadEvent>('-(b|)', { b: { kind: 'done', requestId: 'url-1', transferredBytes: 8 } })
      // polls at 4 (baseline), 5 trigger, 6, 16: stop at 16 while the second poll is in flight.
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: SYNC }), '^ 15ms !').toBe('-----b', { b: { ...base('upload'), kind: 'sync', task: withId(running) } })
    })
    const polls = fake.requestsOf('GetContextInfo')
    expect(polls).toHaveLength(3)
    expect(polls.at(-1)?.state).toBe('cancelled')
    fake.verify()
  })

  it('timeoutMs bounds the whole transfer on the scheduler: RequestTimeoutError, and the PUT is ended', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      service([])
      const put = cold<UploadEvent>('-a', { a: { kind: 'progress', transferredBytes: 1, totalBytes: 8 } })
      storage.upload$ = put
      expectObservable(files().upload(new Uint8Array(8), PATH, { sync: SYNC, timeoutMs: 10 })).toBe('--a 7ms #', { a: { ...base('upload'), kind: 'progress', transferredBytes: 1, totalBytes: 8 } }, new RequestTimeoutError(`the upload to ${PATH} did not finish within 10 ms`))
      expectSubscriptions(put.subscriptions).toBe('-^ 8ms !')
    })
    fake.verify()
  })

  it('asks for the transfer context once per handle', () => {
    const handle = files()
    scheduler.run(({ expectObservable }) => {
      service([])
      const known = { a: { requestId: expect.any(String), contextId: CTX, contextPath: '/tmp/file-transfer/' } }
      expectObservable(handle.transferContext()).toBe('-(a|)', known)
      // Subscribed again after the answer: served from the handle, at once.
      expectObservable(handle.transferContext(), '---^').toBe('---(a|)', known)
    })
    expect(fake.requestsOf('GetAndLoadInternalContext')).toHaveLength(1)
  })

  /** A GetAndLoadInternalContext answered 3 frames after it is sent, so a reader can leave while it is in flight. */
  const slowLookup = () => scheduler.createColdObservable('---(a|)', { a: jsonResponse(okBody([{ ContextId: CTX, ContextPath: '/tmp/file-transfer/' }])) })
  /** What transferContext() gives for that answer. */
  const LOOKED_UP = { requestId: expect.any(String), contextId: CTX, contextPath: '/tmp/file-transfer/' }

  it('lookups started together share one request; one subscriber leaving does not end it for the other', () => {
    const handle = files()
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetAndLoadInternalContext', slowLookup)
      expectObservable(handle.transferContext(), '^-!').toBe('--')
      expectObservable(handle.transferContext(), '-^').toBe('---(a|)', { a: LOOKED_UP })
    })
    expect(fake.requestsOf('GetAndLoadInternalContext').map((request) => request.state)).toEqual(['answered'])
  })

  it('when every subscriber left, the shared lookup is cancelled, and a later one asks anew', () => {
    const handle = files()
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetAndLoadInternalContext', slowLookup)
      expectObservable(handle.transferContext(), '^-!').toBe('--')
      expectObservable(handle.transferContext(), '-^!').toBe('--')
      expectObservable(handle.transferContext(), '----^').toBe('-------(a|)', { a: LOOKED_UP })
    })
    expect(fake.requestsOf('GetAndLoadInternalContext').map((request) => request.state)).toEqual(['cancelled', 'answered'])
    fake.verify()
  })

  it('an answer without a context id and path is an ApiError (calls doc §4.1: "Response contains no data")', () => {
    scheduler.run(({ expectObservable }) => {
      fake.respond('GetAndLoadInternalContext', answer({ ...okBody([{ ContextType: 'file_transfer' }]), RequestId: 'ctx-req' }))
      expectObservable(files().transferContext()).toBe('-#', undefined, new ApiError('the answer names no context with both ContextId and ContextPath', { action: 'GetAndLoadInternalContext', requestId: 'ctx-req' }))
    })
  })
})

describe('files.download in virtual time (issue 12 item 1)', () => {
  const running = taskOf('upload', { status: 'Running' })
  const succeeded = taskOf('upload', { status: 'Success', finishTime: 1_700_000_101 })
  const data = new Uint8Array([1, 2, 3])

  it('the sync task states, then bytes, then done with the data; completes with nothing pending', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([], [running], [succeeded])
      storage.download$ = cold<DownloadEvent>('-a-(b|)', {
        a: { kind: 'progress', transferredBytes: 3, totalBytes: 3 },
        b: { kind: 'done', requestId: 'url-1', transferredBytes: 3, data },
      })
      // context at 1; baseline 1→2, trigger 2→3, polls 3→4 and 14→15; GET 15–18; DeleteContextFile 18→19.
      expectObservable(files().download(PATH, { sync: SYNC })).toBe('----a 10ms bc--(d|)', {
        a: { ...base('download'), kind: 'sync', task: withId(running) },
        b: { ...base('download'), kind: 'sync', task: withId(succeeded) },
        c: { ...base('download'), kind: 'progress', transferredBytes: 3, totalBytes: 3 },
        d: { ...base('download'), kind: 'done', direction: 'download', requestId: 'sync-1', transferredBytes: 3, data },
      })
    })
    expect(fake.requestsOf('SyncContext')[0]?.params).toMatchObject({ ContextId: CTX, Path: PATH, Mode: 'upload' })
    expect(storage.deleted).toBe(1)
    fake.verify()
  })

  it('an HTTP error from the GET is the stream error, and no staging removal follows', () => {
    scheduler.run(({ cold, expectObservable }) => {
      service([], [succeeded])
      const forbidden = new ApiError('HTTP 403', { action: 'DownloadFile' })
      storage.download$ = cold<DownloadEvent>('-#', undefined, forbidden)
      expectObservable(files().download(PATH, { sync: SYNC })).toBe('----a#', { a: { ...base('download'), kind: 'sync', task: withId(succeeded) } }, forbidden)
    })
    expect(storage.deleted).toBe(0)
    fake.verify()
  })

  it('unsubscribing during the GET ends it', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      service([], [succeeded])
      const get = cold<DownloadEvent>('-a----(b|)', {
        a: { kind: 'progress', transferredBytes: 1, totalBytes: 3 },
        b: { kind: 'done', requestId: 'url-1', transferredBytes: 3, data },
      })
      storage.download$ = get
      expectObservable(files().download(PATH, { sync: SYNC }), '^ 6ms !').toBe('----ab', {
        a: { ...base('download'), kind: 'sync', task: withId(succeeded) },
        b: { ...base('download'), kind: 'progress', transferredBytes: 1, totalBytes: 3 },
      })
      expectSubscriptions(get.subscriptions).toBe('----^--!')
    })
    expect(storage.deleted).toBe(0)
    fake.verify()
  })
})
