import * as t from 'io-ts'
import { describeChoice, describeValue, requireBoolean, requireKnownKeys, requireNoControlCharacter, requireText, type KnownKeys } from '../../shared/arguments.js'
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
/**
 * One white-listed path (relative to the mount path; `''` = everything) minus `excludePaths`, each
 * relative to this entry's `path` (protocol §6): `{ path: '/src', excludePaths: ['/node_modules'] }`
 * skips `<mount>/src/node_modules`.
 */
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
// Frozen all the way down: a plain-JS caller pushing into a returned array must not change the defaults.
export const DEFAULT_SYNC_POLICY: SyncPolicy = deepFreeze<SyncPolicy>({
  uploadPolicy: { autoUpload: true, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' },
  downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  deletePolicy: { syncLocalFile: true },
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: false },
  recyclePolicy: { lifecycle: 'Lifecycle_Forever', paths: [''] },
  bwList: { whiteLists: [{ path: '', excludePaths: [] }] },
})

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

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
// Fresh arrays: the caller owns what it gets and may change it without touching the defaults.
const withFreshPaths = (recycle: RecyclePolicy): RecyclePolicy =>
  Array.isArray(recycle.paths) ? { ...recycle, paths: [...recycle.paths] } : recycle

export function syncPolicy(input: SyncPolicyInput = {}): SyncPolicy {
  const d = DEFAULT_SYNC_POLICY
  const policy: SyncPolicy = {
    uploadPolicy: { ...d.uploadPolicy, ...defined(input.uploadPolicy) },
    downloadPolicy: { ...d.downloadPolicy, ...defined(input.downloadPolicy) },
    deletePolicy: { ...d.deletePolicy, ...defined(input.deletePolicy) },
    extractPolicy: { ...d.extractPolicy, ...defined(input.extractPolicy) },
    recyclePolicy: withFreshPaths({ ...d.recyclePolicy, ...defined(input.recyclePolicy) }),
    bwList: {
      whiteLists: (input.bwList?.whiteLists ?? d.bwList.whiteLists).map((item) => ({
        path: item.path,
        excludePaths: [...(item.excludePaths ?? [])],
      })),
    },
  }
  return input.mappingPolicy === undefined ? policy : { ...policy, mappingPolicy: { path: input.mappingPolicy.path } }
}

// ---- validation ----------------------------------------------------------------------------------

/** Glob characters: white-list and recycle paths are exact (protocol §6), so these are refused in them. */
export const WILDCARDS = /[*?[\]]/

/**
 * Throws `ValidationError` when the policy is not one the service accepts: unknown enum values,
 * non-boolean switches, or wildcard characters (`*`, `?`, `[`, `]`) in white-list, exclude or
 * recycle paths (protocol §6: they are exact paths). Call it inside `defer`, before any request.
 */
export function validateSyncPolicy(policy: SyncPolicy, where = 'policy'): void {
  requireSyncPolicyKeys(policy, where)
  const { uploadPolicy: up, downloadPolicy: down, deletePolicy: del, extractPolicy: ex, recyclePolicy: rec, bwList } = policy
  requireBoolean(up?.autoUpload, `${where}.uploadPolicy.autoUpload`)
  checkEnum(up?.uploadStrategy, UPLOAD_STRATEGIES, `${where}.uploadPolicy.uploadStrategy`)
  checkEnum(up?.uploadMode, UPLOAD_MODES, `${where}.uploadPolicy.uploadMode`)
  requireBoolean(down?.autoDownload, `${where}.downloadPolicy.autoDownload`)
  checkEnum(down?.downloadStrategy, DOWNLOAD_STRATEGIES, `${where}.downloadPolicy.downloadStrategy`)
  requireBoolean(del?.syncLocalFile, `${where}.deletePolicy.syncLocalFile`)
  requireBoolean(ex?.extract, `${where}.extractPolicy.extract`)
  requireBoolean(ex?.deleteSrcFile, `${where}.extractPolicy.deleteSrcFile`)
  requireBoolean(ex?.extractToCurrentFolder, `${where}.extractPolicy.extractToCurrentFolder`)
  checkEnum(rec?.lifecycle, LIFECYCLES, `${where}.recyclePolicy.lifecycle`)
  checkPaths(rec?.paths, `${where}.recyclePolicy.paths`)
  if (!Array.isArray(bwList?.whiteLists)) throw new ValidationError(`${where}.bwList.whiteLists must be an array`)
  bwList.whiteLists.forEach((item, index) => {
    const at = `${where}.bwList.whiteLists[${index}]`
    checkPath(item?.path, `${at}.path`)
    checkPaths(item.excludePaths, `${at}.excludePaths`)
  })
  if (policy.mappingPolicy !== undefined) {
    requireText(policy.mappingPolicy?.path, `${where}.mappingPolicy.path`)
  }
}

