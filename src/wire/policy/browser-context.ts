import { describeType, requireBoolean, requireKnownKeys, requireOptions, requireText, type KnownKeys } from '../../shared/arguments.js'
import { ValidationError } from '../../shared/errors/validation-error.js'
import { WILDCARDS } from './sync-policy.js'

// ---- model ---------------------------------------------------------------------------------------

/** official-sdk-calls §5.1: where the service mounts a browser's user data (also `InitBrowser`'s `PersistentPath`). */
export const BROWSER_DATA_PATH = '/tmp/agentbay_browser'
/** §5.1: where extension zips are mounted (trailing slash, as the SDKs send it). */
export const BROWSER_EXTENSIONS_PATH = '/tmp/extensions/'
/** §5.1: where the browser fingerprint is persisted (`fingerprint.json` inside, §5.2). */
export const BROWSER_FINGERPRINT_PATH = '/tmp/browser_fingerprint'

/**
 * Browser extensions to mount: the id of the context that stores them and the extension ids
 * (file names such as `ext_<32 hex>.zip`, official-sdk-calls §5.3). Same fields as the official
 * `ExtensionOption`.
 */
export class ExtensionOption {
  constructor(
    /** The context holding the extension zips (under `/tmp/extensions/` in it). */
    readonly contextId: string,
    /** The extensions to mount, by file name; only these are mounted and unpacked. */
    readonly extensionIds: readonly string[],
  ) {}
}

/** A context that keeps the browser fingerprint across sessions (official `BrowserFingerprintContext`). */
export class BrowserFingerprintContext {
  constructor(
    /** The context that stores `fingerprint.json`. */
    readonly fingerprintContextId: string,
  ) {}
}

/**
 * What `agentBay.create({ browserContext })` accepts: a plain object or a `BrowserContext`.
 * `autoUpload` (default true, as in the official SDKs) uploads the browser data when the session
 * is released; `delete({ syncContext: true })` uploads it either way.
 */
export interface BrowserContextOptions {
  /** The context that holds the browser's user data (cookies, local state…). */
  readonly contextId: string
  /** Upload the browser data at release. Default true. */
  readonly autoUpload?: boolean
  /** Extensions to mount at `/tmp/extensions/` (never uploaded back). */
  readonly extensionOption?: ExtensionOption | undefined
  /** A context for the fingerprint at `/tmp/browser_fingerprint` (uploaded only by delete with sync). */
  readonly fingerprintContext?: BrowserFingerprintContext | undefined
}

/**
 * The official `BrowserContext(contextId, autoUpload = true, extensionOption?, fingerprintContext?)`,
 * positional like there. Arguments are checked when the session is created (inside the
 * Observable, before any request), not here.
 *
 * @example
 * agentBay.create({ imageId: 'browser_latest', browserContext: new BrowserContext(ctx.id, true) })
 * @see browserPersistenceItems
 */
export class BrowserContext implements BrowserContextOptions {
  constructor(
    /** The context that holds the browser's user data. */
    readonly contextId: string,
    /** Upload the browser data at release. */
    readonly autoUpload: boolean = true,
    /** Extensions to mount. */
    readonly extensionOption?: ExtensionOption,
    /** A context for the fingerprint. */
    readonly fingerprintContext?: BrowserFingerprintContext,
  ) {}
}

/** One element of CreateMcpSession's `PersistenceDataList`, keys in the generated model's order. */
export interface PersistenceItem {
  readonly ContextId: string
  readonly Path: string
  readonly Policy?: string
}

// ---- serialization -------------------------------------------------------------------------------
// The policies are the official TypeScript SDK 0.15.1's, byte for byte: object literals in its
// key order, `JSON.stringify`ed as it does (official-sdk-calls §5.1; `session-params.ts`,
// `agent-bay.ts create`). They are not run through `syncPolicy()`: the browser item's `null`
// parts and the missing `downloadPolicy` of the fingerprint are part of the official wire form.

const UPLOAD_OFF = { autoUpload: false, uploadStrategy: 'UploadBeforeResourceRelease', uploadMode: 'File' }
const EXTRACT = { extract: true, deleteSrcFile: true, extractToCurrentFolder: false }
const KEEP_LOCAL_DELETES = { syncLocalFile: false }
const RECYCLE_FOREVER = { lifecycle: 'Lifecycle_Forever', paths: [''] }

/** The browser data item's `Policy`: only `autoUpload`, the other parts `null` (server defaults). */
export const browserDataPolicy = (autoUpload: boolean): string =>
  JSON.stringify({ uploadPolicy: { autoUpload }, downloadPolicy: null, deletePolicy: null, bwList: null, recyclePolicy: null })

