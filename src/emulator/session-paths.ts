import { BROWSER_EXTENSIONS_PATH } from '../wire/policy/browser-context.js'
import { isWithin, toAbsoluteSegments, type SafeSegments } from './paths.js'

/**
 * Contexts whose `FilePath` namespace is the session's absolute paths (calls doc §4.2 and §5.3):
 * the official SDKs upload `/tmp/file-transfer/x` or `/tmp/extensions/<id>.zip` into such a
 * context and expect the file at that very path in the session. Any other context stores files
 * relative to its mount path (protocol §6), so one context can be mounted anywhere.
 *
 * One rule for both kinds: a session path below one of these folders is stored at the same path
 * inside its context. File transfer copies single paths by it, and a mount at (or below) one of
 * these folders syncs its context's subtree at the mount path instead of the context's root.
 */

/** calls doc §4.1: documented as typically `/tmp/file-transfer/`, trailing slash included. */
export const FILE_TRANSFER_PATH = '/tmp/file-transfer/'

/** File transfer's folder, and the extension item's mount path (calls doc §5.1/§5.3), the wire's one constant for it. */
const SESSION_PATH_FOLDERS: readonly SafeSegments[] = [FILE_TRANSFER_PATH, BROWSER_EXTENSIONS_PATH].map((path) => toAbsoluteSegments(path, 'Path'))

/** True when files below `path` (session segments) are stored at their session path in the context. */
export const storesSessionPaths = (path: SafeSegments): boolean => SESSION_PATH_FOLDERS.some((folder) => isWithin(path, folder))

/**
 * Where a session path's content lives inside its context: the same segments for a
 * session-path context, the context's root for a mount of any other kind.
 */
export const contextFolderOf = (path: SafeSegments): SafeSegments => (storesSessionPaths(path) ? path : [])
