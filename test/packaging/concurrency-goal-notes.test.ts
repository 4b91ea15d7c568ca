// The concurrency benchmark's goal lines (test/bench/concurrency.ts) name the N they measured: goal 4's
// line reports the run at MEMORY_GOAL_N, the N every plan runs, and no literal N of its own (stop 17 Left).
import { describe, expect, it } from 'vitest'
import { CALLS_GOAL_N, MEMORY_GOAL_N, concurrencyPlan, goalNotes, type Run } from '../bench/concurrency.js'

/** A run of `n` syncs whose RSS grew `plainKiB` / `settledKiB` per sync. */
const runOf = (n: number, plainKiB: number, settledKiB: number): Run => ({
  ok: n,
  wallMs: 1,
  rssGrowthKiB: plainKiB * n,
  settledRssGrowthKiB: settledKiB * n,
  heapGrowthKiB: 0,
  youngGenerationGrowthKiB: 0,
  loopP99Ms: 0,
  cpuMs: 0,
  warmUpPolls: 0,
  polls: 0,
})

describe('concurrency benchmark: goal lines', () => {
  it('every plan runs goal 3 with the reference and goal 4 (ours alone)', () => {
    for (const quick of [true, false]) {
      const plan = concurrencyPlan(quick)
      expect(plan, `quick: ${quick}`).toContainEqual([CALLS_GOAL_N, true])
      expect(plan, `quick: ${quick}`).toContainEqual([MEMORY_GOAL_N, false])
    }
  })

  it("goal 4's line reports the run at MEMORY_GOAL_N, per sync of that N, and names that N", () => {
    // The other runs would give other figures: only the run at MEMORY_GOAL_N may be reported.
    const runs = new Map(concurrencyPlan(false).map(([n]): [number, Run] => [n, n === MEMORY_GOAL_N ? runOf(n, 55, 39) : runOf(n, 7, 7)]))
    const line = goalNotes(runs).find((note) => note.startsWith('goal 4'))
    expect(line).toBe(
      `goal 4 at N = ${MEMORY_GOAL_N}: RSS per sync 55.0 KiB plain — NOT met; 39.0 KiB settled — met ` +
        '(the issue names RSS growth; settled takes both ends after repeated full GCs, plain after one)',
    )
  })

  it("has no goal 4 line when no run measured MEMORY_GOAL_N, and the goals line names both goals' N", () => {
    const notes = goalNotes(new Map([[CALLS_GOAL_N, runOf(CALLS_GOAL_N, 10, 10)]]))
    expect(notes.some((note) => note.startsWith('goal 4'))).toBe(false)
    expect(notes[0]).toContain(`at N = ${CALLS_GOAL_N} GetContextInfo calls`)
    expect(notes[0]).toContain(`at N = ${MEMORY_GOAL_N} every sync succeeds`)
  })
})
