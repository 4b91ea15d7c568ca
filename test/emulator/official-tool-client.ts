// `CallMcpTool` exactly as the official TS SDK 0.15.1 sends it (protocol §0.1), through the OpenAPI
// core it pins, and its answer read the way `session.ts callMcpTool` reads it (§0.3). The core
// set-up mirrors test/emulator/official-core.test.ts (the oracle); kept small and separate here.
import * as openapiCore from '@alicloud/openapi-core'
import { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core'
import * as $dara from '@darabonba/typescript'
import type { Emulator } from '../../src/emulator/index.js'

type OpenApiClass = typeof openapiCore.default.default
const OpenApi: OpenApiClass = (() => {
  const candidate = (openapiCore as { default: unknown }).default
  const unwrapped = typeof candidate === 'function' ? candidate : (candidate as { default: unknown }).default
  if (typeof unwrapped !== 'function') throw new Error('cannot locate the OpenApi client class in @alicloud/openapi-core')
  return unwrapped as OpenApiClass
})()
export const { ClientError } = openapiCore

type FieldTypes = Record<string, [wireName: string, type: unknown]>
function model(fields: FieldTypes): new (map?: Record<string, unknown>) => $dara.Model {
  return class extends $dara.Model {
    static names(): Record<string, string> {
      return Object.fromEntries(Object.entries(fields).map(([key, [wire]]) => [key, wire]))
    }
    static types(): Record<string, unknown> {
      return Object.fromEntries(Object.entries(fields).map(([key, [, type]]) => [key, type]))
    }
  }
}
const response = (data: unknown) =>
  model({
    headers: ['headers', { type: 'map', keyType: 'string', valueType: 'string' }],
    statusCode: ['statusCode', 'number'],
    body: [
      'body',
      model({
        code: ['Code', 'string'],
        message: ['Message', 'string'],
        requestId: ['RequestId', 'string'],
        success: ['Success', 'boolean'],
        data: ['Data', data],
      }),
    ],
  })
const CallMcpToolResponse = response('any')
const CreateMcpSessionResponse = response(model({ sessionId: ['SessionId', 'string'] }))

/** The SDK's outcome of one tool call (§0.3, TS column). */
export interface ToolCallOutcome {
  readonly success: boolean
  readonly text: string
  readonly errorMessage: string
}

export class OfficialToolClient extends OpenApi {
  private constructor(
    config: $OpenApiUtil.Config,
    private readonly auth: string,
  ) {
    super(config)
    this._signatureAlgorithm = 'v2'
    this._endpointRule = ''
    this._protocol = 'HTTP'
  }

  static for(emulator: Emulator): OfficialToolClient {
    return new OfficialToolClient(
      new $OpenApiUtil.Config({ endpoint: `127.0.0.1:${emulator.port}`, regionId: '', readTimeout: 5000, connectTimeout: 5000 }),
      `Bearer ${emulator.apiKey}`,
    )
  }

  private async invoke<T extends $dara.Model>(action: string, body: Record<string, unknown>, Response: new (map?: Record<string, unknown>) => T): Promise<T> {
    const request = new $OpenApiUtil.OpenApiRequest({ body: OpenApiUtil.parseToMap({ ...body, Authorization: this.auth }) })
    const params = new $OpenApiUtil.Params({
      action,
      version: '2025-05-06',
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'Anonymous',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    })
    return $dara.cast<T>(await this.callApi(params, request, new $dara.RuntimeOptions({})), new Response({}))
  }

  async createSession(): Promise<string> {
    const created = await this.invoke('CreateMcpSession', { ImageId: 'linux_latest' }, CreateMcpSessionResponse)
    return created.body.data.sessionId as string
  }

  /** The raw `Data` of one `CallMcpTool` (fields as TS sends them: `Args` a JSON string, `Server` empty). */
  async rawTool(sessionId: string, name: string, args: Record<string, unknown>): Promise<{ content: { type: string; text?: string }[]; isError: boolean }> {
    const answer = await this.invoke(
      'CallMcpTool',
      { Args: JSON.stringify(args), AutoGenSession: false, Name: name, Server: '', SessionId: sessionId },
      CallMcpToolResponse,
    )
    return answer.body.data
  }

  /** `session.ts callMcpTool`: `isError` → texts joined by `; `; success → `content[0].text`, else JSON of `Data`. */
  async tool(sessionId: string, name: string, args: Record<string, unknown>): Promise<ToolCallOutcome> {
    const data = await this.rawTool(sessionId, name, args)
    if (data.isError) return { success: false, text: '', errorMessage: data.content.map((part) => part.text ?? 'Unknown error').join('; ') }
    const text = data.content[0]?.text
    return { success: true, text: typeof text === 'string' && text !== '' ? text : JSON.stringify(data), errorMessage: '' }
  }
}
