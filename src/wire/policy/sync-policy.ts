import { ValidationError } from '../../shared/errors/validation-error.js'

// ---- model ---------------------------------------------------------------------------------------

/** protocol §6 enumerations, one `as const` table each. */
export const UPLOAD_STRATEGIES = ['UploadBeforeResourceRelease'] as const
export const DOWNLOAD_STRATEGIES = ['DownloadAsync'] as const
export const UPLOAD_MODES = ['File', 'Archive'] as const
export const LIFECYCLES = [
  'Lifecycle_1Day',
  'Lifecycle_3Days',
  'Lifecycle_5Days',
  'Lifecycle_10Days',
  'Lifecycle_15Days',
  'Lifecycle_30Days',
  'Lifecycle_90Days',
  'Lifecycle_180Days',
  'Lifecycle_360Days',
  'Lifecycle_Forever',
] as const

export type UploadStrategy = (typeof UPLOAD_STRATEGIES)[number]
export type DownloadStrategy = (typeof DOWNLOAD_STRATEGIES)[number]
/** `Archive` compresses before upload. */
export type UploadMode = (typeof UPLOAD_MODES)[number]
export type Lifecycle = (typeof LIFECYCLES)[number]

export interface UploadPolicy {
  readonly autoUpload: boolean
  readonly uploadStrategy: UploadStrategy
  readonly uploadMode: UploadMode
}
export interface DownloadPolicy {
  readonly autoDownload: boolean
  readonly downloadStrategy: DownloadStrategy
}
/** `syncLocalFile`: propagate local deletions. */
export interface DeletePolicy {
  readonly syncLocalFile: boolean
}
/** Unpack uploaded archives, optionally into the current folder, optionally deleting the source. */
export interface ExtractPolicy {
  readonly extract: boolean
  readonly deleteSrcFile: boolean
  readonly extractToCurrentFolder: boolean
}
/** How long stored data is kept for `paths` (exact paths relative to the mount path; `''` = everything). */
export interface RecyclePolicy {
  readonly lifecycle: Lifecycle
  readonly paths: readonly string[]
}
/** One white-listed path (relative to the mount path; `''` = everything) minus `excludePaths`. */
export interface WhiteList {
  readonly path: string
  readonly excludePaths: readonly string[]
}
export interface BWList {
  readonly whiteLists: readonly WhiteList[]
}
/** The same data's path on another OS (protocol §6), e.g. a Windows folder mapped into a Linux session. */
export interface MappingPolicy {
  readonly path: string
}

/** A complete sync policy (protocol §6). Build one with `syncPolicy()`. */
export interface SyncPolicy {
  readonly uploadPolicy: UploadPolicy
  readonly downloadPolicy: DownloadPolicy
  readonly deletePolicy: DeletePolicy
  readonly extractPolicy: ExtractPolicy
  readonly recyclePolicy: RecyclePolicy
  readonly bwList: BWList
  /** Kept and sent (the official TS SDK drops it: protocol §7.11). */
  readonly mappingPolicy?: MappingPolicy
}

/** What `syncPolicy()` accepts: any part of a policy; the rest comes from the defaults. */
export interface SyncPolicyInput {
  readonly uploadPolicy?: Partial<UploadPolicy>
  readonly downloadPolicy?: Partial<DownloadPolicy>
  readonly deletePolicy?: Partial<DeletePolicy>
  readonly extractPolicy?: Partial<ExtractPolicy>
  readonly recyclePolicy?: Partial<RecyclePolicy>
  readonly bwList?: { readonly whiteLists?: readonly { readonly path: string; readonly excludePaths?: readonly string[] }[] }
  readonly mappingPolicy?: MappingPolicy
}

/** protocol §6: the default policy of all three official SDKs. */
export const DEFAULT_SYNC_POLICY: SyncPolicy = Object.freeze<SyncPolicy>({
  uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: true },
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
})

// ---- constructors --------------------------------------------------------------------------------

/**
 * A complete `SyncPolicy`: the given parts deep-merged over the protocol §6 defaults.
 * Objects merge key by key; arrays (`paths`, `whiteLists`, `excludePaths`) replace the default.
 * Pure: it does not validate (that happens in `validateSyncPolicy`, inside the request pipeline).
 *
 * @example
 * const policy = syncPolicy({
 *   uploadPolicy: { uploadMode: 'Archive' },
 *   bwList: { whiteLists: [{ path: 'src', excludePaths: ['node_modules'] }] },
 * })
 * @see serializePolicy
 */
export function syncPolicy(input: SyncPolicyInput = {}): SyncPolicy {
  const d = DEFAULT_SYNC_POLICY
  const policy: SyncPolicy = {
    uploadPolicy: { ...d.uploadPolicy, ...defined(input.uploadPolicy) },
    downloadPolicy: { ...d.downloadPolicy, ...defined(input.downloadPolicy) },
    deletePolicy: { ...d.deletePolicy, ...defined(input.deletePolicy) },
    extractPolicy: { ...d.extractPolicy, ...defined(input.extractPolicy) },
    recyclePolicy: { ...d.recyclePolicy, ...defined(input.recyclePolicy) },
    bwList: {
      whiteLists:
        input.bwList?.whiteLists?.map((item) => ({ path: item.path, excludePaths: item.excludePaths ?? [] })) ??
        d.bwList.whiteLists,
    },
  }
  return input.mappingPolicy === undefined ? policy : { ...policy, mappingPolicy: { path: input.mappingPolicy.path } }
}