// The keys of a policy and of each part (complete at compile time): `{ uploadPolicy: { auto_upload:
// false } }` merged over the defaults would otherwise keep uploading without a word (issue 12).
const POLICY_KEYS = {
  uploadPolicy: true,
  downloadPolicy: true,
  deletePolicy: true,
  extractPolicy: true,
  recyclePolicy: true,
  bwList: true,
  mappingPolicy: true,
} as const satisfies KnownKeys<SyncPolicyInput> & KnownKeys<SyncPolicy>
const POLICY_PART_KEYS = {
  uploadPolicy: { autoUpload: true, uploadStrategy: true, uploadMode: true } satisfies KnownKeys<UploadPolicy>,
  downloadPolicy: { autoDownload: true, downloadStrategy: true } satisfies KnownKeys<DownloadPolicy>,
  deletePolicy: { syncLocalFile: true } satisfies KnownKeys<DeletePolicy>,
  extractPolicy: { extract: true, deleteSrcFile: true, extractToCurrentFolder: true } satisfies KnownKeys<ExtractPolicy>,
  recyclePolicy: { lifecycle: true, paths: true } satisfies KnownKeys<RecyclePolicy>,
  bwList: { whiteLists: true } satisfies KnownKeys<BWList>,
  mappingPolicy: { path: true } satisfies KnownKeys<MappingPolicy>,
} as const satisfies { readonly [Part in keyof typeof POLICY_KEYS]: Readonly<Record<string, true>> }
const WHITE_LIST_KEYS = { path: true, excludePaths: true } as const satisfies KnownKeys<WhiteList>

/**
 * The shape of a policy (whole or partial) before it is merged over the defaults: objects where
 * the policy has objects, arrays where it has lists (absent is fine), and no key it does not have,
 * at any level — with a `ValidationError` naming where (`policy.uploadPolicy`) and, for a key, the
 * one meant (`auto_upload` → `autoUpload`). A number for a part would merge as "all defaults" and a
 * string for `excludePaths` as one path per character. Values are `validateSyncPolicy`'s to check.
 */
export function requireSyncPolicyKeys(policy: unknown, where = 'policy'): void {
  if (policy === undefined) return
  requireRecord(policy, where, 'an object of policy parts')
  requireKnownKeys(policy, where, POLICY_KEYS)
  for (const [part, keys] of Object.entries(POLICY_PART_KEYS)) {
    const value = policy[part]
    if (value === undefined) continue
    requireRecord(value, `${where}.${part}`, 'an object')
    requireKnownKeys(value, `${where}.${part}`, keys)
  }
  const whiteLists = isRecord(policy['bwList']) ? policy['bwList']['whiteLists'] : undefined
  if (whiteLists === undefined) return
  if (!Array.isArray(whiteLists)) throw new ValidationError(`${where}.bwList.whiteLists must be an array, got ${describeValue(whiteLists)}`)
  whiteLists.forEach((item: unknown, index) => {
    const at = `${where}.bwList.whiteLists[${index}]`
    requireRecord(item, at, 'an object like { path, excludePaths }')
    requireKnownKeys(item, at, WHITE_LIST_KEYS)
    if (item['excludePaths'] !== undefined && !Array.isArray(item['excludePaths'])) {
      throw new ValidationError(`${at}.excludePaths must be an array of paths, got ${describeValue(item['excludePaths'])}`)
    }
  })
}

