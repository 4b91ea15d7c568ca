import { NEVER, mergeMap, type Observable } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_AGE_MS, PollCoalescer, coalescerFor, type PollFreshness } from '../../src/context/poll-coalescer.js'
import { createTestScheduler } from '../helpers/marbles.js'

// What PollCoalescer shares, for how long, and what it forgets (src/context/poll-coalescer.ts).

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

/** A coalescer whose `send` answers `answer(n)` for the n-th request (1-based), counting requests. */
function setUp(answer: (n: number) => Observable<string>, maxAgeMs?: number) {
  const coalescer = new PollCoalescer<string>(scheduler, maxAgeMs)
  const sent = { count: 0 }
  const send = () => {
    sent.count += 1
    return answer(sent.count)
  }
  /** Polls `key` at virtual time `frame`. */
  const pollAt = (frame: number, freshness: PollFreshness, key = 'k') =>
    scheduler.createColdObservable(`${'-'.repeat(frame)}(x|)`).pipe(mergeMap(() => coalescer.poll(key, freshness, send)))
  return { coalescer, sent, pollAt }
}

describe('PollCoalescer', () => {
  it('reuses an answer exactly maxAgeMs old, and polls again one ms later', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }), 50)
      // poll 1 leaves at 10, answered at 11
      expectObservable(pollAt(10, { notBefore: 0 })).toBe('-----------(a|)', { a: { answer: 'poll-1', sentAt: 10 } })
      expectObservable(pollAt(61, { notBefore: 0, after: 5 })).toBe(`${'-'.repeat(61)}(a|)`, { a: { answer: 'poll-1', sentAt: 10 } })
      expectObservable(pollAt(62, { notBefore: 0, after: 5 })).toBe(`${'-'.repeat(63)}(a|)`, { a: { answer: 'poll-2', sentAt: 62 } })
    })
  })

  it('defaults to answers at most 100 ms old', () => {
    expect(DEFAULT_MAX_AGE_MS).toBe(100)
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('-(a|)', { a: `poll-${n}` }))
      expectObservable(pollAt(0, { notBefore: 0 })).toBe('-(a|)', { a: { answer: 'poll-1', sentAt: 0 } })
      expectObservable(pollAt(101, { notBefore: 0, after: -1 })).toBe(`${'-'.repeat(101)}(a|)`, { a: { answer: 'poll-1', sentAt: 0 } })
      expectObservable(pollAt(102, { notBefore: 0, after: -1 })).toBe(`${'-'.repeat(103)}(a|)`, { a: { answer: 'poll-2', sentAt: 102 } })
    })
  })

  it('never reuses a failed poll: the next caller sends its own', () => {
    const failure = new Error('poll failed')
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt, sent } = setUp((n) => (n === 1 ? cold('-#', undefined, failure) : cold('-(a|)', { a: `poll-${n}` })))
      expectObservable(pollAt(0, { notBefore: 0 })).toBe('-#', undefined, failure)
      expectObservable(pollAt(3, { notBefore: 0 })).toBe('----(a|)', { a: { answer: 'poll-2', sentAt: 3 } })
      scheduler.schedule(() => expect(sent.count).toBe(2), 10)
    })
  })

  it('keeps polls of different keys apart', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { pollAt } = setUp((n) => cold('--(a|)', { a: `poll-${n}` }))
      expectObservable(pollAt(0, { notBefore: 0 }, 'session-a')).toBe('--(a|)', { a: { answer: 'poll-1', sentAt: 0 } })
      expectObservable(pollAt(1, { notBefore: 0 }, 'session-b')).toBe('---(a|)', { a: { answer: 'poll-2', sentAt: 1 } })
    })
  })

  it('counts only polls in flight in `size`', () => {
    scheduler.run(({ cold }) => {
      // poll 1 (key a) runs from 0 to 3, poll 2 (key b) from 1 to 9
      const { coalescer, pollAt } = setUp((n) => cold(n === 1 ? '---(a|)' : '--------(a|)', { a: `poll-${n}` }))
      pollAt(0, { notBefore: 0 }, 'a').subscribe()
      pollAt(1, { notBefore: 0 }, 'b').subscribe()
      pollAt(2, { notBefore: 0 }, 'b').subscribe() // joins poll 2
      const sizes: number[] = []
      for (const frame of [0, 2, 5, 10]) scheduler.schedule(() => sizes.push(coalescer.size), frame)
      scheduler.schedule(() => expect(sizes).toEqual([1, 2, 1, 0]), 11)
    })
  })

  it('a poll aborted by its last caller does not evict the newer poll that replaced it', () => {
    scheduler.run(({ expectObservable }) => {
      const { pollAt, sent } = setUp(() => NEVER)
      // poll 1 leaves at 0; a caller triggered at 2 cannot use it and sends poll 2, which replaces it
      expectObservable(pollAt(0, { notBefore: 0 }), '^---!').toBe('')
      expectObservable(pollAt(2, { notBefore: 2 }), '^-------!').toBe('')
      // poll 1 is aborted at 4; a caller at 6 that may use poll 2 joins it instead of sending poll 3
      expectObservable(pollAt(6, { notBefore: 2 }), '^-------!').toBe('')
      scheduler.schedule(() => expect(sent.count).toBe(2), 7)
    })
  })
})

describe('coalescerFor', () => {
  it('gives one coalescer per owner, so one client shares its polls and two clients do not', () => {
    const ownerA = {}
    const ownerB = {}
    const first = coalescerFor<string>(ownerA, scheduler)
    expect(coalescerFor<string>(ownerA, scheduler)).toBe(first)
    expect(coalescerFor<string>(ownerB, scheduler)).not.toBe(first)
    expect(first).toBeInstanceOf(PollCoalescer)
  })
})
