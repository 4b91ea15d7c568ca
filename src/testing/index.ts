// agentbay-rx/testing: the fake transport and body builders for tests of code that uses the SDK.
export {
  createFakeTransport,
  jsonResponse,
  okBody,
  contextInfoBody,
  task,
  type FakeTransport,
  type FakeResponder,
  type PendingRequest,
  type RecordedRequest,
} from './fake-transport.js'
export type { Transport } from '../http/transport.js'
export type { RawResponse, RpcRequest } from '../wire/messages.js'
export type { ContextStatusData } from '../sync/types.js'