function requireRecord(value: unknown, at: string, what: string): asserts value is JsonObject {
  if (!isRecord(value)) throw new ValidationError(`${at} must be ${what}, got ${describeValue(value)}`)
}

function checkEnum(value: unknown, allowed: readonly string[], at: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ValidationError(`${at} must be one of ${allowed.join(', ')}; got ${describeChoice(value, allowed)}`)
  }
}

function checkPaths(paths: unknown, at: string): void {
  if (!Array.isArray(paths)) throw new ValidationError(`${at} must be an array of paths`)
  paths.forEach((path, index) => checkPath(path, `${at}[${index}]`))
}

function checkPath(path: unknown, at: string): void {
  if (typeof path !== 'string') throw new ValidationError(`${at} must be a string, got ${describeValue(path)}`)
  requireNoControlCharacter(path, at)
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
  return SyncPolicyFromJson.encode(policy)
}

// ---- wire codec ----------------------------------------------------------------------------------

/**
 * The `Policy` field of a `PersistenceDataList` item (protocol §6), both ways, shared by the SDK
 * (encode, through `serializePolicy`) and the emulator (decode).
 *
 * Encoding writes every part field by field, keys in protocol order, so the output never carries
 * stray keys or depends on the caller's key order.
 *
 * Decoding is a tolerant reader of every serialization §6 lists: a JSON string (double-encoded
 * too; blank means the defaults), an object, `null` or nothing; any part or field missing or
 * `null` takes its default (TS browser context, Go `omitempty`); `whiteLists` empty means the
 * default; `"true"`/`"false"` strings count as booleans (the TS core's coercion, §2.3). Anything
 * else fails with the path of the field, e.g. `bwList.whiteLists[0].path`: wrong types, values
 * outside the §6 enumerations, and wildcards in paths, which the SDKs reject too. Written as one
 * `t.Type` rather than composed from `t.type`/`t.partial`, because every level needs "missing or
 * `null` means the default" and the first failure must be stable (see `readPolicy`).
 *
 * @example
 * SyncPolicyFromJson.decode('{"uploadPolicy":{"autoUpload":false}}') // Right: defaults elsewhere
 * @see serializePolicy
 */
export const SyncPolicyFromJson = /*#__PURE__*/ new t.Type<SyncPolicy, string, unknown>(
  'SyncPolicyFromJson',
  (u): u is SyncPolicy => {
    try {
      validateSyncPolicy(u as SyncPolicy)
      return true
    } catch {
      return false
    }
  },
  (u, c) => {
    try {
      return t.success(readPolicy(u, c))
    } catch (error) {
      if (error instanceof PolicyFieldError) return t.failure(error.value, error.context, error.message)
      throw error
    }
  },
  (policy) => JSON.stringify(wirePolicy(policy)),
)

function wirePolicy(policy: SyncPolicy): Record<string, unknown> {
  const { uploadPolicy: up, downloadPolicy: down, deletePolicy: del, extractPolicy: ex, recyclePolicy: rec } = policy
  const wire: Record<string, unknown> = {
    uploadPolicy: { autoUpload: up.autoUpload, uploadStrategy: up.uploadStrategy, uploadMode: up.uploadMode },
    downloadPolicy: { autoDownload: down.autoDownload, downloadStrategy: down.downloadStrategy },
    deletePolicy: { syncLocalFile: del.syncLocalFile },
    extractPolicy: { extract: ex.extract, deleteSrcFile: ex.deleteSrcFile, extractToCurrentFolder: ex.extractToCurrentFolder },
    recyclePolicy: { lifecycle: rec.lifecycle, paths: [...rec.paths] },
    bwList: { whiteLists: policy.bwList.whiteLists.map((item) => ({ path: item.path, excludePaths: [...item.excludePaths] })) },
  }
  if (policy.mappingPolicy !== undefined) wire['mappingPolicy'] = { path: policy.mappingPolicy.path }
  return wire
}

