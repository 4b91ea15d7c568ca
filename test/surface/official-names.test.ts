import { describe, expect, it } from 'vitest'
import {
  ContextSync,
  DEFAULT_SYNC_POLICY,
  DeletePolicy,
  DownloadPolicy,
  ExtractPolicy,
  RecyclePolicy,
  SyncPolicy,
  UploadPolicy,
  newContextSync,
  newDeletePolicy,
  newDownloadPolicy,
  newExtractPolicy,
  newRecyclePolicy,
  newSyncPolicy,
  newSyncPolicyWithDefaults,
  newUploadPolicy,
  syncPolicy,
  type SyncPolicyInput,
} from '../../src/entries/index.js'
import { serializePersistenceDataList, serializePolicy } from '../../src/entries/wire.js'
import { validationErrorOf } from '../helpers/thrown.js'

// Issue 12 item 7: the official SDKs' builder names give exactly what this SDK's own builders give,
// so a port is mechanical; anything they would silently ignore is a ValidationError instead.

/** Calls as plain JavaScript may: any arguments. */
const untyped = (fn: unknown) => fn as (...args: unknown[]) => unknown

describe('official policy builder names', () => {
  const parts = [
    ['newUploadPolicy', newUploadPolicy, UploadPolicy, 'uploadPolicy'],
    ['newDownloadPolicy', newDownloadPolicy, DownloadPolicy, 'downloadPolicy'],
    ['newDeletePolicy', newDeletePolicy, DeletePolicy, 'deletePolicy'],
    ['newExtractPolicy', newExtractPolicy, ExtractPolicy, 'extractPolicy'],
    ['newRecyclePolicy', newRecyclePolicy, RecyclePolicy, 'recyclePolicy'],
  ] as const

  it('newSyncPolicy() and SyncPolicy.default() give what syncPolicy() gives, serialized identically', () => {
    expect(newSyncPolicy()).toEqual(syncPolicy())
    expect(SyncPolicy.default()).toEqual(syncPolicy())
    expect(serializePolicy(newSyncPolicy())).toBe(serializePolicy(syncPolicy()))
    expect(serializePolicy(SyncPolicy.default())).toBe(serializePolicy(syncPolicy()))
  })

  it.each(parts)('%s() and its X.default() give syncPolicy()\'s part', (_name, build, holder, part) => {
    expect(build()).toEqual(syncPolicy()[part])
    expect(holder.default()).toEqual(syncPolicy()[part])
  })

  it('gives a fresh copy each time: changing one (as official code does) touches neither the defaults nor the next one', () => {
    const before = JSON.stringify(DEFAULT_SYNC_POLICY)
    const policy = newSyncPolicy() as unknown as { uploadPolicy: { autoUpload: boolean }; bwList: { whiteLists: { path: string }[] }; recyclePolicy: { paths: string[] } }
    policy.uploadPolicy.autoUpload = false
    policy.bwList.whiteLists.push({ path: 'x' })
    policy.recyclePolicy.paths.push('y')
    ;(newRecyclePolicy() as unknown as { paths: string[] }).paths.push('z')
    ;(SyncPolicy.default() as unknown as { bwList: { whiteLists: unknown[] } }).bwList.whiteLists.length = 0
    expect(JSON.stringify(DEFAULT_SYNC_POLICY)).toBe(before)
    expect(newSyncPolicy()).toEqual(syncPolicy())
    expect(JSON.stringify(syncPolicy())).toBe(JSON.stringify(DEFAULT_SYNC_POLICY))
  })

  it('refuses an argument that the official builders would silently ignore, naming the builder that takes it', () => {
    expect(validationErrorOf(() => untyped(newSyncPolicy)({ uploadPolicy: { autoUpload: false } })).message).toContain('newSyncPolicyWithDefaults(partial)')
    for (const [name, build, holder] of parts) {
      expect(validationErrorOf(() => untyped(build)({})).message).toContain(`${name}() takes no arguments`)
      expect(validationErrorOf(() => untyped(holder.default)({})).message).toContain('.default() takes no arguments')
    }
    expect(validationErrorOf(() => untyped(SyncPolicy.default)({ upload_policy: {} })).message).toContain('SyncPolicy.default() takes no arguments')
  })

  it('newSyncPolicyWithDefaults(partial) gives syncPolicy(partial), keeping mappingPolicy', () => {
    const partial: SyncPolicyInput = {
      uploadPolicy: { autoUpload: false, uploadMode: 'Archive' },
      bwList: { whiteLists: [{ path: '/src', excludePaths: ['/node_modules'] }] },
      mappingPolicy: { path: 'c:\\Users\\Administrator\\Downloads' },
    }
    expect(newSyncPolicyWithDefaults(partial)).toEqual(syncPolicy(partial))
    expect(serializePolicy(newSyncPolicyWithDefaults(partial))).toBe(serializePolicy(syncPolicy(partial)))
    expect(newSyncPolicyWithDefaults()).toEqual(syncPolicy())
  })

  it('newSyncPolicyWithDefaults refuses Python part names, non-objects and invalid values at once', () => {
    expect(validationErrorOf(() => newSyncPolicyWithDefaults({ upload_policy: { auto_upload: false } } as never)).message).toContain('policy: unknown option(s) "upload_policy" (did you mean "uploadPolicy"?)')
    expect(validationErrorOf(() => newSyncPolicyWithDefaults('default' as never)).message).toContain('policy must be an object')
    expect(validationErrorOf(() => newSyncPolicyWithDefaults(null as never)).message).toContain('got null')
    expect(validationErrorOf(() => newSyncPolicyWithDefaults({ bwList: { whiteLists: [{ path: '*.log' }] } })).message).toContain('policy.bwList.whiteLists[0].path must be an exact path')
    expect(validationErrorOf(() => newSyncPolicyWithDefaults({ uploadPolicy: { uploadMode: 'Zip' as never } })).message).toContain('policy.uploadPolicy.uploadMode')
  })
})

