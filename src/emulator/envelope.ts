import { randomUUID } from 'node:crypto'
import { CODE_OK } from '../wire/protocol.js'

/** A JSON response body (protocol §2.1). */
export type Body = Record<string, unknown>

/** What a handler produces on success: `Data` and any top-level list fields (§2.1). */
export interface ActionResult {
  readonly data?: unknown
  /** `NextToken`, `MaxResults`, `TotalCount`, `Count` of list actions. */
  readonly top?: Readonly<Record<string, unknown>>
}

/** A RequestId in the service's shape: `557DCB66-03AA-1907-AFBC-4B62939AC4A9`. */
export const newRequestId = (): string => randomUUID().toUpperCase()

/** protocol §2.1: exact JSON types, `Code: "ok"` on success. */
export function successBody(requestId: string, result: ActionResult): Body {
  return {
    RequestId: requestId,
    Success: true,
    Code: CODE_OK,
    Message: '',
    HttpStatusCode: 200,
    ...(result.data === undefined ? {} : { Data: result.data }),
    ...result.top,
  }
}

export function errorBody(requestId: string, code: string, message: string, httpStatus: number): Body {
  return { RequestId: requestId, Success: false, Code: code, Message: message, HttpStatusCode: httpStatus }
}
