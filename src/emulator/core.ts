import { PendingWork } from './pending-work.js'
import type { ChangeWatches } from './file-changes.js'
import type { DataLayout } from './layout.js'
import type { NormalizedEmulatorOptions } from './options.js'
import type { Presigner } from './presign.js'
import type { KeyedSerialQueue } from './serial.js'
import type { StateStore } from './store.js'
import type { SyncTaskRunner } from './tasks.js'

/**
 * Background work that outlives a request (session deletion, context clearing). Tracked so
 * `close()` can abort its timers through `signal` and wait for it to end.
 */
export class BackgroundJobs {
  private readonly controller = new AbortController()
  private readonly jobs = new PendingWork()

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Aborted when the emulator shuts down. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  run(job: (signal: AbortSignal) => Promise<void>): void {
    this.jobs.add(
      job(this.controller.signal).catch((error: unknown) => {
        if (!this.controller.signal.aborted) this.onError(error)
      }),
    )
  }

  stop(): void {
    this.controller.abort()
  }

  settled(): Promise<void> {
    return this.jobs.settled()
  }
}

/** Everything an action handler may use. */
export interface EmulatorCore {
  readonly options: NormalizedEmulatorOptions
  readonly store: StateStore
  readonly layout: DataLayout
  readonly runner: SyncTaskRunner
  readonly presigner: Presigner
  /** Serializes file work per context id (sync tasks, clearing, presigned writes, deletes). */
  readonly contextLocks: KeyedSerialQueue
  readonly background: BackgroundJobs
  /** `get_file_change` watches, per session. */
  readonly watches: ChangeWatches
  /** `http://host:port/`, known once listening. */
  baseUrl(): string
}

/** What a handler sees of the request. */
export interface RequestScope {
  readonly core: EmulatorCore
  /** Opaque id of the API key's tenant (a hash; the key itself is never kept). */
  readonly tenantId: string
  /** The `RequestId` this call answers with; tasks it starts record it. */
  readonly requestId: string
}
