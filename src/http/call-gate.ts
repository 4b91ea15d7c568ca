/**
 * At most `limit` calls in progress; the rest wait, in order, holding only their start function.
 * `enter(start)` runs `start` now or when a place frees, and returns `leave`: call it once the call
 * ended (or to give up waiting); a second call does nothing.
 */
export class CallGate {
  private inProgress = 0
  private readonly waiting = new Set<() => void>()

  constructor(private readonly limit: number) {}

  enter(start: () => void): () => void {
    let state: 'waiting' | 'running' | 'left' = 'waiting'
    const run = (): void => {
      this.waiting.delete(run)
      state = 'running'
      this.inProgress += 1
      start()
    }
    if (this.inProgress < this.limit) run()
    else this.waiting.add(run)
    return () => {
      if (state === 'waiting') this.waiting.delete(run)
      if (state === 'running') this.release()
      state = 'left'
    }
  }

  private release(): void {
    this.inProgress -= 1
    const next = this.waiting.values().next()
    if (!next.done) next.value()
  }
}
