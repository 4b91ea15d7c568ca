// The benchmarks' reference: the official TypeScript SDK's `session.context.sync()` (0.15.1,
// protocol §5.2), reproduced exactly — no agentbay-rx code is used here:
//
// - one `SyncContext` (Authorization in the query, SessionId/ContextId/Path/Mode in the body);
//   a failed trigger ends the sync as failed, with no poll;
// - then `GetContextInfo` (SessionId, ContextId, Path; no TaskType) at once, and a fixed 1500 ms
//   sleep after every poll that is not final, at most 150 polls (then: false);
// - a poll is final when there is no upload/download task in the answer (success), or when every
//   upload/download task in it is `Success`/`Failed` (success iff none is `Failed`);
// - a poll that fails is logged and slept over like one that is not final;
// - N concurrent syncs are N independent loops on one client: nothing is shared;
// - the transport is the official one: `@alicloud/openapi-core` 1.0.4 over node's `http` module
//   with its keep-alive agent, set up as the SDK's generated client (test/emulator/official-client.ts).
//
// There is no poll before the trigger: the official SDK never makes one.
import { $OpenApiUtil } from '@alicloud/openapi-core'
import { Envelope, GeneratedLikeClient, GetContextInfoResponse } from '../emulator/official-client.js'

export const OFFICIAL_SYNC = { maxRetries: 150, retryIntervalMs: 1500 } as const

export interface OfficialSyncScope {
  readonly contextId?: string
  readonly path?: string
  readonly mode?: 'upload' | 'download'
}

interface OfficialTask {
  readonly taskType?: string
  readonly status?: string
}

/** One official client (one OpenAPI core, one keep-alive agent) for an emulator at `endpoint` (`host:port` or its URL). */
export class OfficialReference {
  private readonly client: GeneratedLikeClient
  private readonly authorization: string
  /** Requests sent, per action (the benchmarks' count). */
  readonly requests = { SyncContext: 0, GetContextInfo: 0 }

  constructor(endpoint: string, apiKey: string) {
    this.client = new GeneratedLikeClient(new $OpenApiUtil.Config({ endpoint: endpoint.includes('://') ? new URL(endpoint).host : endpoint, regionId: '', readTimeout: 60_000, connectTimeout: 60_000 }))
    this.client._protocol = 'HTTP' // the emulator is plain HTTP (protocol §1.1)
    this.authorization = `Bearer ${apiKey}`
  }

  /**
   * `session.context.sync(contextId, path, mode)`: resolves to the SDK's `success` once its wait
   * ends. `onTriggered` (a benchmark probe, not SDK behaviour) is called when `SyncContext` answered.
   */
  async sync(sessionId: string, scope: OfficialSyncScope = {}, onTriggered?: () => void): Promise<boolean> {
    const fields = {
      SessionId: sessionId,
      ...(scope.contextId === undefined ? {} : { ContextId: scope.contextId }),
      ...(scope.path === undefined ? {} : { Path: scope.path }),
      ...(scope.mode === undefined ? {} : { Mode: scope.mode }),
    }
    try {
      this.requests.SyncContext += 1
      const triggered = await this.client.invoke('SyncContext', { query: { Authorization: this.authorization }, body: fields }, Envelope)
      onTriggered?.()
      if (triggered.body.success === false) return false
    } catch {
      onTriggered?.()
      return false
    }
    const { SessionId, ContextId, Path } = fields as Record<string, string | undefined>
    for (let poll = 0; poll < OFFICIAL_SYNC.maxRetries; poll += 1) {
      try {
        const tasks = (await this.info({ SessionId, ContextId, Path })).filter((task) => task.taskType === 'upload' || task.taskType === 'download')
        if (tasks.length === 0) return true
        if (tasks.every((task) => task.status === 'Success' || task.status === 'Failed')) return !tasks.some((task) => task.status === 'Failed')
      } catch {
        // the SDK logs the failure and polls again after the sleep
      }
      await new Promise((resolve) => setTimeout(resolve, OFFICIAL_SYNC.retryIntervalMs))
    }
    return false
  }

  /** `session.context.info()`: one GetContextInfo (the benchmark's warm-up, before its baseline). */
  async infoOnce(sessionId: string): Promise<number> {
    return (await this.info({ SessionId: sessionId })).length
  }

  /** `GetContextInfo`, decoded as the SDK does: three JSON layers, only `type: "data"` items; unparseable → no tasks. */
  private async info(fields: Record<string, string | undefined>): Promise<OfficialTask[]> {
    this.requests.GetContextInfo += 1
    const body = Object.fromEntries(Object.entries({ Authorization: this.authorization, ...fields }).filter(([, value]) => value !== undefined))
    const answer = await this.client.invoke('GetContextInfo', { body }, GetContextInfoResponse)
    try {
      const items = JSON.parse((answer.body.data?.contextStatus as string | undefined) || '[]') as { type?: string; data?: string }[]
      return items.filter((item) => item.type === 'data').flatMap((item) => JSON.parse(item.data ?? '[]') as OfficialTask[])
    } catch {
      return []
    }
  }
}
