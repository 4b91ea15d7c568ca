// The official TS SDK's OpenAPI core and its generated response models, as the emulator tests
// drive them (test/emulator/official-core.test.ts and the issue-11 tests). Nothing here uses
// agentbay-rx's own client or codecs: the core and these models are the oracle.
import * as openapiCore from '@alicloud/openapi-core'
import { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core'
import * as $dara from '@darabonba/typescript'
import { expect } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'

// ---- the core, as the generated client uses it ----------------------------------------------

/**
 * `@alicloud/openapi-core` is CommonJS with `exports.default = Client`. Under Node's ESM loader
 * the default import is `module.exports` (so the class sits at `.default`); with a bundler-style
 * interop it is the class itself. Accept both rather than depend on the loader.
 */
type OpenApiClass = typeof openapiCore.default.default
const OpenApi: OpenApiClass = (() => {
  const candidate = (openapiCore as { default: unknown }).default
  const unwrapped = typeof candidate === 'function' ? candidate : (candidate as { default: unknown }).default
  if (typeof unwrapped !== 'function') throw new Error('cannot locate the OpenApi client class in @alicloud/openapi-core')
  return unwrapped as OpenApiClass
})()
export const { ClientError, ThrottlingError } = openapiCore

/**
 * What the official generated client (`typescript/src/api/client.ts`) does in its constructor:
 * `_signatureAlgorithm = "v2"` routes `callApi` to `doRPCRequest` (Action, Format, Version,
 * Timestamp, SignatureNonce in the query, protocol §1.2). Without it `callApi` would take the
 * ACS3 `doRequest` path, which the official SDK never uses.
 */
export class GeneratedLikeClient extends OpenApi {
  constructor(config: $OpenApiUtil.Config) {
    super(config)
    this._signatureAlgorithm = 'v2'
    this._endpointRule = ''
  }

  /** One action, as the generated `<action>WithOptions` methods build it. */
  async invoke<T extends $dara.Model>(
    action: string,
    fields: { query?: Record<string, unknown>; body?: Record<string, unknown> },
    Response: new (map?: Record<string, unknown>) => T,
  ): Promise<T> {
    const request = new $OpenApiUtil.OpenApiRequest({
      ...(fields.query === undefined ? {} : { query: OpenApiUtil.query(fields.query) }),
      ...(fields.body === undefined ? {} : { body: OpenApiUtil.parseToMap(fields.body) }),
    })
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
}

/** protocol §1.1/§1.7: `regionId: ""`, a bare `host:port` endpoint, then `_protocol = "HTTP"`. */
export function officialClient(emulator: Emulator, how: 'patch' | 'config' | 'https' = 'patch'): GeneratedLikeClient {
  const client = new GeneratedLikeClient(
    new $OpenApiUtil.Config({
      endpoint: `127.0.0.1:${emulator.port}`,
      regionId: '',
      readTimeout: 5000,
      connectTimeout: 5000,
      ...(how === 'config' ? { protocol: 'HTTP' } : {}),
    }),
  )
  if (how === 'patch') client._protocol = 'HTTP'
  return client
}

// ---- response models, typed as the SDK's generated models (`typescript/src/api/models/*`) --------

export type FieldTypes = Record<string, [wireName: string, type: unknown]>

/** A `$dara.Model` subclass with the given `names()`/`types()`, like the generated models. */
export function model(fields: FieldTypes): new (map?: Record<string, unknown>) => $dara.Model {
  return class extends $dara.Model {
    static names(): Record<string, string> {
      return Object.fromEntries(Object.entries(fields).map(([key, [wire]]) => [key, wire]))
    }
    static types(): Record<string, unknown> {
      return Object.fromEntries(Object.entries(fields).map(([key, [, type]]) => [key, type]))
    }
  }
}

/** `<Action>ResponseBody`: the envelope (§2.1) plus `Data` and any list fields. */
export const body = (data: unknown, extra: FieldTypes = {}) =>
  model({
    code: ['Code', 'string'],
    httpStatusCode: ['HttpStatusCode', 'number'],
    message: ['Message', 'string'],
    requestId: ['RequestId', 'string'],
    success: ['Success', 'boolean'],
    ...(data === undefined ? {} : { data: ['Data', data] }),
    ...extra,
  })

/** `<Action>Response`: what `callApi` returns, cast as the generated client does. */
export const response = (Body: new (map?: Record<string, unknown>) => $dara.Model) =>
  model({
    headers: ['headers', { type: 'map', keyType: 'string', valueType: 'string' }],
    statusCode: ['statusCode', 'number'],
    body: ['body', Body],
  })

export const Envelope = response(body(undefined))
export const CreateMcpSessionResponse = response(
  body(
    model({
      appInstanceId: ['AppInstanceId', 'string'],
      errMsg: ['ErrMsg', 'string'],
      httpPort: ['HttpPort', 'string'],
      linkUrl: ['LinkUrl', 'string'],
      networkInterfaceIp: ['NetworkInterfaceIp', 'string'],
      resourceId: ['ResourceId', 'string'],
      resourceUrl: ['ResourceUrl', 'string'],
      sessionId: ['SessionId', 'string'],
      success: ['Success', 'boolean'],
      token: ['Token', 'string'],
      toolList: ['ToolList', 'string'],
      vpcResource: ['VpcResource', 'boolean'],
    }),
  ),
)
export const GetContextInfoResponse = response(body(model({ contextStatus: ['ContextStatus', 'string'] })))
export const CallMcpToolResponse = response(body('any'))

/** The SDK's `PersistenceDataList` item model; serialized with `arrayToStringWithSpecifiedStyle(…, "json")`. */
export const PersistenceData = model({ contextId: ['ContextId', 'string'], path: ['Path', 'string'], policy: ['Policy', 'string'] })

/** `PersistenceDataList` as the generated client serializes it (`arrayToStringWithSpecifiedStyle`, json). */
export const persistenceDataList = (items: { contextId: string; path: string; policy: string }[]): string =>
  OpenApiUtil.arrayToStringWithSpecifiedStyle(
    items.map((item) => new PersistenceData(item)),
    'PersistenceDataList',
    'json',
  )

// ---- SDK-side logic the tests reuse -------------------------------------------------------------

export interface Task {
  contextId: string
  path: string
  taskType: string
  status: string
  errorMessage: string
  startTime: number
  finishTime: number
}

/** protocol §4, parsed the way the SDKs do: JSON string → `type:"data"` items → JSON string of tasks. */
export function parseContextStatus(contextStatus: string | undefined): Task[] {
  if (contextStatus === undefined || contextStatus === '') return []
  const items = JSON.parse(contextStatus) as { type: string; data: unknown }[]
  const tasks: Task[] = []
  for (const item of items) {
    if (item.type !== 'data') continue
    expect(typeof item.data).toBe('string') // layer 3 is a string, never an embedded array
    tasks.push(...(JSON.parse(item.data as string) as Task[]))
  }
  return tasks
}

export const terminal = (task: Task): boolean => task.status === 'Success' || task.status === 'Failed'

/** Polls until `probe` yields a value (the SDKs' fixed-interval loops, much faster). */
export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
}
