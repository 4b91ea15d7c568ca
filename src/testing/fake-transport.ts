import { Observable, Subject, finalize, isObservable, of, take } from 'rxjs'
import { ContextStatusFromString, type ContextStatusData } from '../wire/codecs/context-status.js'
import type { Transport } from '../http/transport.js'
import type { RawResponse, RpcRequest } from '../wire/messages.js'
import { isTerminalStatus, type Action } from '../wire/protocol.js'

/** How a fake answers one request: a raw response, an Observable of one, or a function of the request. */
export type FakeResponder =
  | RawResponse
  | Observable<RawResponse>
  | ((request: RpcRequest, callIndex: number) => RawResponse | Observable<RawResponse>)

/** A request the fake saw, with how it ended. */
export interface RecordedRequest extends RpcRequest {
  state: 'pending' | 'answered' | 'failed' | 'cancelled'
}

/** A request waiting for the test to answer it (`expectOne`). */
export interface PendingRequest {
  readonly request: RpcRequest
  flush(body: unknown, status?: number, retryAfter?: string): void
  fail(error: Error): void
}

/**
 * An in-memory `Transport` for tests: answer per action with responders (marble-friendly: return
 * `cold('--a|', …)`), or leave requests pending and answer them with `expectOne`. `verify()`
 * fails on requests nobody answered.
 *
 * @example
 * const fake = createFakeTransport()
 * fake.respond('GetContextInfo', jsonResponse(contextInfoBody([])))
 * const agentBay = new AgentBay({ apiKey: 'test', transport: fake.transport })
 */
export function createFakeTransport() {
  const responders = new Map<Action, FakeResponder>()
  const requests: RecordedRequest[] = []
  const waiting: { request: RecordedRequest; answer: Subject<RawResponse> }[] = []
  const calls = new Map<Action, number>()

  const transport: Transport = (request) =>
    new Observable<RawResponse>((subscriber) => {
      const recorded: RecordedRequest = { ...request, params: { ...request.params }, state: 'pending' }
      requests.push(recorded)
      const callIndex = calls.get(request.action) ?? 0
      calls.set(request.action, callIndex + 1)
      const responder = responders.get(request.action)
      let source: Observable<RawResponse>
      if (responder === undefined) {
        const answer = new Subject<RawResponse>()
        waiting.push({ request: recorded, answer })
        source = answer.pipe(take(1))
      } else {
        const produced = typeof responder === 'function' ? responder(request, callIndex) : responder
        source = isObservable(produced) ? produced : of(produced)
      }
      const subscription = source
        .pipe(
          finalize(() => {
            if (recorded.state === 'pending') recorded.state = 'cancelled'
          }),
        )
        .subscribe({
          next: (raw) => subscriber.next(raw),
          error: (error: unknown) => {
            recorded.state = 'failed'
            subscriber.error(error)
          },
          complete: () => {
            recorded.state = 'answered'
            subscriber.complete()
          },
        })
      return () => subscription.unsubscribe()
    })

  return {
    transport,
    /** Every request seen, in order. */
    requests,
    /** Answer every `action` request with `responder` from now on. */
    respond(action: Action, responder: FakeResponder): void {
      responders.set(action, responder)
    },
    /** Requests of one action. */
    requestsOf(action: Action): RecordedRequest[] {
      return requests.filter((request) => request.action === action)
    },
    /** The single pending, unanswered request of `action`; throws if there is not exactly one. */
    expectOne(action: Action): PendingRequest {
      const matches = waiting.filter((w) => w.request.action === action && w.request.state === 'pending')
      if (matches.length !== 1) throw new Error(`expected one pending ${action} request, found ${matches.length}`)
      const [match] = matches as [(typeof matches)[number]]
      return {
        request: match.request,
        flush: (body, status = 200, retryAfter) =>
          match.answer.next(jsonResponse(body, status, retryAfter)),
        fail: (error) => match.answer.error(error),
      }
    },
    /** Throws if any request is still pending (subscribed, never answered nor cancelled). */
    verify(): void {
      const open = requests.filter((request) => request.state === 'pending')
      if (open.length > 0) {
        throw new Error(`unanswered requests: ${open.map((request) => request.action).join(', ')}`)
      }
    },
  }
}

export type FakeTransport = ReturnType<typeof createFakeTransport>

// ---- body builders -------------------------------------------------------------------------------

/** A raw response with a JSON body (or a string body as is). */
export function jsonResponse(body: unknown, status = 200, retryAfter?: string): RawResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return retryAfter === undefined ? { status, body: text } : { status, body: text, retryAfter }
}

let requestCounter = 0
/** A success envelope (protocol §2.1) with optional `Data` and extra top-level fields. */
export function okBody(data?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  requestCounter += 1
  return {
    RequestId: `req-${requestCounter}`,
    Success: true,
    Code: 'ok',
    HttpStatusCode: 200,
    ...(data === undefined ? {} : { Data: data }),
    ...extra,
  }
}

/** A `GetContextInfo` body with the three-layer `ContextStatus` encoding (protocol §4). */
export const contextInfoBody = (tasks: readonly ContextStatusData[]): Record<string, unknown> =>
  okBody({ ContextStatus: ContextStatusFromString.encode([...tasks]) })

/**
 * A task with sensible defaults. `finishTime` follows the status as the service reports it (protocol
 * §4): 0 while in progress, and for a finished task (`Success`/`Failed`) the second after `startTime`,
 * never 0; a `finishTime` you pass wins.
 */
export const task = (fields: Partial<ContextStatusData> = {}): ContextStatusData => {
  const built: ContextStatusData = {
    contextId: 'ctx-1',
    path: '/home/wuying/data',
    taskType: 'upload',
    status: 'Running',
    errorMessage: '',
    startTime: 1_700_000_000,
    finishTime: 0,
    ...fields,
  }
  return fields.finishTime === undefined && isTerminalStatus(built.status) ? { ...built, finishTime: built.startTime + 1 } : built
}
