import { mergeMap, timer } from 'rxjs'
import type { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { MAX_REUSE_AGE_MS, PollCoalescer, PollCursor } from '../../src/rpc/poll-coalescer.js'
import { createTestScheduler } from '../helpers/marbles.js'

// issue 13 goal 3: how old a shared answer a reader takes grows with how long it waited since its
// last answer (a third of it, at most MAX_REUSE_AGE_MS), so syncs that poll seldom share more.
// Every request answers 1 ms after it is sent; the n-th answers n.

let scheduler: TestScheduler

beforeEach(() => {
  scheduler = createTestScheduler()
})

function setUp() {
  const coalescer = new PollCoalescer(scheduler)
  const sent = { count: 0 }
  const send = () => {
    sent.count += 1
    const n = sent.count
    return timer(1, scheduler).pipe(mergeMap(() => [n]))
  }
  const reads: Record<string, number[]> = {}
  const pollAt = (frame: number, name: string, cursor: PollCursor): void =>
    void scheduler.schedule(() => coalescer.poll('k', cursor, send).subscribe((n) => (reads[name] ??= []).push(n)), frame)
  return { sent, reads, pollAt }
}

describe('PollCoalescer: reuse by how long the reader waited', () => {
  it('a reader that waited 900 ms since its last answer takes an answer up to 300 ms old, not 301', () => {
    scheduler.run(() => {
      const { sent, reads, pollAt } = setUp()
      const [patient, slightlyOlder, other] = [new PollCursor(), new PollCursor(), new PollCursor()]
      pollAt(0, 'patient', patient) // poll 1, answered at 1: both readers' last answer
      pollAt(0, 'slightlyOlder', slightlyOlder)
      pollAt(600, 'other', other) // poll 2, answered at 601
      pollAt(901, 'patient', patient) // waited 900: takes poll 2 (300 ms old)
      pollAt(902, 'slightlyOlder', slightlyOlder) // waited 901, answer 301 ms old: poll 3
      scheduler.schedule(() => expect({ reads, sent: sent.count }).toEqual({ reads: { patient: [1, 2], slightlyOlder: [1, 3], other: [2] }, sent: 3 }), 1_000)
    })
  })

  it(`never takes an answer older than ${MAX_REUSE_AGE_MS} ms, however long the reader waited`, () => {
    scheduler.run(() => {
      const { sent, reads, pollAt } = setUp()
      const [waiting, other] = [new PollCursor(), new PollCursor()]
      pollAt(0, 'waiting', waiting)
      pollAt(10_000, 'other', other) // answered at 10 001
      pollAt(10_001 + MAX_REUSE_AGE_MS + 1, 'waiting', waiting)
      scheduler.schedule(() => expect({ reads, sent: sent.count }).toEqual({ reads: { waiting: [1, 3], other: [2] }, sent: 3 }), 20_000)
    })
  })

  it('a reader that has read nothing since its trigger keeps the default maxAgeMs', () => {
    scheduler.run(() => {
      const { sent, reads, pollAt } = setUp()
      const [triggered, other] = [new PollCursor(), new PollCursor()]
      pollAt(0, 'triggered', triggered)
      scheduler.schedule(() => triggered.restart(), 5)
      pollAt(600, 'other', other) // answered at 601, after the trigger
      pollAt(702, 'triggered', triggered) // 101 ms old: its own poll
      scheduler.schedule(() => expect({ reads, sent: sent.count }).toEqual({ reads: { triggered: [1, 3], other: [2] }, sent: 3 }), 1_000)
    })
  })
})