/** A decode failure at one field; caught in `SyncPolicyFromJson.validate` and turned into `t.failure`. */
class PolicyFieldError extends Error {
  constructor(
    readonly value: unknown,
    readonly context: t.Context,
    message: string,
  ) {
    super(message)
  }
}

type JsonObject = Record<string, unknown>
const isRecord = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)
const absent = (value: unknown): value is null | undefined => value === undefined || value === null
const at = (c: t.Context, key: string | number): t.Context => t.appendContext(c, String(key), t.unknown, undefined)
const fail = (value: unknown, c: t.Context, message: string): never => {
  throw new PolicyFieldError(value, c, message)
}

/**
 * The checks run in a fixed order (the order the emulator has always reported them in), so the
 * first failure of a policy with several is stable: parts, upload mode, the switches the emulator
 * acts on, the white list, then the fields it only records.
 */
function readPolicy(raw: unknown, c: t.Context): SyncPolicy {
  let value = raw
  // A JSON string inside the JSON array (§3.1); tolerate one extra level of encoding.
  for (let depth = 0; typeof value === 'string' && depth < 2; depth++) {
    if (value.trim() === '') return DEFAULT_SYNC_POLICY
    try {
      value = JSON.parse(value) as unknown
    } catch {
      fail(raw, c, 'not valid JSON')
    }
  }
  if (absent(value)) return DEFAULT_SYNC_POLICY
  if (!isRecord(value)) return fail(value, c, 'expected a JSON object')
  const part = (key: keyof SyncPolicy): JsonObject => {
    const found = value[key]
    if (absent(found)) return {}
    return isRecord(found) ? found : fail(found, c, `${key} must be an object`)
  }
  const up = part('uploadPolicy')
  const down = part('downloadPolicy')
  const del = part('deletePolicy')
  const bw = part('bwList')
  const ex = part('extractPolicy')
  const rec = part('recyclePolicy')
  const mapping = value['mappingPolicy']
  if (!absent(mapping) && !isRecord(mapping)) fail(mapping, c, 'mappingPolicy must be an object')
  const d = DEFAULT_SYNC_POLICY
  const uploadMode = oneOf(up['uploadMode'], UPLOAD_MODES, d.uploadPolicy.uploadMode, c, 'uploadMode')
  const inPart = (key: string, field: string): t.Context => at(at(c, key), field)
  const autoUpload = bool(up['autoUpload'], d.uploadPolicy.autoUpload, inPart('uploadPolicy', 'autoUpload'))
  const autoDownload = bool(down['autoDownload'], d.downloadPolicy.autoDownload, inPart('downloadPolicy', 'autoDownload'))
  const syncLocalFile = bool(del['syncLocalFile'], d.deletePolicy.syncLocalFile, inPart('deletePolicy', 'syncLocalFile'))
  const whiteLists = readWhiteLists(bw['whiteLists'], inPart('bwList', 'whiteLists'))
  const policy: SyncPolicy = {
    uploadPolicy: {
      autoUpload,
      uploadStrategy: oneOf(up['uploadStrategy'], UPLOAD_STRATEGIES, d.uploadPolicy.uploadStrategy, c, 'uploadStrategy'),
      uploadMode,
    },
    downloadPolicy: {
      autoDownload,
      downloadStrategy: oneOf(down['downloadStrategy'], DOWNLOAD_STRATEGIES, d.downloadPolicy.downloadStrategy, c, 'downloadStrategy'),
    },
    deletePolicy: { syncLocalFile },
    extractPolicy: {
      extract: bool(ex['extract'], d.extractPolicy.extract, inPart('extractPolicy', 'extract')),
      deleteSrcFile: bool(ex['deleteSrcFile'], d.extractPolicy.deleteSrcFile, inPart('extractPolicy', 'deleteSrcFile')),
      extractToCurrentFolder: bool(ex['extractToCurrentFolder'], d.extractPolicy.extractToCurrentFolder, inPart('extractPolicy', 'extractToCurrentFolder')),
    },
    recyclePolicy: {
      lifecycle: oneOf(rec['lifecycle'], LIFECYCLES, d.recyclePolicy.lifecycle, c, 'lifecycle'),
      paths: absent(rec['paths']) ? d.recyclePolicy.paths : readPaths(rec['paths'], inPart('recyclePolicy', 'paths')),
    },
    bwList: { whiteLists },
  }
  if (!isRecord(mapping)) return policy
  const mappingPath = mapping['path']
  if (typeof mappingPath !== 'string' || mappingPath.trim() === '') fail(mappingPath, inPart('mappingPolicy', 'path'), 'expected a non-empty string')
  return { ...policy, mappingPolicy: { path: mappingPath as string } }
}

