/**
 * Runs async jobs one at a time, in arrival order. The state store funnels every mutation through
 * one of these so two requests can never interleave a read-modify-write of `state.json`.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(job: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(job)
    // Keep the chain alive after a failed job; the caller still sees the rejection.
    this.tail = result.catch(() => undefined)
    return result
  }

  /** Resolves when every job queued so far has settled. */
  drain(): Promise<void> {
    return this.run(() => undefined)
  }
}

/** One `SerialQueue` per key: file work on a context is serialized, different contexts run in parallel. */
export class KeyedSerialQueue {
  private readonly queues = new Map<string, { queue: SerialQueue; users: number }>()

  async run<T>(key: string, job: () => Promise<T> | T): Promise<T> {
    let entry = this.queues.get(key)
    if (entry === undefined) {
      entry = { queue: new SerialQueue(), users: 0 }
      this.queues.set(key, entry)
    }
    entry.users += 1
    try {
      return await entry.queue.run(job)
    } finally {
      entry.users -= 1
      if (entry.users === 0) this.queues.delete(key)
    }
  }
}
