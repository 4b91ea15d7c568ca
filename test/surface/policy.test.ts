import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SYNC_POLICY,
  ValidationError,
  syncPolicy,
  validateSyncPolicy,
  type SyncPolicy,
} from '../../src/entries/index.js'
import { serializePersistenceDataList, serializePolicy } from '../../src/entries/wire.js'

describe('syncPolicy()', () => {
  it('gives the protocol §6 defaults when called without arguments', () => {
    expect(syncPolicy()).toEqual({
      uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
      downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
      deletePolicy: { syncLocalFile: true },
      extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
      recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
      bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
    })
  })

  it('deep-merges a partial policy over the defaults, key by key, and ignores undefined values', () => {
    const policy = syncPolicy({ uploadPolicy: { uploadMode: 'Archive', autoUpload: undefined }, recyclePolicy: { lifecycle: 'Lifecycle_30Days' } })
    expect(policy.uploadPolicy).toEqual({ autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'Archive' })
    expect(policy.recyclePolicy).toEqual({ lifecycle: 'Lifecycle_30Days', paths: [''] })
    expect(policy.downloadPolicy).toEqual(DEFAULT_SYNC_POLICY.downloadPolicy)
  })

  it('replaces arrays instead of merging them, and fills a missing excludePaths with []', () => {
    const policy = syncPolicy({ bwList: { whiteLists: [{ path: 'src' }, { path: 'docs', excludePaths: ['drafts'] }] } })
    expect(policy.bwList.whiteLists).toEqual([
      { path: 'src', excludePaths: [] },
      { path: 'docs', excludePaths: ['drafts'] },
    ])
  })

  it('keeps mappingPolicy (the official TS SDK drops it: protocol §7.11)', () => {
    const policy = syncPolicy({ mappingPolicy: { path: 'c:\\Users\\Administrator\\Downloads' } })
    expect(JSON.parse(serializePolicy(policy))).toMatchObject({ mappingPolicy: { path: 'c:\\Users\\Administrator\\Downloads' } })
  })

  it('never mutates the defaults', () => {
    const before = JSON.stringify(DEFAULT_SYNC_POLICY)
    syncPolicy({ uploadPolicy: { autoUpload: false }, bwList: { whiteLists: [{ path: 'x' }] } })
    expect(JSON.stringify(DEFAULT_SYNC_POLICY)).toBe(before)
  })
})

describe('validateSyncPolicy()', () => {
  const withWhiteList = (path: string, excludePaths: string[] = []) => syncPolicy({ bwList: { whiteLists: [{ path, excludePaths }] } })

  it.each(['*.log', 'a?b', 'dir[0]', 'x]'])('rejects the wildcard path %j in a white list', (path) => {
    expect(() => validateSyncPolicy(withWhiteList(path))).toThrow(ValidationError)
  })

  it('rejects wildcards in excludePaths and recyclePolicy.paths, naming the offending field', () => {
    expect(() => validateSyncPolicy(withWhiteList('src', ['node_modules/*']))).toThrow(/bwList\.whiteLists\[0\]\.excludePaths\[0\]/)
    expect(() => validateSyncPolicy(syncPolicy({ recyclePolicy: { paths: ['tmp/*'] } }))).toThrow(/recyclePolicy\.paths\[0\]/)
  })

  it('accepts exact paths and the empty "everything" path', () => {
    expect(() => validateSyncPolicy(withWhiteList('', ['node_modules', 'build/out']))).not.toThrow()
  })

  it('rejects unknown enum values and non-boolean switches', () => {
    const bad = (patch: object) => ({ ...syncPolicy(), ...patch }) as SyncPolicy
    expect(() => validateSyncPolicy(bad({ uploadPolicy: { ...DEFAULT_SYNC_POLICY.uploadPolicy, uploadMode: 'Zip' } }))).toThrow(/uploadMode must be one of File, Archive/)
    expect(() => validateSyncPolicy(bad({ recyclePolicy: { lifecycle: 'Lifecycle_2Days', paths: [''] } }))).toThrow(/lifecycle/)
    expect(() => validateSyncPolicy(bad({ downloadPolicy: { autoDownload: 'yes', downloadStrategy: 'DownloadAsync' } }))).toThrow(/autoDownload must be a boolean/)
    expect(() => validateSyncPolicy(bad({ uploadPolicy: { ...DEFAULT_SYNC_POLICY.uploadPolicy, uploadStrategy: 'Eager' } }))).toThrow(/uploadStrategy/)
  })
})

describe('serializePolicy() and serializePersistenceDataList()', () => {
  it('serializes the default policy exactly as protocol §6 prints it', () => {
    expect(serializePolicy(syncPolicy())).toBe(
      '{"uploadPolicy":{"autoUpload":true,"uploadStrategy":"UploadBeforeResourceRelease","uploadMode":"File"},' +
        '"downloadPolicy":{"autoDownload":true,"downloadStrategy":"DownloadAsync"},' +
        '"deletePolicy":{"syncLocalFile":true},' +
        '"extractPolicy":{"extract":true,"deleteSrcFile":true,"extractToCurrentFolder":false},' +
        '"recyclePolicy":{"lifecycle":"Lifecycle_Forever","paths":[""]},' +
        '"bwList":{"whiteLists":[{"path":"","excludePaths":[]}]}}',
    )
  })

  it('puts Policy as a JSON string inside the PersistenceDataList JSON string (double encoding, protocol §1.6)', () => {
    const list = serializePersistenceDataList([
      { contextId: 'SdkCtx-1', path: '/home/wuying/data', policy: { uploadPolicy: { autoUpload: false } } },
      { contextId: 'SdkCtx-2', path: '/home/wuying/other' },
    ])
    const items = JSON.parse(list) as Record<string, unknown>[]
    expect(items[0]).toEqual({ ContextId: 'SdkCtx-1', Path: '/home/wuying/data', Policy: expect.any(String) })
    expect(JSON.parse(items[0]?.['Policy'] as string)).toEqual(syncPolicy({ uploadPolicy: { autoUpload: false } }))
    expect(items[1]).toEqual({ ContextId: 'SdkCtx-2', Path: '/home/wuying/other' }) // no policy given → no Policy key
    expect(list).toContain('"Policy":"{\\"uploadPolicy\\":{\\"autoUpload\\":false,')
  })

  it('rejects a wildcard policy, an empty path and two mounts at one path', () => {
    expect(() => serializePersistenceDataList([{ contextId: 'c', path: '/p', policy: { bwList: { whiteLists: [{ path: '*' }] } } }])).toThrow(
      /contextSync\[0\]\.policy\.bwList/,
    )
    expect(() => serializePersistenceDataList([{ contextId: 'c', path: ' ' }])).toThrow(ValidationError)
    expect(() =>
      serializePersistenceDataList([
        { contextId: 'a', path: '/p' },
        { contextId: 'b', path: '/p' },
      ]),
    ).toThrow(/two contexts/)
  })
})
