import { describeErrors } from '../wire/codecs/decode.js'
import { SyncPolicyFromJson, type SyncPolicy } from '../wire/policy/sync-policy.js'
import { invalidParameter } from './errors.js'
import { isWithin, toAbsoluteSegments, toSegments, type SafeSegments } from './paths.js'

/**
 * Reads a `Policy` value (protocol §6) with the SDK's own codec, so both sides share one
 * definition, defaults included; any of the §6 serializations is accepted (see
 * `SyncPolicyFromJson`). White-list and exclude paths must also stay inside the mount, and a
 * `mappingPolicy.path` must be an absolute path (POSIX or Windows drive) that stays in a sandbox.
 *
 * Of the policy the emulator acts on `autoUpload`, `autoDownload`, `deletePolicy.syncLocalFile`,
 * `extractPolicy` (downloaded `.zip` files are unpacked, `extract.ts`) and `bwList`.
 * `uploadMode: 'Archive'` is accepted but files are stored one by one, exactly as with `'File'`:
 * the observable result (files in the context) is the same. Strategies, `recyclePolicy` and
 * `mappingPolicy` are checked and recorded, not acted on:
 * a context stores its files relative to the mount, so data written under `c:\…\Downloads`
 * appears under any other mount path, mapped or not.
 */
export function parseSyncPolicy(raw: unknown, field = 'Policy'): SyncPolicy {
  const decoded = SyncPolicyFromJson.decode(raw)
  if (decoded._tag === 'Left') {
    const { path, reason } = describeErrors(decoded.left)
    throw invalidParameter(path === '' ? field : `${field}.${path}`, reason)
  }
  decoded.right.bwList.whiteLists.forEach((entry, index) => {
    const at = `${field}.bwList.whiteLists[${index}]`
    toSegments(entry.path, `${at}.path`)
    entry.excludePaths.forEach((exclude, i) => toSegments(exclude, `${at}.excludePaths[${i}]`))
  })
  const mapping = decoded.right.mappingPolicy
  if (mapping !== undefined) toAbsoluteSegments(mapping.path, `${field}.mappingPolicy.path`)
  return decoded.right
}

// ---- selection ---------------------------------------------------------------------------------

/** Decides whether a file (segments relative to the mount path) is covered by the policy's bwList. */
export type PathSelector = (relative: SafeSegments) => boolean

/**
 * White-list paths are relative to the mount; each exclude is relative to its own white-list
 * entry (protocol §6, corrected): `/src` minus `/node_modules` skips `<mount>/src/node_modules`.
 */
export function selectorFor(policy: SyncPolicy): PathSelector {
  const entries = policy.bwList.whiteLists.map((entry) => {
    const path = toSegments(entry.path, 'whiteLists.path')
    return { path, excludes: entry.excludePaths.map((exclude) => [...path, ...toSegments(exclude, 'excludePaths')]) }
  })
  return (relative) =>
    entries.some((entry) => isWithin(relative, entry.path) && !entry.excludes.some((exclude) => isWithin(relative, exclude)))
}
