import { NEVER, mergeMap, of, type Observable } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_AGE_MS, MAX_REUSE_AGE_MS, PollCoalescer, PollCursor } from '../../src/rpc/poll-coalescer.js'
import { createTestScheduler } from '../helpers/marbles.js'

// What PollCoalescer shares, for how long, with which reader, and what it forgets
// (src/rpc/poll-coalescer.ts). Each reader holds a PollCursor (one sync's position).

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

/**
 * The coalescer's tables, watched from outside (passed as its `newTable`): `sizes()` is what they
 * hold (entries of each table, smallest first: polls in flight or answered, and answers kept for
 * reuse), `visited()` how many entries the coalescer looked at by iterating them, in all.
 */
function watchedTables() {
  const tables: Map<string, unknown>[] = []
  let visited = 0
  function* counted<T>(entries: IterableIterator<T>): Generator<T, undefined> {
    for (const entry of entries) {
      visited += 1
      yield entry
    }
    return undefined
  }
  class WatchedTable<V> extends Map<string, V> {
    override [Symbol.iterator](): MapIterator<[string, V]> {
      return counted(super[Symbol.iterator]()) as MapIterator<[string, V]>
    }
    override entries(): MapIterator<[string, V]> {
      return counted(super.entries()) as MapIterator<[string, V]>
    }
    override keys(): MapIterator<string> {
      return counted(super.keys()) as MapIterator<string>
    }
    override values(): MapIterator<V> {
      return counted(super.values()) as MapIterator<V>
    }
    override forEach(callback: (value: V, key: string, map: Map<string, V>) => void): void {
      for (const [key, value] of this) callback(value, key, this)
    }
  }
  const newTable = <V>(): Map<string, V> => {
    const table = new WatchedTable<V>()
    tables.push(table as Map<string, unknown>)
    return table
  }
  return { newTable, sizes: () => tables.map((table) => table.size).sort((a, b) => a - b), visited: () => visited }
}

/** A coalescer whose `send` answers with `answer(n)` for the n-th request (1-based), counting requests; its tables watched. */
function setUp(answer: (n: number) => Observable<string>, maxAgeMs?: number) {
  const tables = watchedTables()
  const coalescer = new PollCoalescer(scheduler, maxAgeMs, tables.newTable)
  const sent = { count: 0 }
  const send = (): Observable<string> => {
    sent.count += 1
    return answer(sent.count)
  }
  /** Polls `key` with `cursor` at virtual time `frame`; `restart` first when the reader's trigger answered then. */
  const pollAt = (frame: number, cursor: PollCursor, { key = 'k', restart = false } = {}): Observable<string> =>
    scheduler.createColdObservable(`${'-'.repeat(frame)}(x|)`).pipe(
      mergeMap(() => {
        if (restart) cursor.restart()
        return coalescer.poll(key, cursor, send)
      }),
    )
  return { coalescer, sent, pollAt, tables }
}

const silence = (frames: number): string => '-'.repeat(frames)

