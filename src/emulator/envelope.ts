import { randomUUID } from 'node:crypto'
import type * as t from 'io-ts'
import type { RESPONSE_CODECS } from '../wire/codecs/actions.js'
import type { Envelope } from '../wire/codecs/envelope.js'
import { CODE_OK, type Action } from '../wire/protocol.js'

/** A JSON response body (protocol §2.1). */
export type Body = Record<string, unknown>

// ---- action bodies -------------------------------------------------------------------------------

/**
 * What a handler of `A` answers beyond the envelope (§2.1): `Data` and any top-level list fields
 * (`NextToken`, `Count`, ...), typed as the *encoded* form of the SDK's own response codec, so a
 * field name the SDK would not read (a typo, a wrong case) does not compile. Envelope-only actions
 * answer `{}` and nothing else.
 */
export type ActionBody<A extends Action> = (keyof t.OutputOf<(typeof RESPONSE_CODECS)[A]> extends never
  ? Record<string, never>
  : t.OutputOf<(typeof RESPONSE_CODECS)[A]>) &
  OfficialSdkData<A>

/**
 * `Data` fields the emulator also sends that this SDK does not decode, so no shared codec names
 * them: the official SDKs' response models read them (§3.1, §3.4, §3.5), and a strict client
 * (Go, the TS `$dara.cast`, §2.3) needs their JSON types exact. Typed here, beside the codecs.
 */
interface OfficialSdkDataFields {
  CreateMcpSession: SessionResourceFields & { LinkUrl: string }
  GetSession: SessionResourceFields & { Success: boolean; ToolList: string }
  GetSessionDetail: {
    Aliuid: string
    ApikeyId: string
    AppInstanceGroupId: string
    AppInstanceId: string
    AppUserId: string
    BizType: number
    EndReason: string
    Id: number
    ImageType: string
    IsDeleted: number
    PolicyId: string
    RegionId: string
    ResourceConfigId: string
  }
}

/** The resource fields CreateMcpSession and GetSession share (§3.1, §3.5). */
export interface SessionResourceFields {
  SessionId: string
  ResourceUrl: string
  AppInstanceId: string
  ResourceId: string
  HttpPort: string
  NetworkInterfaceIp: string
  Token: string
  VpcResource: boolean
}

type OfficialSdkData<A extends Action> = A extends keyof OfficialSdkDataFields ? { Data: OfficialSdkDataFields[A] } : unknown

// ---- envelopes -----------------------------------------------------------------------------------

/** A RequestId in the service's shape: `557DCB66-03AA-1907-AFBC-4B62939AC4A9`. */
export const newRequestId = (): string => randomUUID().toUpperCase()

/**
 * protocol §2.1: exact JSON types, `Code: "ok"` on success. Envelope fields are named by the SDK's
 * `Envelope` codec; `body` is the handler's `ActionBody`, which follows them.
 */
export function successBody(requestId: string, body: object): Body {
  const envelope: Envelope = { RequestId: requestId, Success: true, Code: CODE_OK, Message: '', HttpStatusCode: 200 }
  return { ...envelope, ...body }
}

/** protocol §2.1–2.2: a refusal, in the fields of the SDK's `Envelope` codec. */
export function errorBody(requestId: string, code: string, message: string, httpStatus: number): Body {
  const envelope: Envelope = { RequestId: requestId, Success: false, Code: code, Message: message, HttpStatusCode: httpStatus }
  return envelope
}
