/**
 * Wire constants of the AgentBay OpenAPI (shared/protocol/agentbay-wire-protocol.md).
 * One definition of each name, used by both the client and the emulator.
 */

/** protocol §1.1: every action shares this version. */
export const API_VERSION = '2025-05-06'
/** protocol §1.1: default endpoint, a bare authority meaning https. */
export const DEFAULT_ENDPOINT = 'wuyingai.cn-shanghai.aliyuncs.com'
/** protocol §1.7 */
export const DEFAULT_TIMEOUT_MS = 60_000

/** Every action this project speaks (client and emulator). */
export const ACTIONS = [
  'CreateMcpSession',
  'DeleteSessionAsync',
  'ReleaseMcpSession',
  'GetSession',
  'GetSessionDetail',
  'ListSession',
  'GetContext',
  'ListContexts',
  'ModifyContext',
  'DeleteContext',
  'ClearContext',
  'GetContextInfo',
  'SyncContext',
  'DescribeContextFiles',
  'GetContextFileUploadUrl',
  'GetContextFileDownloadUrl',
  'DeleteContextFile',
  'CallMcpTool',
  // official-sdk-calls §2: labels of a running session.
  'SetLabel',
  'GetLabel',
  // calls doc §4.1: the session's file-transfer context (session.files).
  'GetAndLoadInternalContext',
] as const
export type Action = (typeof ACTIONS)[number]

export const isAction = (value: string): value is Action => (ACTIONS as readonly string[]).includes(value)

/**
 * protocol §1.2: fields that travel in the query string instead of the form body.
 * SyncContext carries the API key in the query, which is why every URL goes through `redactUrl`.
 */
export const QUERY_FIELDS: Readonly<Partial<Record<Action, readonly string[]>>> = {
  SyncContext: ['Authorization'],
  GetSessionDetail: ['SessionId'],
}

/** protocol §2.2: codes the core maps to a ThrottlingError. */
export const THROTTLING_CODES = ['Throttling', 'Throttling.User', 'Throttling.Api'] as const
export const isThrottlingCode = (code: string | undefined): boolean =>
  code !== undefined && (THROTTLING_CODES as readonly string[]).includes(code)

/** protocol §2.2 */
export const CODE_OK = 'ok'
export const CODE_SESSION_NOT_FOUND = 'InvalidMcpSession.NotFound'
export const CODE_UNKNOWN_ACTION = 'InvalidAction.NotFound'
export const CODE_CONTEXT_NOT_FOUND = 'Context.NotFound'

/** protocol §4: terminal task states are exact, case-sensitive. */
export const TASK_STATUS = { pending: 'Pending', running: 'Running', success: 'Success', failed: 'Failed' } as const
export const isTerminalStatus = (status: string): boolean =>
  status === TASK_STATUS.success || status === TASK_STATUS.failed

export const SYNC_MODES = ['upload', 'download'] as const
export type SyncMode = (typeof SYNC_MODES)[number]
export const isSyncMode = (value: unknown): value is SyncMode =>
  typeof value === 'string' && (SYNC_MODES as readonly string[]).includes(value)

/** protocol §3.7: context states. */
export const CONTEXT_STATES = ['available', 'in-use', 'clearing', 'pre-available'] as const

/** protocol §3.4: session status once deleted. */
export const SESSION_STATUS_FINISH = 'FINISH'

/** protocol §1.5: the Authorization parameter's value. */
export const bearer = (apiKey: string): string => `Bearer ${apiKey}`
