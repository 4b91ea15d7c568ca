import { isAction, type Action } from '../../wire/protocol.js'
import { BROWSER_ONLY_ACTIONS } from '../browser.js'
import type { ActionBody } from '../envelope.js'
import type { BodyHandler } from './common.js'
import { clearContext, deleteContext, getContext, getContextInfo, listContexts, modifyContext, syncContext } from './contexts.js'
import { getAndLoadInternalContext } from './file-transfer.js'
import {
  callMcpTool,
  deleteContextFile,
  describeContextFiles,
  getContextFileDownloadUrl,
  getContextFileUploadUrl,
} from './files.js'
import {
  browserOnlyAction,
  createMcpSession,
  deleteSessionAsync,
  getLabel,
  getMcpResource,
  getSession,
  getSessionDetail,
  listMcpTools,
  listSession,
  pauseSessionAsync,
  resumeSessionAsync,
  setLabel,
} from './sessions.js'

/** The action → handler registry; `satisfies` makes a missing action a compile error (style §14). */
export const HANDLERS = {
  CreateMcpSession: createMcpSession,
  DeleteSessionAsync: deleteSessionAsync,
  // protocol §3.3: superseded by DeleteSessionAsync; the emulator treats both alike.
  ReleaseMcpSession: deleteSessionAsync,
  GetSession: getSession,
  GetSessionDetail: getSessionDetail,
  ListSession: listSession,
  GetContext: getContext,
  ListContexts: listContexts,
  ModifyContext: modifyContext,
  DeleteContext: deleteContext,
  ClearContext: clearContext,
  GetContextInfo: getContextInfo,
  SyncContext: syncContext,
  DescribeContextFiles: describeContextFiles,
  GetContextFileUploadUrl: getContextFileUploadUrl,
  GetContextFileDownloadUrl: getContextFileDownloadUrl,
  DeleteContextFile: deleteContextFile,
  CallMcpTool: callMcpTool,
  SetLabel: setLabel,
  GetLabel: getLabel,
  GetAndLoadInternalContext: getAndLoadInternalContext,
} as const satisfies { [A in Action]: BodyHandler<ActionBody<A>> }

// ---- actions only the official SDKs call (issue 11 items 4, 6) ---------------------------------
// Not in the wire `ACTIONS`: agentbay-rx's client never sends them, so they have no shared codec.

const OFFICIAL_ONLY_HANDLERS: ReadonlyMap<string, BodyHandler<object>> = new Map<string, BodyHandler<object>>([
  ['GetMcpResource', getMcpResource],
  ['ListMcpTools', listMcpTools],
  ['PauseSessionAsync', pauseSessionAsync],
  ['ResumeSessionAsync', resumeSessionAsync],
  ...BROWSER_ONLY_ACTIONS.map((action): [string, BodyHandler<object>] => [action, browserOnlyAction(action)]),
])

/** The handler of `action`, or `undefined` when the emulator does not know it (a `Map`: `__proto__` is no action). */
export const handlerFor = (action: string): BodyHandler<object> | undefined =>
  isAction(action) ? HANDLERS[action] : OFFICIAL_ONLY_HANDLERS.get(action)

export type { Handler } from './common.js'
export { finishDeletion, SETTLED_STATUS } from './sessions.js'
export { finishClearing } from './contexts.js'