describe('PollCoalescer: how long an answer is shared', () => {
  it('reuses an answer exactly maxAgeMs old, and polls again one ms later', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt, sent } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }), 50)
      const [sender, exactlyMaxAge, oneMsOlder] = [new PollCursor(), new PollCursor(), new PollCursor()]
      // poll 1 leaves at 10 and is answered at 11: its age counts from the answer, not the request.
      expectObservable(pollAt(10, sender)).toBe(`${silence(11)}(a|)`, { a: 'poll-1' })
      expectObservable(pollAt(61, exactlyMaxAge)).toBe(`${silence(61)}(a|)`, { a: 'poll-1' })
      expectObservable(pollAt(62, oneMsOlder)).toBe(`${silence(63)}(a|)`, { a: 'poll-2' })
      scheduler.schedule(() => expect(sent.count).toBe(2), 70)
    })
  })

  it('defaults to answers at most 100 ms old', () => {
    expect(DEFAULT_MAX_AGE_MS).toBe(100)
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }))
      const [sender, exactlyMaxAge, oneMsOlder] = [new PollCursor(), new PollCursor(), new PollCursor()]
      expectObservable(pollAt(0, sender)).toBe('-(a|)', { a: 'poll-1' })
      expectObservable(pollAt(101, exactlyMaxAge)).toBe(`${silence(101)}(a|)`, { a: 'poll-1' })
      expectObservable(pollAt(102, oneMsOlder)).toBe(`${silence(103)}(a|)`, { a: 'poll-2' })
    })
  })

  it('keeps no entry for a poll that failed or was aborted', () => {
    const failure = new Error('poll failed')
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt, tables } = setUp((n) => (n === 1 ? cold('-#', undefined, failure) : cold('----(a|)', { a: `poll-${n}` })))
      expectObservable(pollAt(0, new PollCursor(), { key: 'fails' })).toBe('-#', undefined, failure)
      expectObservable(pollAt(0, new PollCursor(), { key: 'aborted' }), '^-!').toBe('')
      scheduler.schedule(() => expect({ sizes: tables.sizes(), visited: tables.visited() }).toEqual({ sizes: [0, 0], visited: 0 }), 5)
    })
  })

  it('never reuses a failed poll: the next reader sends its own', () => {
    const failure = new Error('poll failed')
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt, sent } = setUp((n) => (n === 1 ? cold('-#', undefined, failure) : cold('-(a|)', { a: `poll-${n}` })))
      expectObservable(pollAt(0, new PollCursor())).toBe('-#', undefined, failure)
      expectObservable(pollAt(3, new PollCursor())).toBe('----(a|)', { a: 'poll-2' })
      scheduler.schedule(() => expect(sent.count).toBe(2), 10)
    })
  })

  it('keeps polls of different keys apart', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('--(a|)', { a: `poll-${n}` }))
      expectObservable(pollAt(0, new PollCursor(), { key: 'session-a' })).toBe('--(a|)', { a: 'poll-1' })
      expectObservable(pollAt(1, new PollCursor(), { key: 'session-b' })).toBe('---(a|)', { a: 'poll-2' })
    })
  })

  it('counts only polls in flight in `size`', () => {
    scheduler.run(({ cold }) => {
      // poll 1 (key a) runs from 0 to 3, poll 2 (key b) from 1 to 9
      const { coalescer, pollAt, sent } = setUp((n) => cold(n === 1 ? '---(a|)' : '--------(a|)', { a: `poll-${n}` }))
      pollAt(0, new PollCursor(), { key: 'a' }).subscribe()
      pollAt(1, new PollCursor(), { key: 'b' }).subscribe()
      pollAt(2, new PollCursor(), { key: 'b' }).subscribe() // joins poll 2
      const sizes: number[] = []
      for (const frame of [0, 2, 5, 10]) scheduler.schedule(() => sizes.push(coalescer.size), frame)
      scheduler.schedule(() => expect({ sizes, sent: sent.count }).toEqual({ sizes: [1, 2, 1, 0], sent: 2 }), 11)
    })
  })

  it('a poll aborted by its last reader does not evict the newer poll that replaced it', () => {
    scheduler.run(({ expectObservable }) => {
      const { pollAt, sent } = setUp(() => NEVER)
      const [first, triggeredAt2, late] = [new PollCursor(), new PollCursor(), new PollCursor()]
      // poll 1 leaves at 0; a reader whose trigger answered at 2 cannot use it and sends poll 2, which replaces it
      expectObservable(pollAt(0, first), '^---!').toBe('')
      expectObservable(pollAt(2, triggeredAt2, { restart: true }), '^-------!').toBe('')
      // poll 1 is aborted at 4; a reader at 6 that may use poll 2 joins it instead of sending poll 3
      expectObservable(pollAt(6, late), '^-------!').toBe('')
      scheduler.schedule(() => expect(sent.count).toBe(2), 7)
    })
  })

  it('aborts a poll when its last reader leaves, and the next reader sends a new one', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt, sent } = setUp((n) => cold('----(a|)', { a: `poll-${n}` }))
      expectObservable(pollAt(0, new PollCursor()), '^-!').toBe('')
      expectObservable(pollAt(3, new PollCursor())).toBe(`${silence(7)}(a|)`, { a: 'poll-2' })
      scheduler.schedule(() => expect(sent.count).toBe(2), 12)
    })
  })
})

