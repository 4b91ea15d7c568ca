import * as t from 'io-ts'
import type { Action } from '../protocol.js'
import { ContextStatusFromString } from './context-status.js'
import { LabelsFromString } from './labels.js'

// ---- shared shapes -----------------------------------------------------------------------

/** protocol §3.7: a context as returned by GetContext / ListContexts. */
export const ContextRecord = /*#__PURE__*/ t.intersection(
  [
    t.type({ Id: t.string, Name: t.string }),
    t.partial({ State: t.string, CreateTime: t.string, LastUsedTime: t.string, OsType: t.string }),
  ],
  'ContextRecord',
)
export type ContextRecord = t.TypeOf<typeof ContextRecord>

/** protocol §3.14 */
export const ContextFileRecord = /*#__PURE__*/ t.intersection(
  [
    t.type({ FilePath: t.string, Size: t.number }),
    t.partial({
      FileId: t.string,
      FileName: t.string,
      FileType: t.string,
      GmtCreate: t.string,
      GmtModified: t.string,
      Status: t.string,
    }),
  ],
  'ContextFileRecord',
)
export type ContextFileRecord = t.TypeOf<typeof ContextFileRecord>

/** protocol §3.6 */
export const SessionListItem = /*#__PURE__*/ t.intersection(
  [t.type({ SessionId: t.string }), t.partial({ SessionStatus: t.string })],
  'SessionListItem',
)

const Paging = { NextToken: t.string, MaxResults: t.number, TotalCount: t.number }

/** An envelope-only answer: nothing beyond §2.1. */
export const NoData = /*#__PURE__*/ t.partial({}, 'NoData')

// ---- per-action bodies (beyond the envelope) ----------------------------------------------

export const CreateMcpSessionBody = /*#__PURE__*/ t.type(
  {
    Data: t.intersection([
      t.type({ SessionId: t.string }),
      t.partial({ ResourceUrl: t.string, Success: t.boolean, ErrMsg: t.string, ToolList: t.string }),
    ]),
  },
  'CreateMcpSessionBody',
)

export const GetSessionBody = /*#__PURE__*/ t.type(
  {
    Data: t.intersection([
      t.type({ SessionId: t.string }),
      t.partial({
        Status: t.string,
        ResourceUrl: t.string,
        contexts: t.array(t.type({ id: t.string, name: t.string })),
      }),
    ]),
  },
  'GetSessionBody',
)

export const GetSessionDetailBody = /*#__PURE__*/ t.type(
  { Data: t.intersection([t.type({ Status: t.string }), t.partial({ ImageId: t.string })]) },
  'GetSessionDetailBody',
)

export const ListSessionBody = /*#__PURE__*/ t.intersection(
  [t.type({ Data: t.array(SessionListItem) }), t.partial(Paging)],
  'ListSessionBody',
)

export const GetContextBody = /*#__PURE__*/ t.type({ Data: ContextRecord }, 'GetContextBody')

export const ListContextsBody = /*#__PURE__*/ t.intersection(
  [t.type({ Data: t.array(ContextRecord) }), t.partial(Paging)],
  'ListContextsBody',
)

/**
 * protocol §3.12 + §4: an absent `Data`, or an absent, null or empty `ContextStatus`, means no
 * tasks. `Data: null` is not in the protocol and is a decode failure, never "no tasks" (issue 9).
 */
export const GetContextInfoBody = /*#__PURE__*/ t.partial(
  { Data: t.partial({ ContextStatus: ContextStatusFromString }) },
  'GetContextInfoBody',
)

export const DescribeContextFilesBody = /*#__PURE__*/ t.intersection(
  [t.type({ Data: t.array(ContextFileRecord) }), t.partial({ Count: t.number })],
  'DescribeContextFilesBody',
)

export const PresignedUrlBody = /*#__PURE__*/ t.type(
  { Data: t.intersection([t.type({ Url: t.string }), t.partial({ ExpireTime: t.number })]) },
  'PresignedUrlBody',
)

/** MCP tool result (session file tools): `content[]` text parts and `isError`. */
export const CallMcpToolBody = /*#__PURE__*/ t.type(
  {
    Data: t.intersection([
      t.type({ content: t.array(t.intersection([t.type({ type: t.string }), t.partial({ text: t.string })])) }),
      t.partial({ isError: t.boolean }),
    ]),
  },
  'CallMcpToolBody',
)

/** official-sdk-calls §2: `Data.Labels` is a JSON object string; absent or empty means no labels. */
export const GetLabelBody = /*#__PURE__*/ t.type({ Data: t.partial({ Labels: LabelsFromString }) }, 'GetLabelBody')

/**
 * calls doc §4.1: an array of the session's internal contexts. The SDKs take the first item having
 * both `ContextId` and `ContextPath`, so each field is optional here and checked by the caller.
 */
export const GetAndLoadInternalContextBody = /*#__PURE__*/ t.type(
  { Data: t.array(t.partial({ ContextId: t.string, ContextPath: t.string, ContextType: t.string })) },
  'GetAndLoadInternalContextBody',
)

/** The action → response-body codec registry. `satisfies` makes a missing action a compile error. */
export const RESPONSE_CODECS = {
  CreateMcpSession: CreateMcpSessionBody,
  DeleteSessionAsync: NoData,
  ReleaseMcpSession: NoData,
  GetSession: GetSessionBody,
  GetSessionDetail: GetSessionDetailBody,
  ListSession: ListSessionBody,
  GetContext: GetContextBody,
  ListContexts: ListContextsBody,
  ModifyContext: NoData,
  DeleteContext: NoData,
  ClearContext: NoData,
  GetContextInfo: GetContextInfoBody,
  SyncContext: NoData,
  DescribeContextFiles: DescribeContextFilesBody,
  GetContextFileUploadUrl: PresignedUrlBody,
  GetContextFileDownloadUrl: PresignedUrlBody,
  DeleteContextFile: NoData,
  CallMcpTool: CallMcpToolBody,
  SetLabel: NoData,
  GetLabel: GetLabelBody,
  GetAndLoadInternalContext: GetAndLoadInternalContextBody,
} as const satisfies Record<Action, t.Mixed>

export type ResponseBody<A extends Action> = t.TypeOf<(typeof RESPONSE_CODECS)[A]>
