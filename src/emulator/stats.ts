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
  /** Paths `get_file_change` currently watches, over all sessions (held in memory; a deleted session's are dropped). */
  readonly watchedPaths: number
}

/**
 * Mutable counters behind `EmulatorStats`. Keyed by the client's `Action` (any string, even
 * `__proto__`), so the counters are `Map`s and snapshots are null-prototype records.
 */
export class StatsRecorder {
  private readonly calls = new Map<string, number>()
  private readonly faults = new Map<FaultKind, number>()
  private readonly faultsByAction = new Map<string, Map<FaultKind, number>>()
  private fileRequests = 0

  call(action: string): void {
    increment(this.calls, action)
  }

  fault(action: string, kind: FaultKind): void {
    increment(this.faults, kind)
    let perAction = this.faultsByAction.get(action)
    if (perAction === undefined) this.faultsByAction.set(action, (perAction = new Map()))
    increment(perAction, kind)
  }

  fileRequest(): void {
    this.fileRequests += 1
  }

  snapshot(live: Pick<EmulatorStats, 'openConnections' | 'activeTasks' | 'watchedPaths'>): EmulatorStats {
    return {
      calls: nullRecord(this.calls),
      faults: nullRecord(this.faults),
      faultsByAction: nullRecord(new Map([...this.faultsByAction].map(([action, kinds]) => [action, nullRecord(kinds)]))),
      fileRequests: this.fileRequests,
      ...live,
    }
  }
}

const increment = <K>(counts: Map<K, number>, key: K): void => void counts.set(key, (counts.get(key) ?? 0) + 1)

/** A record without a prototype: `stats.calls['constructor']` is a count or `undefined`, never a function. */
const nullRecord = <K extends string, V>(entries: ReadonlyMap<K, V>): Record<K, V> =>
  Object.assign(Object.create(null) as Record<K, V>, Object.fromEntries(entries))
