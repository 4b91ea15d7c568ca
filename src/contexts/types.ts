import type { ContextFileRecord, ContextRecord } from '../wire/codecs/actions.js'
import type { ClearState } from '../wire/codecs/clear-state.js'
import type { KnownKeys } from '../shared/arguments.js'

/** protocol §3.7 states; other strings may appear and are passed through. */
export type ContextState = 'available' | 'in-use' | 'clearing' | 'pre-available' | (string & {})

/** A context as this SDK presents it (mapped from the wire `ContextRecord`). */
export interface Context {
  readonly id: string
  readonly name: string
  /** `unknown` when the service sent no `State`. */
  readonly state: ContextState
  /** As sent by the service (e.g. `2025-05-29T12:00:00Z`). */
  readonly createdAt?: string
  readonly lastUsedAt?: string
  readonly osType?: string
}

/** One `ListContexts` page (protocol §3.8). */
export interface ContextPage {
  readonly requestId: string
  readonly contexts: readonly Context[]
  /** Absent on the last page. */
  readonly nextToken?: string
  readonly maxResults?: number
  readonly totalCount?: number
}

export interface ContextListOptions {
  /** Page size (≥ 1). Default 10 (the reference). With `list()`, bound the total with `take(n)`. */
  readonly maxResults?: number
  /** Only the contexts mounted in this session. */
  readonly sessionId?: string
}

export interface ContextPageOptions extends ContextListOptions {
  /** From the previous page; omit for the first page. */
  readonly nextToken?: string
}

/** A file in a context's storage (protocol §3.14). */
export interface ContextFileEntry {
  readonly filePath: string
  readonly size: number
  readonly fileId?: string
  readonly fileName?: string
  readonly fileType?: string
  readonly gmtCreate?: string
  readonly gmtModified?: string
  readonly status?: string
}

export interface ContextFilePage {
  readonly requestId: string
  readonly entries: readonly ContextFileEntry[]
  readonly count?: number
}

export interface ListFilesOptions {
  /** 1-based. Default 1. */
  readonly pageNumber?: number
  /** Default 50. */
  readonly pageSize?: number
}

/** A presigned URL (protocol §3.15). Treat `url` as a secret: it carries a signature. */
export interface PresignedUrl {
  readonly requestId: string
  readonly url: string
  /** As sent by the service (seconds; whether relative or epoch is ambiguous in the protocol). */
  readonly expireTime?: number
}

/** The acknowledgement of an action without a body (ModifyContext, DeleteContext, …). */
export interface Acknowledged {
  readonly requestId: string
}

/** Options of `clear()`: the reference waits 2 s between probes for up to 60 s (protocol §3.11). */
export interface ClearOptions {
  /** Delay before each `GetContext` probe, ms. Default 2000. */
  readonly pollIntervalMs?: number
  /** Total budget from the `ClearContext` answer, ms; exceeding it errors with `RequestTimeoutError`. Default 60000. */
  readonly timeoutMs?: number
}

/** What `clearAsync`, `startClearAsync` and `clearStatusAsync` resolve to (with `success`). */
export interface ClearResult {
  /** The request that reported `state` (`ClearContext` for the start, `GetContext` for a probe). */
  readonly requestId: string
  readonly contextId: string
  readonly state: ClearState
}

/** Options of `context.get(name, options)`. */
export interface GetContextOptions {
  /** Create the context when it does not exist (the official `get(name, true)`). Default false. */
  readonly create?: boolean
}

// ---- known option keys (complete at compile time; unknown keys are refused, issue 12) -------------

export const GET_CONTEXT_KEYS = { create: true } as const satisfies KnownKeys<GetContextOptions>
export const CONTEXT_LIST_KEYS = { maxResults: true, sessionId: true } as const satisfies KnownKeys<ContextListOptions>
export const CONTEXT_PAGE_KEYS = { ...CONTEXT_LIST_KEYS, nextToken: true } as const satisfies KnownKeys<ContextPageOptions>
export const LIST_FILES_KEYS = { pageNumber: true, pageSize: true } as const satisfies KnownKeys<ListFilesOptions>
export const CLEAR_KEYS = { pollIntervalMs: true, timeoutMs: true } as const satisfies KnownKeys<ClearOptions>

export const toContext = (record: ContextRecord): Context => ({
  id: record.Id,
  name: record.Name,
  state: record.State ?? 'unknown',
  ...(record.CreateTime === undefined ? {} : { createdAt: record.CreateTime }),
  ...(record.LastUsedTime === undefined ? {} : { lastUsedAt: record.LastUsedTime }),
  ...(record.OsType === undefined ? {} : { osType: record.OsType }),
})

export const toFileEntry = (record: ContextFileRecord): ContextFileEntry => {
  const entry: Record<string, unknown> = { filePath: record.FilePath, size: record.Size }
  const optionalFields = {
    fileId: record.FileId,
    fileName: record.FileName,
    fileType: record.FileType,
    gmtCreate: record.GmtCreate,
    gmtModified: record.GmtModified,
    status: record.Status,
  }
  for (const [key, value] of Object.entries(optionalFields)) if (value !== undefined) entry[key] = value
  return entry as unknown as ContextFileEntry
}
