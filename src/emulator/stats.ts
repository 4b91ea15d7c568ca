import type { FaultKind } from './faults.js'

/** Counters for reliability tests: what the emulator saw and what it injected. */
export interface EmulatorStats {
  /** RPC requests per `Action` (including unknown and unauthenticated ones). */
  readonly calls: Readonly<Record<string, number>>
  /** Faults actually injected, per kind. */
  readonly faults: Readonly<Partial<Record<FaultKind, number>>>
  /** Faults actually injected, per action and kind. */
  readonly faultsByAction: Readonly<Record<string, Readonly<Partial<Record<FaultKind, number>>>>>
  /** Presigned PUT/GET requests served or refused. */
  readonly fileRequests: number
  /** Sockets currently open (keep-alive included). */
  readonly openConnections: number
  /** Sync tasks currently pending or running. */
  readonly activeTasks: number
}

/** Mutable counters behind `EmulatorStats`. */
export class StatsRecorder {
  private readonly calls: Record<string, number> = {}
  private readonly faults: Partial<Record<FaultKind, number>> = {}
  private readonly faultsByAction: Record<string, Partial<Record<FaultKind, number>>> = {}
  private fileRequests = 0

  call(action: string): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1
  }

  fault(action: string, kind: FaultKind): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1
    const perAction = (this.faultsByAction[action] ??= {})
    perAction[kind] = (perAction[kind] ?? 0) + 1
  }

  fileRequest(): void {
    this.fileRequests += 1
  }

  snapshot(live: { openConnections: number; activeTasks: number }): EmulatorStats {
    return {
      calls: { ...this.calls },
      faults: { ...this.faults },
      faultsByAction: structuredClone(this.faultsByAction),
      fileRequests: this.fileRequests,
      ...live,
    }
  }
}