/** The extensions item's `Policy`: only the listed ids (relative, no leading slash) are mounted and unpacked. */
export const extensionPolicy = (extensionIds: readonly string[]): string =>
  JSON.stringify({
    uploadPolicy: UPLOAD_OFF,
    extractPolicy: EXTRACT,
    deletePolicy: KEEP_LOCAL_DELETES,
    recyclePolicy: RECYCLE_FOREVER,
    bwList: { whiteLists: extensionIds.map((id) => ({ path: id, excludePaths: [] })) },
    downloadPolicy: { autoDownload: true, downloadStrategy: 'DownloadAsync' },
  })

/** The fingerprint item's `Policy` (TS form: no `downloadPolicy`, an empty white list). */
export const FINGERPRINT_POLICY = JSON.stringify({
  uploadPolicy: UPLOAD_OFF,
  extractPolicy: EXTRACT,
  deletePolicy: KEEP_LOCAL_DELETES,
  recyclePolicy: RECYCLE_FOREVER,
  bwList: { whiteLists: [] },
})

const BROWSER_CONTEXT_KEYS = { contextId: true, autoUpload: true, extensionOption: true, fingerprintContext: true } as const satisfies KnownKeys<BrowserContextOptions>
const EXTENSION_OPTION_KEYS = { contextId: true, extensionIds: true } as const satisfies KnownKeys<ExtensionOption>
const FINGERPRINT_CONTEXT_KEYS = { fingerprintContextId: true } as const satisfies KnownKeys<BrowserFingerprintContext>
const BROWSER_CONTEXT_FORM = 'browserContext: { contextId, autoUpload, extensionOption: { contextId, extensionIds }, fingerprintContext: { fingerprintContextId } }'

/**
 * The `PersistenceDataList` items a browser context adds, in the official order (§5.1): the
 * extensions item, the fingerprint item, then the browser data item (last in the whole list).
 * Throws `ValidationError` naming the field on a bad input; call it inside `defer`.
 *
 * @example
 * browserPersistenceItems({ contextId: 'SdkCtx-b' })
 * // [{ ContextId: 'SdkCtx-b', Path: '/tmp/agentbay_browser', Policy: '{"uploadPolicy":{"autoUpload":true},…}' }]
 */
export function browserPersistenceItems(browserContext: BrowserContextOptions, at = 'browserContext'): PersistenceItem[] {
  if (typeof browserContext !== 'object' || browserContext === null || Array.isArray(browserContext)) {
    throw new ValidationError(`${at} must be an object such as { contextId, autoUpload }, got ${describeType(browserContext)}`)
  }
  // `{ contextId, fingerprintContextId }` would otherwise mount no fingerprint without a word.
  requireOptions(browserContext, at, BROWSER_CONTEXT_FORM, BROWSER_CONTEXT_KEYS)
  const { contextId, autoUpload = true, extensionOption, fingerprintContext } = browserContext
  requireText(contextId, `${at}.contextId`)
  requireBoolean(autoUpload, `${at}.autoUpload`)
  const items: PersistenceItem[] = []
  if (extensionOption !== undefined) {
    const where = `${at}.extensionOption`
    if (typeof extensionOption !== 'object' || extensionOption === null) throw new ValidationError(`${where} must be an object { contextId, extensionIds }`)
    requireKnownKeys(extensionOption, where, EXTENSION_OPTION_KEYS, { use: BROWSER_CONTEXT_FORM })
    requireText(extensionOption.contextId, `${where}.contextId`)
    const ids: unknown = extensionOption.extensionIds
    if (!Array.isArray(ids) || ids.length === 0) throw new ValidationError(`${where}.extensionIds must be a non-empty array of extension ids`)
    ids.forEach((id: unknown, index) => {
      requireText(id, `${where}.extensionIds[${index}]`)
      // The ids become white-list paths, which are exact (protocol §6).
      if (WILDCARDS.test(id)) throw new ValidationError(`${where}.extensionIds[${index}] must be an exact id; wildcards (* ? [ ]) are not supported: ${JSON.stringify(id)}`)
    })
    items.push({ ContextId: extensionOption.contextId, Path: BROWSER_EXTENSIONS_PATH, Policy: extensionPolicy(ids as string[]) })
  }
  if (fingerprintContext !== undefined) {
    const where = `${at}.fingerprintContext`
    if (typeof fingerprintContext !== 'object' || fingerprintContext === null) throw new ValidationError(`${where} must be an object { fingerprintContextId }`)
    requireKnownKeys(fingerprintContext, where, FINGERPRINT_CONTEXT_KEYS, { use: BROWSER_CONTEXT_FORM })
    requireText(fingerprintContext.fingerprintContextId, `${where}.fingerprintContextId`)
    items.push({ ContextId: fingerprintContext.fingerprintContextId, Path: BROWSER_FINGERPRINT_PATH, Policy: FINGERPRINT_POLICY })
  }
  items.push({ ContextId: contextId, Path: BROWSER_DATA_PATH, Policy: browserDataPolicy(autoUpload) })
  return items
}