const bool = (value: unknown, fallback: boolean, c: t.Context): boolean => {
  if (absent(value)) return fallback
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
  return fail(value, c, 'expected a boolean')
}

/** An enumeration value; reported on the whole policy as `<name> must be A or B` (the emulator's wording). */
function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, c: t.Context, name: string): T {
  if (absent(value)) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  const choices = allowed.length === 1 ? allowed[0]! : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]!}`
  return fail(value, c, `${name} must be ${choices}`)
}

/** An exact path (protocol §6); `null` or missing means `''`, everything. */
const readPath = (value: unknown, c: t.Context): string => {
  if (absent(value)) return ''
  if (typeof value !== 'string') return fail(value, c, 'expected a string')
  if (WILDCARDS.test(value)) fail(value, c, 'wildcards are not supported')
  return value
}

const readPaths = (value: unknown, c: t.Context): string[] => {
  if (!Array.isArray(value)) return fail(value, c, 'expected an array')
  return value.map((path: unknown, index) => readPath(path, at(c, index)))
}

const readWhiteLists = (value: unknown, c: t.Context): WhiteList[] => {
  if (absent(value) || (Array.isArray(value) && value.length === 0)) return [...DEFAULT_SYNC_POLICY.bwList.whiteLists]
  if (!Array.isArray(value)) return fail(value, c, 'expected an array')
  return value.map((item: unknown, index) => {
    const itemContext = at(c, index)
    if (!isRecord(item)) return fail(item, itemContext, 'expected an object')
    const excludes = item['excludePaths']
    const excludesContext = at(itemContext, 'excludePaths')
    if (!absent(excludes) && !Array.isArray(excludes)) fail(excludes, excludesContext, 'expected an array')
    return {
      path: readPath(item['path'], at(itemContext, 'path')),
      excludePaths: absent(excludes) ? [] : readPaths(excludes, excludesContext),
    }
  })
}

/** The object without its `undefined` values, so they never override a default (style §5). */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {}
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

// ---- official names ------------------------------------------------------------------------------
// The official SDKs' builder names, so a port is mechanical (issue 12 item 7): TypeScript's
// `newSyncPolicy()`, `newUploadPolicy()`, … and Python's `SyncPolicy.default()`,
// `UploadPolicy.default()`, …. Each gives a fresh deep copy of exactly what `syncPolicy()` gives,
// so changing one never touches the defaults or another copy.

/** Official builders take no arguments; one given (e.g. a partial policy) would be silently ignored. */
function noArguments(count: number, name: string, instead: string): void {
  if (count > 0) throw new ValidationError(`${name}() takes no arguments (it returns the defaults); use ${instead}`)
}

/**
 * The complete default policy (protocol §6), as the official `newSyncPolicy()` returns it.
 *
 * @example
 * agentBay.create({ contextSync: [ContextSync.new(ctx.id, '/home/wuying/data', newSyncPolicy())] })
 * @see syncPolicy
 */
export function newSyncPolicy(): SyncPolicy {
  noArguments(arguments.length, 'newSyncPolicy', 'newSyncPolicyWithDefaults(partial) or syncPolicy(partial)')
  return structuredClone(syncPolicy())
}

/**
 * The official `newSyncPolicyWithDefaults(partial)`: `syncPolicy(partial)`, validated at once.
 * Unlike the official `SyncPolicyImpl`, it keeps `mappingPolicy` (protocol §7.11). Throws
 * `ValidationError` on a part name it does not know (e.g. Python's `upload_policy`) or an invalid value.
 *
 * @example
 * newSyncPolicyWithDefaults({ uploadPolicy: { autoUpload: false } })
 * @see syncPolicy
 */
export function newSyncPolicyWithDefaults(policy: SyncPolicyInput = {}): SyncPolicy {
  requireSyncPolicyKeys(policy)
  const full = syncPolicy(policy)
  validateSyncPolicy(full)
  return structuredClone(full)
}

/** The official `newUploadPolicy()`: the default upload policy. */
export function newUploadPolicy(): UploadPolicy {
  noArguments(arguments.length, 'newUploadPolicy', "syncPolicy({ uploadPolicy: { … } }).uploadPolicy")
  return newSyncPolicy().uploadPolicy
}

/** The official `newDownloadPolicy()`: the default download policy. */
export function newDownloadPolicy(): DownloadPolicy {
  noArguments(arguments.length, 'newDownloadPolicy', "syncPolicy({ downloadPolicy: { … } }).downloadPolicy")
  return newSyncPolicy().downloadPolicy
}

/** The official `newDeletePolicy()`: the default delete policy. */
export function newDeletePolicy(): DeletePolicy {
  noArguments(arguments.length, 'newDeletePolicy', "syncPolicy({ deletePolicy: { … } }).deletePolicy")
  return newSyncPolicy().deletePolicy
}

/** The official `newExtractPolicy()`: the default extract policy. */
export function newExtractPolicy(): ExtractPolicy {
  noArguments(arguments.length, 'newExtractPolicy', "syncPolicy({ extractPolicy: { … } }).extractPolicy")
  return newSyncPolicy().extractPolicy
}

/** The official `newRecyclePolicy()`: the default recycle policy. */
export function newRecyclePolicy(): RecyclePolicy {
  noArguments(arguments.length, 'newRecyclePolicy', "syncPolicy({ recyclePolicy: { … } }).recyclePolicy")
  return newSyncPolicy().recyclePolicy
}

/** A Python-style `X.default()` holder; the value shares its name with the type, as in the official SDK. */
export interface PolicyDefaults<T> {
  /** The defaults (protocol §6), a fresh copy. Takes no arguments. */
  readonly default: () => T
}

const defaultOf = <T>(name: string, build: () => T): PolicyDefaults<T> =>
  Object.freeze({
    default: function (): T {
      noArguments(arguments.length, `${name}.default`, 'syncPolicy(partial) (Python keyword arguments become an object)')
      return build()
    },
  })

/** Python's `SyncPolicy.default()`; the same as `newSyncPolicy()`. */
export const SyncPolicy: PolicyDefaults<SyncPolicy> = /*#__PURE__*/ defaultOf('SyncPolicy', () => newSyncPolicy())
/** Python's `UploadPolicy.default()`; the same as `newUploadPolicy()`. */
export const UploadPolicy: PolicyDefaults<UploadPolicy> = /*#__PURE__*/ defaultOf('UploadPolicy', () => newUploadPolicy())
/** Python's `DownloadPolicy.default()`; the same as `newDownloadPolicy()`. */
export const DownloadPolicy: PolicyDefaults<DownloadPolicy> = /*#__PURE__*/ defaultOf('DownloadPolicy', () => newDownloadPolicy())
/** Python's `DeletePolicy.default()`; the same as `newDeletePolicy()`. */
export const DeletePolicy: PolicyDefaults<DeletePolicy> = /*#__PURE__*/ defaultOf('DeletePolicy', () => newDeletePolicy())
/** Python's `ExtractPolicy.default()`; the same as `newExtractPolicy()`. */
export const ExtractPolicy: PolicyDefaults<ExtractPolicy> = /*#__PURE__*/ defaultOf('ExtractPolicy', () => newExtractPolicy())
/** Python's `RecyclePolicy.default()`; the same as `newRecyclePolicy()`. */
export const RecyclePolicy: PolicyDefaults<RecyclePolicy> = /*#__PURE__*/ defaultOf('RecyclePolicy', () => newRecyclePolicy())
