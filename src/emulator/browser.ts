import { EMULATOR_CODES, RpcFailure } from './errors.js'

/**
 * Browser support (official-sdk-calls §5). The official SDKs send a browser session's data
 * (`/tmp/agentbay_browser`, `/tmp/extensions/`, `/tmp/browser_fingerprint`) as ordinary
 * `PersistenceDataList` items, so the emulator mounts and syncs them like any other context.
 * What is out of reach is a running browser: the actions below need one (§5.2), so they are
 * answered with `notSupportedByEmulator` rather than the 404 of an unknown action, which the
 * official SDKs would misread (as a missing session, or a missing API).
 */
export const BROWSER_ONLY_ACTIONS = ['InitBrowser'] as const

/** The refusal of a browser-only action: 400, its own code, and a message without "NotFound". */
export const notSupportedByEmulator = (action: string): RpcFailure =>
  new RpcFailure(EMULATOR_CODES.notSupported, `${action} is not supported by the emulator: it runs no browser`)
