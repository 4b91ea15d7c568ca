// agentbay-rx/wire: the protocol as data — constants, io-ts codecs, decoders, serialisers — and the
// seams below the client (transport and rpc types, constructor deps), for the few who build on the
// wire directly: custom transports, proxies, other emulators. Users of the client need only the root
// entry. Named exports only (style §12); changes show in test/api/wire.api.md (issue 10 item 6).

// ---- protocol ------------------------------------------------------------------------------------
export { ACTIONS, API_VERSION, DEFAULT_ENDPOINT, SYNC_MODES, TASK_STATUS, type Action, type SyncMode } from '../wire/protocol.js'

// ---- codecs and decoding -------------------------------------------------------------------------
export { ContextStatusData, ContextStatusFromString, EpochSeconds } from '../wire/codecs/context-status.js'
export { JsonFromString } from '../wire/codecs/json-from-string.js'
export { LabelsFromString } from '../wire/codecs/labels.js'
export { Envelope } from '../wire/codecs/envelope.js'
export { ContextRecord, ContextFileRecord, RESPONSE_CODECS, type ResponseBody } from '../wire/codecs/actions.js'
export { ClearState, ClearStatusBody, clearStateOf } from '../wire/codecs/clear-state.js'
export { decodeContextStatusData, decodeContextStatus } from '../wire/codecs/from-dict.js'

// ---- request serialisation -----------------------------------------------------------------------
export { serializePolicy } from '../wire/policy/sync-policy.js'
export { serializePersistenceDataList } from '../wire/policy/context-sync.js'
export { FINGERPRINT_POLICY, browserDataPolicy, browserPersistenceItems, extensionPolicy, type BrowserContextOptions, type BrowserFingerprintContext, type ExtensionOption, type PersistenceItem } from '../wire/policy/browser-context.js'
export {
  FileChangeEvent,
  decodeBinaryChunk,
  parseDirectoryListing,
  parseFileChanges,
  parseFileInfo,
  parseMultipleFiles,
  parseSearchResults,
  splitWriteContent,
} from '../wire/file-tools.js'
export { endpointToBaseUrl, isLoopbackHost } from '../http/config.js'
export { redactUrl } from '../shared/redact.js'

// ---- seams below the client ----------------------------------------------------------------------
export type { Transport } from '../http/transport.js'
export type { RawResponse, RpcRequest } from '../wire/messages.js'
export type { Rpc, RpcResponse } from '../rpc/rpc.js'
export type { ContextManagerDeps } from '../sync/context-manager.js'
export type { ContextServiceDeps } from '../contexts/context-service.js'
export type { SessionDeps } from '../sessions/types.js'
export type { FileTransferDeps } from '../sessions/file-transfer.js'
export { walkPages, type Page } from '../rpc/paging.js'
