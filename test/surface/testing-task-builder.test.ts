import { describe, expect, it } from 'vitest'
import { task } from '../../src/testing/index.js'

// The protocol reports finishTime 0 only for tasks still in progress (agentbay-wire-protocol.md §4):
// a finished task built by the testing helper must not look unfinished.
describe('agentbay-rx/testing task()', () => {
  it.each(['Success', 'Failed'] as const)('gives a %s task a non-zero finishTime no earlier than its startTime', (status) => {
    const finished = task({ status })
    expect(finished.finishTime).not.toBe(0)
    expect(finished.finishTime).toBeGreaterThanOrEqual(finished.startTime)
    const late = task({ status, startTime: 1_800_000_000 })
    expect(late.finishTime).toBeGreaterThanOrEqual(late.startTime)
    expect(task({ status, startTime: 0 }).finishTime).not.toBe(0)
  })

  it.each(['Pending', 'Running'] as const)('keeps finishTime 0 for a %s task', (status) => {
    expect(task({ status }).finishTime).toBe(0)
    expect(task().finishTime).toBe(0)
  })

  it('keeps an explicit finishTime, whatever the status', () => {
    expect(task({ status: 'Success', finishTime: 1_700_000_042 }).finishTime).toBe(1_700_000_042)
    expect(task({ status: 'Failed', finishTime: 0 }).finishTime).toBe(0)
    expect(task({ status: 'Running', finishTime: 5 }).finishTime).toBe(5)
  })
})
