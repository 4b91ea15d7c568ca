import type { Action } from '../../wire/protocol.js'
import type { ActionBody } from '../envelope.js'
import type { BodyHandler } from './common.js'
import { clearContext, deleteContext, getContext, getContextInfo, listContexts, modifyContext, syncContext } from './contexts.js'
import {
  callMcpTool,
  deleteContextFile,
  describeContextFiles,
  getContextFileDownloadUrl,
  getContextFileUploadUrl,
} from './files.js'
import { createMcpSession, deleteSessionAsync, getSession, getSessionDetail, listSession } from './sessions.js'

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
} as const satisfies { [A in Action]: BodyHandler<ActionBody<A>> }

export type { Handler } from './common.js'
export { finishDeletion } from './sessions.js'
export { finishClearing } from './contexts.js'