describe('ContextSync as a value: new ContextSync(…), ContextSync.new(…), newContextSync(…)', () => {
  const policy = newSyncPolicyWithDefaults({ uploadPolicy: { autoUpload: false } })
  const builders = [
    ['new ContextSync', (id: unknown, path: unknown, p?: unknown) => (p === undefined ? new ContextSync(id as string, path as string) : new ContextSync(id as string, path as string, p as SyncPolicyInput))],
    ['ContextSync.new', (id: unknown, path: unknown, p?: unknown) => (p === undefined ? ContextSync.new(id as string, path as string) : ContextSync.new(id as string, path as string, p as SyncPolicyInput))],
    ['newContextSync', (id: unknown, path: unknown, p?: unknown) => (p === undefined ? newContextSync(id as string, path as string) : newContextSync(id as string, path as string, p as SyncPolicyInput))],
  ] as const

  it.each(builders)('%s gives the plain literal, with the same PersistenceDataList', (_name, build) => {
    const withPolicy = build('SdkCtx-1', '/home/wuying/data', policy)
    const withoutPolicy = build('SdkCtx-2', '/home/wuying/other')
    expect({ ...withPolicy }).toEqual({ contextId: 'SdkCtx-1', path: '/home/wuying/data', policy })
    expect(Object.keys(withoutPolicy)).toEqual(['contextId', 'path'])
    expect(serializePersistenceDataList([withPolicy, withoutPolicy])).toBe(
      serializePersistenceDataList([
        { contextId: 'SdkCtx-1', path: '/home/wuying/data', policy },
        { contextId: 'SdkCtx-2', path: '/home/wuying/other' },
      ]),
    )
    expect(Object.isFrozen(withPolicy)).toBe(true)
  })

  it.each(builders)('%s validates at once, naming the argument', (_name, build) => {
    expect(validationErrorOf(() => build('', '/home/wuying/data')).message).toBe('ContextSync.contextId must be a non-empty string, got ""')
    expect(validationErrorOf(() => build('SdkCtx-1', 42)).message).toBe('ContextSync.path must be a non-empty string, got 42')
    expect(validationErrorOf(() => build('SdkCtx-1', '/data', { bwList: { whiteLists: [{ path: 'logs/*' }] } })).message).toContain(
      'ContextSync.policy.bwList.whiteLists[0].path must be an exact path',
    )
  })

  it("refuses Python's fourth argument (beta_wait_for_completion), which this SDK does not have", () => {
    expect(validationErrorOf(() => untyped(ContextSync.new)('SdkCtx-1', '/data', undefined, false)).message).toContain('ContextSync.new takes (contextId, path, policy?)')
    expect(validationErrorOf(() => untyped(newContextSync)('SdkCtx-1', '/data', undefined, false)).message).toContain('newContextSync takes')
  })

  it('a plain object literal still is a ContextSync (the type did not change)', () => {
    const literal: ContextSync = { contextId: 'SdkCtx-1', path: '/data' }
    expect(serializePersistenceDataList([literal])).toBe('[{"ContextId":"SdkCtx-1","Path":"/data"}]')
  })
})
