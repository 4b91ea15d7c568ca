import type { ServerResponse } from 'node:http'
import { EMULATOR_CODES } from './errors.js'
import type { Envelope } from '../wire/codecs/envelope.js'
import { errorBody, type Body } from './envelope.js'
import type { FaultRule } from './faults.js'

/**
 * Writes the damaged answer a fault rule asks for. `body` is the real answer when the action
 * ran first (post-execution kinds and `when: 'after'`), absent otherwise.
 */
export function sendFault(res: ServerResponse, rule: FaultRule, requestId: string, body: Body | undefined): void {
  switch (rule.kind) {
    case '500':
      return sendJson(res, 500, errorBody(requestId, EMULATOR_CODES.internalError, rule.message ?? 'Injected internal error', 500))
    case '503':
      return sendJson(res, 503, errorBody(requestId, EMULATOR_CODES.serviceUnavailable, rule.message ?? 'Injected unavailability', 503))
    case 'throttle': {
      const seconds = rule.retryAfterSeconds ?? 1
      return sendJson(res, 429, errorBody(requestId, EMULATOR_CODES.throttling, rule.message ?? 'Request was denied due to flow control.', 429), {
        'retry-after': String(seconds),
        // The official TS core ignores Retry-After; its ThrottlingError.retryAfter (ms) comes from
        // `TimeLeft` in this header (openapi-core 1.0.4 `getThrottlingTimeLeft`).
        'x-ratelimit-user-api': `Remain:0,TimeLeft:${seconds * 1000}`,
      })
    }
    case 'reset':
      // No answer at all: the client sees ECONNRESET / "socket hang up".
      res.socket?.destroy()
      return
    case 'successFalse':
      return sendJson(res, 200, { ...errorBody(requestId, rule.code ?? EMULATOR_CODES.internalError, rule.message ?? 'Injected business failure', 200) })
    case 'successFalseNoCode':
      return sendJson(res, 200, { RequestId: requestId, Success: false, Message: rule.message ?? 'Injected failure without code', HttpStatusCode: 200 } satisfies Envelope)
    case 'truncated': {
      const text = JSON.stringify(body ?? {})
      return sendText(res, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))))
    }
    case 'malformedJson':
      // Complete but invalid: a trailing comma before the closing brace.
      return sendText(res, 200, `${JSON.stringify(body ?? {}).slice(0, -1)},}`)
    case 'wrongTypes': {
      const real = body ?? {}
      return sendJson(res, 200, { ...real, Success: String(real['Success']), HttpStatusCode: String(real['HttpStatusCode'] ?? 200) })
    }
    case 'malformedContextStatus':
      return sendJson(res, 200, withBrokenContextStatus(body ?? {}, rule.layer ?? 1))
    case 'latency':
      return // latency is applied by the caller before the action; it never replaces the answer
  }
}

/** protocol §4, broken at one layer: 1 the outer string, 2 an envelope item, 3 the task list. */
export function withBrokenContextStatus(body: Body, layer: 1 | 2 | 3): Body {
  const broken =
    layer === 1
      ? '[{"type":"data","data":'
      : layer === 2
        ? JSON.stringify([{ type: 'data', data: 42 }])
        : JSON.stringify([{ type: 'data', data: '[{"contextId":"ctx","path":' }])
  const data = typeof body['Data'] === 'object' && body['Data'] !== null ? body['Data'] : {}
  return { ...body, Data: { ...data, ContextStatus: broken } }
}

export function sendJson(res: ServerResponse, status: number, body: Body, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers)
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}
