// The official TS SDK's OpenAPI core (`@alicloud/openapi-core` 1.0.4 + `@darabonba/typescript`
// 1.0.5), set up the way its generated `wuyingai` client is, with response models typed like the
// generated ones: the oracle every official-shape emulator test drives (see official-core.test.ts).
// Nothing here uses agentbay-rx's own client or codecs.
import * as openapiCore from '@alicloud/openapi-core'
import { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core'
import * as $dara from '@darabonba/typescript'
import { expect } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'

export { OpenApiUtil }

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
    fields: { query?: Record<string, unknown>; body?: Record<string, unknown>; method?: 'POST' | 'GET' },
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
      method: fields.method ?? 'POST', // GET: TS GetAndLoadInternalContext (protocol §1.1)
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

export const ContextData = model({
  createTime: ['CreateTime', 'string'],
  id: ['Id', 'string'],
  lastUsedTime: ['LastUsedTime', 'string'],
  name: ['Name', 'string'],
  osType: ['OsType', 'string'],
  state: ['State', 'string'],
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
export const GetContextResponse = response(body(ContextData))
export const ListContextsResponse = response(
  body({ type: 'array', itemType: ContextData }, {
    maxResults: ['MaxResults', 'number'],
    nextToken: ['NextToken', 'string'],
    totalCount: ['TotalCount', 'number'],
  }),
)
export const DescribeContextFilesResponse = response(
  body(
    {
      type: 'array',
      itemType: model({
        fileId: ['FileId', 'string'],
        fileName: ['FileName', 'string'],
        filePath: ['FilePath', 'string'],
        fileType: ['FileType', 'string'],
        gmtCreate: ['GmtCreate', 'string'],
        gmtModified: ['GmtModified', 'string'],
        size: ['Size', 'number'],
        status: ['Status', 'string'],
      }),
    },
    { count: ['Count', 'number'] },
  ),
)
export const FileUrlResponse = response(body(model({ expireTime: ['ExpireTime', 'number'], url: ['Url', 'string'] })))
export const GetSessionDetailResponse = response(
  body(
    model({
      aliuid: ['Aliuid', 'string'],
      apikeyId: ['ApikeyId', 'string'],
      appInstanceGroupId: ['AppInstanceGroupId', 'string'],
      appInstanceId: ['AppInstanceId', 'string'],
      appUserId: ['AppUserId', 'string'],
      bizType: ['BizType', 'number'],
      endReason: ['EndReason', 'string'],
      id: ['Id', 'number'],
      imageId: ['ImageId', 'string'],
      imageType: ['ImageType', 'string'],
      isDeleted: ['IsDeleted', 'number'],
      policyId: ['PolicyId', 'string'],
      regionId: ['RegionId', 'string'],
      resourceConfigId: ['ResourceConfigId', 'string'],
      status: ['Status', 'string'],
    }),
  ),
)
export const CallMcpToolResponse = response(body('any'))

/** The SDK's `PersistenceDataList` item model; serialized with `arrayToStringWithSpecifiedStyle(…, "json")`. */
export const PersistenceData = model({ contextId: ['ContextId', 'string'], path: ['Path', 'string'], policy: ['Policy', 'string'] })

/** `PersistenceDataList` as the generated client serializes it (`arrayToStringWithSpecifiedStyle`, json). */
export const persistenceDataList = (items: { contextId: string; path: string; policy?: string }[]): string =>
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
export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
}

// ---- the official SDK's high-level calls (official-sdk-calls.md), for one API key ----------------

export interface OfficialMount {
  readonly contextId: string
  readonly path: string
  /** A TS plain-object policy: serialized as given (protocol §6). */
  readonly policy?: unknown
}

/**
 * The calls the official TS SDK's `context`, `create`, `fileSystem`, `session.context` and
 * `delete` make, with its parameter names and placements. Refusals surface as the core's
 * `ClientError` (HTTP 4xx), as they do in the SDK before it catches them.
 */
export function officialCalls(emulator: Emulator) {
  const client = officialClient(emulator)
  const Authorization = `Bearer ${emulator.apiKey}`

  const contextInfo = async (sessionId: string, fields: Record<string, string> = {}): Promise<Task[]> => {
    const info = await client.invoke('GetContextInfo', { body: { Authorization, SessionId: sessionId, ...fields } }, GetContextInfoResponse)
    return parseContextStatus(info.body.data?.contextStatus as string | undefined)
  }

  /** The §5.2 wait: tasks of `taskType` exist and are all terminal. */
  const waitForTasks = (sessionId: string, taskType: 'upload' | 'download'): Promise<Task[]> =>
    poll(async () => {
      const tasks = (await contextInfo(sessionId)).filter((task) => task.taskType === taskType)
      return tasks.length > 0 && tasks.every(terminal) ? tasks : undefined
    })

  const calls = {
    client,
    Authorization,

    /** `agentBay.context.get(name, true)`: the context id. */
    async context(name: string): Promise<string> {
      const answer = await client.invoke('GetContext', { body: { AllowCreate: true, Authorization, Name: name } }, GetContextResponse)
      return answer.body.data.id as string
    },

    /** `agentBay.context.delete(context)`. */
    deleteContext: (contextId: string) => client.invoke('DeleteContext', { body: { Authorization, Id: contextId } }, Envelope),

    /** `agentBay.context.uploadFile` style: a presigned PUT into the context. */
    async seed(contextId: string, filePath: string, content: string): Promise<void> {
      const url = await client.invoke('GetContextFileUploadUrl', { body: { Authorization, ContextId: contextId, FilePath: filePath } }, FileUrlResponse)
      const put = await fetch(url.body.data.url as string, { method: 'PUT', body: content })
      expect(put.status).toBe(200)
    },

    /** `DescribeContextFiles` of one folder: the names in it. */
    async contextFiles(contextId: string, folder: string): Promise<string[]> {
      const answer = await client.invoke(
        'DescribeContextFiles',
        { body: { Authorization, ContextId: contextId, PageNumber: 1, PageSize: 50, ParentFolderPath: folder } },
        DescribeContextFilesResponse,
      )
      return ((answer.body.data ?? []) as { fileName: string }[]).map((file) => file.fileName)
    },

    /** `agentBay.create` with `contextSync` items; waits for the create-time downloads (§5.3) unless told not to. */
    async createSession(mounts: readonly OfficialMount[], imageId = 'linux_latest', { waitForDownloads = true } = {}): Promise<string> {
      const items = persistenceDataList(
        mounts.map((mount) => ({
          contextId: mount.contextId,
          path: mount.path,
          ...(mount.policy === undefined ? {} : { policy: JSON.stringify(mount.policy) }),
        })),
      )
      const created = await client.invoke(
        'CreateMcpSession',
        { body: { Authorization, ImageId: imageId, PersistenceDataList: items } },
        CreateMcpSessionResponse,
      )
      const sessionId = created.body.data.sessionId as string
      if (mounts.length > 0 && waitForDownloads) await waitForTasks(sessionId, 'download')
      return sessionId
    },

    /** `CallMcpTool` with `Args` as a JSON string; the tool's text and `isError`. */
    async tool(sessionId: string, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
      const answer = await client.invoke(
        'CallMcpTool',
        { body: { Args: JSON.stringify(args), Authorization, Name: name, SessionId: sessionId } },
        CallMcpToolResponse,
      )
      return { text: answer.body.data.content[0].text as string, isError: answer.body.data.isError as boolean }
    },

    contextInfo,

    /** `session.context.sync()`: `Authorization` in the query, the rest in the body; then the §5.2 wait. */
    async sync(sessionId: string, fields: Record<string, string> = {}): Promise<Task[]> {
      await client.invoke('SyncContext', { query: { Authorization }, body: { SessionId: sessionId, ...fields } }, Envelope)
      return waitForTasks(sessionId, (fields['Mode'] as 'upload' | 'download' | undefined) ?? 'upload')
    },

    /** `session.delete(syncContext)` (official-sdk-calls §8), waiting until GetSessionDetail says it is gone. */
    async deleteSession(sessionId: string, syncContext: boolean): Promise<void> {
      if (syncContext) await calls.sync(sessionId)
      await client.invoke('DeleteSessionAsync', { body: { Authorization, SessionId: sessionId } }, Envelope)
      await poll(async () => {
        try {
          const detail = await client.invoke('GetSessionDetail', { query: { SessionId: sessionId }, body: { Authorization } }, GetSessionDetailResponse)
          return detail.body.data.status === 'FINISH' ? true : undefined
        } catch (error) {
          return (error as { code?: unknown }).code === 'InvalidMcpSession.NotFound' ? true : undefined
        }
      })
    },
  }
  return calls
}

/** The core's error for a refused call (HTTP 4xx): `code`, `statusCode`, `message`, and `data` = the whole body. */
export async function refusal(call: Promise<unknown>): Promise<{ code: string; statusCode: number; message: string; data: Record<string, unknown> }> {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(ClientError)
  return error as { code: string; statusCode: number; message: string; data: Record<string, unknown> }
}
