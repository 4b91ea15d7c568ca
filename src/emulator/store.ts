import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { SyncMode } from '../wire/protocol.js'
import { isErrno } from './paths.js'
import type { SyncPolicy } from './policy.js'
import { SerialQueue } from './serial.js'

// ---- model -------------------------------------------------------------------------------------

/** A stored context (protocol §3.7). Times are ISO strings, as the wire shows them. */
export interface ContextMeta {
  readonly id: string
  name: string
  readonly createdAt: string
  lastUsedAt: string
  /** `clearing` while ClearContext runs (§3.11); otherwise `available`. */
  state: 'available' | 'clearing'
}

/** A context mounted into a session at `path` (a `PersistenceDataList` item, §3.1). */
export interface MountMeta {
  readonly contextId: string
  readonly path: string
  readonly policy: SyncPolicy
}

/** Why a sync task was started. */
export type TaskTrigger = 'create' | 'sync' | 'delete'

/** One sync task; the first seven fields are exactly the wire task object of protocol §4. */
export interface TaskMeta {
  contextId: string
  path: string
  taskType: SyncMode
  status: string
  errorMessage: string
  /** Epoch seconds when the task was created (so it is ≥ the trigger time the SDK remembers). */
  startTime: number
  /** Epoch seconds when it ended; 0 while unfinished. */
  finishTime: number
  // -- emulator bookkeeping, never on the wire --
  readonly taskId: string
  readonly trigger: TaskTrigger
  /** `RequestId` of the call that started the task (absent in state written before it existed). */
  readonly requestId?: string
  filesCopied: number
  bytesCopied: number
  filesDeleted: number
}

export type SessionStatus = 'RUNNING' | 'DELETING' | 'DELETED'

export interface SessionMeta {
  readonly id: string
  /** `Data.Id` of GetSessionDetail is a number (§3.4). */
  readonly numericId: number
  readonly imageId: string
  readonly labels: Readonly<Record<string, string>>
  readonly createdAt: string
  status: SessionStatus
  deletedAt?: string
  readonly mounts: readonly MountMeta[]
  tasks: TaskMeta[]
}

/** Everything one API key owns. */
export interface TenantState {
  contexts: Record<string, ContextMeta>
  sessions: Record<string, SessionMeta>
}

export interface EmulatorState {
  version: 1
  nextSessionNumber: number
  tenants: Record<string, TenantState>
}

const emptyState = (): EmulatorState => ({ version: 1, nextSessionNumber: 1, tenants: {} })

// ---- store -------------------------------------------------------------------------------------

/**
 * All metadata in one JSON document, `state.json`, kept in memory and persisted after every
 * mutation. Mutations go through one `SerialQueue`: each runs on a copy of the state, is written
 * to a temp file, fsynced and renamed over the old file, and only then becomes the live state.
 * A crash therefore leaves either the old or the new document, never a mix, and a mutation that
 * throws changes nothing.
 */
export class StateStore {
  private current: EmulatorState
  private readonly queue = new SerialQueue()

  private constructor(
    private readonly file: string,
    private readonly tmpDir: string,
    initial: EmulatorState,
  ) {
    this.current = initial
  }

  /** Loads `file` (or starts empty). */
  static async open(file: string, tmpDir: string): Promise<StateStore> {
    await mkdir(tmpDir, { recursive: true })
    let state = emptyState()
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as EmulatorState
      if (parsed.version !== 1) throw new Error(`unsupported state version ${String(parsed.version)}`)
      state = parsed
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw new Error(`cannot read emulator state ${file}: ${String(error)}`, { cause: error })
    }
    return new StateStore(file, tmpDir, state)
  }

  /** The live state. Read-only by convention: change it only through `mutate`. */
  get state(): Readonly<EmulatorState> {
    return this.current
  }

  /** Tenant view, created empty on first use (in the copy a mutation works on). */
  static tenant(state: EmulatorState, tenantId: string): TenantState {
    let tenant = state.tenants[tenantId]
    if (tenant === undefined) {
      tenant = { contexts: {}, sessions: {} }
      state.tenants[tenantId] = tenant
    }
    return tenant
  }

  /** Applies `change` atomically and durably; its return value is passed through. */
  mutate<T>(change: (draft: EmulatorState) => T): Promise<T> {
    return this.queue.run(async () => {
      const draft = structuredClone(this.current)
      const result = change(draft)
      await this.persist(draft)
      this.current = draft
      return result
    })
  }

  /** Waits for queued mutations to be written. */
  drain(): Promise<void> {
    return this.queue.drain()
  }

  private async persist(state: EmulatorState): Promise<void> {
    const temp = join(this.tmpDir, `state-${randomUUID()}.json`)
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(state))
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temp, this.file)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }
}
