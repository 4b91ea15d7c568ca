/**
 * How many RPC calls of one client are in progress at once through the default fetch (issue 13
 * goal 4), so also its sockets per origin; the rest wait, in order, in a `CallGate`, before ky builds
 * a Request for them. Without it, N concurrent syncs opened N sockets at their trigger (tens of KiB
 * each on both ends) and held N built requests. 64 keeps a thousand requests flowing (each holds its
 * place for one round trip). A waiting call still counts against the attempt's timeout and, unsubscribed,
 * leaves without reaching the wire.
 */
export const MAX_SOCKETS = 64

/**
 * At most `limit` calls in progress; the rest wait, in order, holding only their start function.
 * `enter(start)` runs `start(leave)` now or when a place frees, and returns the same `leave`: call it
 * once the call ended, or to give up waiting (from inside `start` too); a second call does nothing.
 */
export class CallGate {
  private inProgress = 0
  private readonly waiting = new Set<() => void>()

  constructor(private readonly limit: number) {}

  enter(start: (leave: () => void) => void): () => void {
    let state: 'waiting' | 'running' | 'left' = 'waiting'
    const leave = (): void => {
      if (state === 'waiting') this.waiting.delete(run)
      if (state === 'running') this.release()
      state = 'left'
    }
    const run = (): void => {
      this.waiting.delete(run)
      state = 'running'
      this.inProgress += 1
      start(leave)
    }
    if (this.inProgress < this.limit) run()
    else this.waiting.add(run)
    return leave
  }

  private release(): void {
    this.inProgress -= 1
    const next = this.waiting.values().next()
    if (!next.done) next.value()
  }
}
