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
  private readonly jobs = new Set<Promise<void>>()

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Aborted when the emulator shuts down. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  run(job: (signal: AbortSignal) => Promise<void>): void {
    const promise = job(this.controller.signal).catch((error: unknown) => {
      if (!this.controller.signal.aborted) this.onError(error)
    })
    this.jobs.add(promise)
    void promise.finally(() => this.jobs.delete(promise))
  }

  stop(): void {
    this.controller.abort()
  }

  async settled(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all([...this.jobs])
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
