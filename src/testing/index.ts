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
export type { RawResponse, RpcRequest, Transport } from '../transport/transport.js'
export type { ContextStatusData } from '../context/types.js'