describe('PollCoalescer: forgetting old answers', () => {
  const SESSIONS = 1000

  /** One answered poll per session key at frame 0, then `probes` polls of other keys at `frame`. */
  function answersAfter(frame: number) {
    const tables = watchedTables()
    const coalescer = new PollCoalescer(scheduler, undefined, tables.newTable)
    const probe = (key: string): void => void coalescer.poll(key, new PollCursor(), () => of(key)).subscribe()
    let visitedByLatePolls = 0
    scheduler.run(() => {
      scheduler.schedule(() => {
        for (let i = 0; i < SESSIONS; i += 1) probe(`session-${i}`)
      }, 0)
      scheduler.schedule(() => {
        const before = tables.visited()
        for (let i = 0; i < 100; i += 1) probe(`late-${i}`)
        visitedByLatePolls = tables.visited() - before
      }, frame)
    })
    return { sizes: tables.sizes, visitedByLatePolls: () => visitedByLatePolls }
  }

  it('does not look at every session\'s answer on every poll while they are still reusable', () => {
    const { sizes, visitedByLatePolls } = answersAfter(MAX_REUSE_AGE_MS)
    // 100 polls, each stops at the oldest answer, still reusable: not 100 × 1000 visits.
    expect(visitedByLatePolls()).toBe(100)
    // Both tables hold every session's poll and the late ones: nothing reusable was forgotten.
    expect(sizes()).toEqual([SESSIONS + 100, SESSIONS + 100])
  })

  it('forgets every answer older than any reader may take, once', () => {
    const { sizes, visitedByLatePolls } = answersAfter(MAX_REUSE_AGE_MS + 1)
    // The first late poll drops the 1000 expired answers; the 99 after it stop at a fresh one.
    expect(visitedByLatePolls()).toBe(SESSIONS + 99)
    expect(sizes()).toEqual([100, 100])
  })

  it('keeps answers in the order they were answered: a key answered again moves behind the others, which are then forgotten in time', () => {
    scheduler.run(({ cold }) => {
      const { pollAt, sent, tables } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }))
      // a answered at 1, b at 11, a again at 301 (its first answer is too old to reuse)
      pollAt(0, new PollCursor(), { key: 'a' }).subscribe()
      pollAt(10, new PollCursor(), { key: 'b' }).subscribe()
      pollAt(300, new PollCursor(), { key: 'a' }).subscribe()
      // at 512 b's answer (11) has expired, a's (301) has not: forgetting drops b though a was first answered before it
      pollAt(MAX_REUSE_AGE_MS + 12, new PollCursor(), { key: 'c' }).subscribe()
      scheduler.schedule(() => expect({ sent: sent.count, sizes: tables.sizes() }).toEqual({ sent: 4, sizes: [2, 2] }), MAX_REUSE_AGE_MS + 14)
    })
  })

  it('forgetting an expired answer keeps the newer poll of its key in flight: a later reader joins it', () => {
    scheduler.run(({ cold, expectObservable }) => {
      // poll 2 is slow: sent at 10, answered at 1011
      const { pollAt, sent, tables } = setUp((n) => cold(n === 2 ? `${silence(1001)}(a|)` : '-(a|)', { a: `poll-${n}` }))
      const [first, triggeredAt10, late] = [new PollCursor(), new PollCursor(), new PollCursor()]
      expectObservable(pollAt(0, first)).toBe('-(a|)', { a: 'poll-1' })
      // a reader whose trigger answered at 10 cannot use poll 1's answer: poll 2 replaces it in the table
      expectObservable(pollAt(10, triggeredAt10, { restart: true })).toBe(`${silence(1011)}(a|)`, { a: 'poll-2' })
      // at 600 poll 1's answer has expired and is forgotten, but poll 2, still in flight, stays to be joined
      expectObservable(pollAt(MAX_REUSE_AGE_MS + 100, late)).toBe(`${silence(1011)}(a|)`, { a: 'poll-2' })
      // what is left: poll 2 in flight (no answer kept), nothing of poll 1
      scheduler.schedule(() => expect({ sent: sent.count, sizes: tables.sizes() }).toEqual({ sent: 2, sizes: [0, 1] }), MAX_REUSE_AGE_MS + 101)
    })
  })
})

