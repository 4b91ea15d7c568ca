import { invalidParameter } from './errors.js'
import { isWithin, toSegments, type SafeSegments } from './paths.js'

/**
 * The parts of a SyncPolicy (protocol §6) the emulator acts on, with defaults filled in.
 * `uploadMode: 'Archive'` is accepted and recorded but files are stored one by one, exactly as
 * with `'File'`: the observable result (files in the context) is the same, and the emulator does
 * not model the archive/extract step. `recyclePolicy` and `extractPolicy` are ignored.
 */
export interface SyncPolicy {
  readonly autoUpload: boolean
  readonly autoDownload: boolean
  readonly uploadMode: 'File' | 'Archive'
  /** deletePolicy.syncLocalFile: an upload removes stored files the session no longer has. */
  readonly syncLocalFile: boolean
  readonly whiteLists: readonly WhiteListEntry[]
}

/** bwList.whiteLists[]: a path relative to the mount path, minus excluded sub-paths. */
export interface WhiteListEntry {
  readonly path: string
  readonly excludePaths: readonly string[]
}

export const DEFAULT_SYNC_POLICY: SyncPolicy = {
  autoUpload: true,
  autoDownload: true,
  uploadMode: 'File',
  syncLocalFile: true,
  whiteLists: [{ path: '', excludePaths: [] }],
}

/**
 * Reads a `Policy` value in any of the serializations of protocol §6: absent, `null`, a JSON
 * string (possibly double-encoded), or an object; each part missing or `null` (TS browser
 * context); `whiteLists` missing, `null` or `[]`; `excludePaths` omitted (Go `omitempty`).
 */
export function parseSyncPolicy(raw: unknown, field = 'Policy'): SyncPolicy {
  let value = raw
  // A JSON string inside the JSON array (§3.1); tolerate one extra level of encoding.
  for (let depth = 0; typeof value === 'string' && depth < 2; depth++) {
    if (value.trim() === '') return DEFAULT_SYNC_POLICY
    try {
      value = JSON.parse(value) as unknown
    } catch {
      throw invalidParameter(field, 'not valid JSON')
    }
  }
  if (value === undefined || value === null) return DEFAULT_SYNC_POLICY
  if (!isRecord(value)) throw invalidParameter(field, 'expected a JSON object')

  const upload = part(value, 'uploadPolicy', field)
  const download = part(value, 'downloadPolicy', field)
  const deletion = part(value, 'deletePolicy', field)
  const bwList = part(value, 'bwList', field)
  const uploadMode = upload['uploadMode'] ?? 'File'
  if (uploadMode !== 'File' && uploadMode !== 'Archive') throw invalidParameter(field, 'uploadMode must be File or Archive')
  return {
    autoUpload: bool(upload['autoUpload'], DEFAULT_SYNC_POLICY.autoUpload, `${field}.uploadPolicy.autoUpload`),
    autoDownload: bool(download['autoDownload'], DEFAULT_SYNC_POLICY.autoDownload, `${field}.downloadPolicy.autoDownload`),
    uploadMode,
    syncLocalFile: bool(deletion['syncLocalFile'], DEFAULT_SYNC_POLICY.syncLocalFile, `${field}.deletePolicy.syncLocalFile`),
    whiteLists: whiteLists(bwList['whiteLists'], `${field}.bwList.whiteLists`),
  }
}

// ---- selection ---------------------------------------------------------------------------------

/** Decides whether a file (segments relative to the mount path) is covered by the policy's bwList. */
export type PathSelector = (relative: SafeSegments) => boolean

export function selectorFor(policy: SyncPolicy): PathSelector {
  const entries = policy.whiteLists.map((entry) => ({
    path: toSegments(entry.path, 'whiteLists.path'),
    excludes: entry.excludePaths.map((exclude) => toSegments(exclude, 'excludePaths')),
  }))
  return (relative) =>
    entries.some((entry) => isWithin(relative, entry.path) && !entry.excludes.some((exclude) => isWithin(relative, exclude)))
}

// ---- internals ---------------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const part = (policy: Record<string, unknown>, key: string, field: string): Record<string, unknown> => {
  const value = policy[key]
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) throw invalidParameter(field, `${key} must be an object`)
  return value
}

const bool = (value: unknown, fallback: boolean, field: string): boolean => {
  if (value === undefined || value === null) return fallback
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
  throw invalidParameter(field, 'expected a boolean')
}

const WILDCARDS = /[*?[\]]/

const checkedPath = (value: unknown, field: string): string => {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string') throw invalidParameter(field, 'expected a string')
  // protocol §6: the SDKs reject wildcards; so do we, rather than treat them literally.
  if (WILDCARDS.test(value)) throw invalidParameter(field, 'wildcards are not supported')
  toSegments(value, field)
  return value
}

const whiteLists = (value: unknown, field: string): WhiteListEntry[] => {
  if (value === undefined || value === null) return [...DEFAULT_SYNC_POLICY.whiteLists]
  if (!Array.isArray(value)) throw invalidParameter(field, 'expected an array')
  if (value.length === 0) return [...DEFAULT_SYNC_POLICY.whiteLists]
  return value.map((item: unknown, index) => {
    if (!isRecord(item)) throw invalidParameter(`${field}[${index}]`, 'expected an object')
    const excludes = item['excludePaths']
    if (excludes !== undefined && excludes !== null && !Array.isArray(excludes))
      throw invalidParameter(`${field}[${index}].excludePaths`, 'expected an array')
    return {
      path: checkedPath(item['path'], `${field}[${index}].path`),
      excludePaths: (excludes ?? []).map((exclude: unknown, i: number) =>
        checkedPath(exclude, `${field}[${index}].excludePaths[${i}]`),
      ),
    }
  })
}
