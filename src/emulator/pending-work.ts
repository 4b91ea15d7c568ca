/**
 * Work still running (request handlers, sync tasks, background jobs), so shutdown can wait for it:
 * `settled()` also waits for work added while it waits.
 */
export class PendingWork {
  private readonly pending = new Set<Promise<unknown>>()

  /** Tracks `work` until it settles; returns it. */
  add<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work)
    const forget = (): void => void this.pending.delete(work)
    work.then(forget, forget)
    return work
  }

  get size(): number {
    return this.pending.size
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