describe('PollCursor: which shared polls a reader may take', () => {
  it('never gives a reader the same answer twice', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }))
      const reader = new PollCursor()
      expectObservable(pollAt(0, reader)).toBe('-(a|)', { a: 'poll-1' })
      // poll 1's answer is 4 ms old, well within maxAge, but this reader has it already.
      expectObservable(pollAt(5, reader)).toBe(`${silence(6)}(a|)`, { a: 'poll-2' })
    })
  })

  it('gives a reader nothing sent before restart(), answered or in flight', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('---(a|)', { a: `poll-${n}` }))
      const [other, answeredBefore, inFlightBefore] = [new PollCursor(), new PollCursor(), new PollCursor()]
      // poll 1 leaves at 0, answered at 3
      expectObservable(pollAt(0, other)).toBe('---(a|)', { a: 'poll-1' })
      // in flight at 1, but this reader's trigger answered at 1: poll 2 leaves
      expectObservable(pollAt(1, inFlightBefore, { restart: true })).toBe('----(a|)', { a: 'poll-2' })
      // at 10 poll 2's answer (at 4) is recent, but sent before this reader's trigger at 10: poll 3 leaves
      expectObservable(pollAt(10, answeredBefore, { restart: true })).toBe(`${silence(13)}(a|)`, { a: 'poll-3' })
    })
  })

  it('a new reader joins a poll still in flight, but reuses no answer sent before it was created', () => {
    scheduler.run(({ cold }) => {
      const { readAt, sent } = setUpReaders(() => cold('---(a|)'))
      readAt(0, 'k', () => new PollCursor())
      // created at 1, while poll 1 is in flight: joins it
      readAt(1, 'k', () => new PollCursor())
      // created at 5, after poll 1 was answered at 3: that answer is older than the reader
      readAt(5, 'k', () => new PollCursor())
      scheduler.schedule(() => expect({ read: sent.read, sent: sent.count }).toEqual({ read: [1, 1, 2], sent: 2 }), 20)
    })
  })

  it('once it has read, a reader joins no poll in flight sent before its position', () => {
    scheduler.run(({ cold }) => {
      // poll 1 (key a) from 0 to 2; poll 2 (key b) from 1 to 6; poll 3 (key b) from 4
      const { readAt, sent } = setUpReaders((n) => cold(n === 1 ? '--(a|)' : '-----(a|)'))
      readAt(0, 'a', () => new PollCursor())
      readAt(1, 'b', () => new PollCursor())
      // created at 1, after both polls left: joins poll 1 in flight (its first read) ...
      const reader = readAt(1, 'a', () => new PollCursor())
      // ... then, having read it, no longer joins poll 2 (in flight, but sent before the reader was created)
      readAt(4, 'b', reader)
      scheduler.schedule(() => expect({ read: sent.read, sent: sent.count }).toEqual({ read: [1, 1, 2, 3], sent: 3 }), 20)
    })
  })

  it('reading an older poll in flight does not move a reader back before its creation', () => {
    scheduler.run(({ cold }) => {
      // poll 1 (key a) from 0 to 5; poll 2 (key b) from 1 to 2, then answered and reusable
      const { readAt, sent } = setUpReaders((n) => cold(n === 1 ? '-----(a|)' : '-(a|)'))
      readAt(0, 'a', () => new PollCursor())
      readAt(1, 'b', () => new PollCursor())
      // created at 3 (after poll 2 was sent): joins poll 1 in flight, answered at 5 ...
      const reader = readAt(3, 'a', () => new PollCursor())
      // ... and still must not reuse poll 2's answer at 6, sent before the reader existed
      readAt(6, 'b', reader)
      scheduler.schedule(() => expect({ read: sent.read, sent: sent.count }).toEqual({ read: [2, 1, 1, 3], sent: 3 }), 20)
    })
  })
})

/**
 * Readers created at given virtual times: `readAt(frame, key, cursor)` polls then, creating the
 * cursor then if given a factory, and returns a getter usable as a later reader's cursor. The n-th
 * request answers `n`; `sent.read` lists the answers in the order readers got them.
 */
function setUpReaders(answerAfter: (n: number) => Observable<string>) {
  const coalescer = new PollCoalescer(scheduler)
  const sent = { count: 0, read: [] as number[] }
  const send = (): Observable<number> => {
    sent.count += 1
    const n = sent.count
    return answerAfter(n).pipe(mergeMap(() => [n]))
  }
  const readAt = (frame: number, key: string, cursorOf: () => PollCursor): (() => PollCursor) => {
    let cursor: PollCursor | undefined
    const get = (): PollCursor => (cursor ??= cursorOf())
    scheduler.schedule(() => coalescer.poll(key, get(), send).subscribe((n) => sent.read.push(n)), frame)
    return get
  }
  return { readAt, sent }
}
