import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { SyncMode } from '../wire/protocol.js'
import { isSafeId } from './layout.js'
import { isErrno } from './paths.js'
import { syncPolicy, type SyncPolicy } from '../wire/policy/sync-policy.js'
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
  /** Set on a session's internal context (GetAndLoadInternalContext): hidden from listings, removed with the session. */
  readonly internal?: InternalContextOwner
}

/** The session (and purpose) an internal context belongs to. */
export interface InternalContextOwner {
  readonly type: 'file_transfer'
  readonly sessionId: string
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

/** protocol §3.5/§3.6: `PAUSING` → `PAUSED` and `RESUMING` → `RUNNING` are the pause/resume transitions. */
export type SessionStatus = 'RUNNING' | 'PAUSING' | 'PAUSED' | 'RESUMING' | 'DELETING' | 'DELETED'

export interface SessionMeta {
  readonly id: string
  /** `Data.Id` of GetSessionDetail is a number (§3.4). */
  readonly numericId: number
  readonly imageId: string
  /** A `Map`, like every key→value collection of the state: label keys are user data (`__proto__` is a fine label). */
  readonly labels: ReadonlyMap<string, string>
  readonly createdAt: string
  status: SessionStatus
  deletedAt?: string
  readonly mounts: readonly MountMeta[]
  tasks: TaskMeta[]
}

/**
 * Everything one API key owns. Id-keyed collections are `Map`s, never plain objects: a client's
 * id such as `__proto__` or `constructor` must not reach (or replace) an inherited property.
 */
export interface TenantState {
  contexts: Map<string, ContextMeta>
  sessions: Map<string, SessionMeta>
}

export interface EmulatorState {
  version: 1
  nextSessionNumber: number
  tenants: Map<string, TenantState>
}

const emptyState = (): EmulatorState => ({ version: 1, nextSessionNumber: 1, tenants: new Map() })

/** A tenant with nothing yet. */
export const emptyTenant = (): TenantState => ({ contexts: new Map(), sessions: new Map() })

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
      state = stateFromJson(JSON.parse(await readFile(file, 'utf8')) as unknown)
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
    let tenant = state.tenants.get(tenantId)
    if (tenant === undefined) {
      tenant = emptyTenant()
      state.tenants.set(tenantId, tenant)
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
      await handle.writeFile(stateToJson(state))
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

// ---- state.json ----------------------------------------------------------------------------------

/**
 * state.json keeps the original shape: each `Map` is written as an object keyed by id (converted
 * explicitly: a replacer function would run for every value of the whole state on every write).
 * Object.fromEntries defines own properties, so even a `__proto__` label key is written as data.
 */
const stateToJson = (state: EmulatorState): string =>
  JSON.stringify({
    ...state,
    tenants: Object.fromEntries(
      [...state.tenants].map(([tenantId, tenant]) => [
        tenantId,
        {
          contexts: Object.fromEntries(tenant.contexts),
          sessions: Object.fromEntries([...tenant.sessions].map(([id, session]) => [id, { ...session, labels: Object.fromEntries(session.labels) }])),
        },
      ]),
    ),
  })

/**
 * Reads state.json back into `Map`s, from own keys only (JSON.parse makes `__proto__` an own key,
 * never a prototype). A record whose key is not an id this emulator could have minted, or that
 * differs from the record's own `id`, means the file was edited by hand: refused, never guessed.
 */
function stateFromJson(parsed: unknown): EmulatorState {
  if (!isObject(parsed) || parsed['version'] !== 1) throw new Error(`unsupported state version ${String(isObject(parsed) ? parsed['version'] : parsed)}`)
  const tenants = new Map<string, TenantState>()
  for (const [tenantId, tenant] of ownEntries(parsed['tenants'], 'tenants')) {
    if (!isObject(tenant)) throw new Error(`tenant ${JSON.stringify(tenantId)} is not an object`)
    const contexts = new Map<string, ContextMeta>()
    for (const [id, context] of ownEntries(tenant['contexts'], 'contexts')) contexts.set(id, checkRecord(id, context, 'context') as unknown as ContextMeta)
    const sessions = new Map<string, SessionMeta>()
    for (const [id, session] of ownEntries(tenant['sessions'], 'sessions')) {
      const record = checkRecord(id, session, 'session')
      sessions.set(id, {
        ...(record as unknown as SessionMeta),
        labels: new Map(ownEntries(record['labels'], 'labels') as [string, string][]),
        mounts: (record['mounts'] as MountMeta[] | undefined)?.map(upgradeMount) ?? [],
      })
    }
    tenants.set(checkId(tenantId, 'tenant'), { contexts, sessions })
  }
  const nextSessionNumber = parsed['nextSessionNumber']
  return { version: 1, nextSessionNumber: typeof nextSessionNumber === 'number' ? nextSessionNumber : 1, tenants }
}

/**
 * Mounts written before the emulator shared the SDK's policy model hold a flat
 * `{autoUpload, autoDownload, uploadMode, syncLocalFile, whiteLists}`; read it as the same policy.
 */
function upgradeMount(mount: MountMeta): MountMeta {
  const policy: unknown = mount.policy
  if (!isObject(policy) || !('autoUpload' in policy) || 'uploadPolicy' in policy) return mount
  const flat = policy as { autoUpload: boolean; autoDownload: boolean; uploadMode: 'File' | 'Archive'; syncLocalFile: boolean; whiteLists: SyncPolicy['bwList']['whiteLists'] }
  return {
    ...mount,
    policy: syncPolicy({
      uploadPolicy: { autoUpload: flat.autoUpload, uploadMode: flat.uploadMode },
      downloadPolicy: { autoDownload: flat.autoDownload },
      deletePolicy: { syncLocalFile: flat.syncLocalFile },
      bwList: { whiteLists: flat.whiteLists },
    }),
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const ownEntries = (value: unknown, what: string): [string, unknown][] => {
  if (value === undefined) return []
  if (!isObject(value)) throw new Error(`${what} is not an object`)
  return Object.entries(value)
}

const checkId = (id: string, what: string): string => {
  if (!isSafeId(id)) throw new Error(`${what} key ${JSON.stringify(id)} is not an id this emulator issues`)
  return id
}

const checkRecord = (id: string, value: unknown, what: string): Record<string, unknown> => {
  checkId(id, what)
  if (!isObject(value) || value['id'] !== id) throw new Error(`${what} ${JSON.stringify(id)} does not carry its own id`)
  return value
}