// ---- validation ----------------------------------------------------------------------------------

const WILDCARDS = /[*?[\]]/

/**
 * Throws `ValidationError` when the policy is not one the service accepts: unknown enum values,
 * non-boolean switches, or wildcard characters (`*`, `?`, `[`, `]`) in white-list, exclude or
 * recycle paths (protocol §6: they are exact paths). Call it inside `defer`, before any request.
 */
export function validateSyncPolicy(policy: SyncPolicy, where = 'policy'): void {
  const { uploadPolicy: up, downloadPolicy: down, deletePolicy: del, extractPolicy: ex, recyclePolicy: rec, bwList } = policy
  checkBoolean(up?.autoUpload, `${where}.uploadPolicy.autoUpload`)
  checkEnum(up?.uploadStrategy, UPLOAD_STRATEGIES, `${where}.uploadPolicy.uploadStrategy`)
  checkEnum(up?.uploadMode, UPLOAD_MODES, `${where}.uploadPolicy.uploadMode`)
  checkBoolean(down?.autoDownload, `${where}.downloadPolicy.autoDownload`)
  checkEnum(down?.downloadStrategy, DOWNLOAD_STRATEGIES, `${where}.downloadPolicy.downloadStrategy`)
  checkBoolean(del?.syncLocalFile, `${where}.deletePolicy.syncLocalFile`)
  checkBoolean(ex?.extract, `${where}.extractPolicy.extract`)
  checkBoolean(ex?.deleteSrcFile, `${where}.extractPolicy.deleteSrcFile`)
  checkBoolean(ex?.extractToCurrentFolder, `${where}.extractPolicy.extractToCurrentFolder`)
  checkEnum(rec?.lifecycle, LIFECYCLES, `${where}.recyclePolicy.lifecycle`)
  checkPaths(rec?.paths, `${where}.recyclePolicy.paths`)
  if (!Array.isArray(bwList?.whiteLists)) throw new ValidationError(`${where}.bwList.whiteLists must be an array`)
  bwList.whiteLists.forEach((item, index) => {
    const at = `${where}.bwList.whiteLists[${index}]`
    checkPath(item?.path, `${at}.path`)
    checkPaths(item.excludePaths, `${at}.excludePaths`)
  })
  if (policy.mappingPolicy !== undefined) {
    const path = policy.mappingPolicy?.path
    if (typeof path !== 'string' || path.trim() === '') {
      throw new ValidationError(`${where}.mappingPolicy.path must be a non-empty string`)
    }
  }
}

function checkBoolean(value: unknown, at: string): void {
  if (typeof value !== 'boolean') throw new ValidationError(`${at} must be a boolean, got ${JSON.stringify(value)}`)
}

function checkEnum(value: unknown, allowed: readonly string[], at: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ValidationError(`${at} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`)
  }
}

function checkPaths(paths: unknown, at: string): void {
  if (!Array.isArray(paths)) throw new ValidationError(`${at} must be an array of paths`)
  paths.forEach((path, index) => checkPath(path, `${at}[${index}]`))
}

function checkPath(path: unknown, at: string): void {
  if (typeof path !== 'string') throw new ValidationError(`${at} must be a string, got ${JSON.stringify(path)}`)
  if (WILDCARDS.test(path)) {
    throw new ValidationError(`${at} must be an exact path; wildcards (* ? [ ]) are not supported: ${JSON.stringify(path)}`)
  }
}

// ---- serialization -------------------------------------------------------------------------------

/**
 * The policy as the JSON string that goes into a `PersistenceDataList` item's `Policy` field
 * (protocol §6), keys in protocol order; `mappingPolicy` only when set. Validates first.
 *
 * @example
 * serializePolicy(syncPolicy({ uploadPolicy: { autoUpload: false } }))
 * @see syncPolicy
 */
export function serializePolicy(policy: SyncPolicy): string {
  validateSyncPolicy(policy)
  const { uploadPolicy: up, downloadPolicy: down, deletePolicy: del, extractPolicy: ex, recyclePolicy: rec } = policy
  // Built field by field so the output never carries stray keys or depends on the caller's key order.
  const wire: Record<string, unknown> = {
    uploadPolicy: { autoUpload: up.autoUpload, uploadStrategy: up.uploadStrategy, uploadMode: up.uploadMode },
    downloadPolicy: { autoDownload: down.autoDownload, downloadStrategy: down.downloadStrategy },
    deletePolicy: { syncLocalFile: del.syncLocalFile },
    extractPolicy: { extract: ex.extract, deleteSrcFile: ex.deleteSrcFile, extractToCurrentFolder: ex.extractToCurrentFolder },
    recyclePolicy: { lifecycle: rec.lifecycle, paths: [...rec.paths] },
    bwList: { whiteLists: policy.bwList.whiteLists.map((item) => ({ path: item.path, excludePaths: [...item.excludePaths] })) },
  }
  if (policy.mappingPolicy !== undefined) wire['mappingPolicy'] = { path: policy.mappingPolicy.path }
  return JSON.stringify(wire)
}

/** The object without its `undefined` values, so they never override a default (style §5). */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {}
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
