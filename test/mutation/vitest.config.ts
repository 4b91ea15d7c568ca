import { defineConfig } from 'vitest/config'
import base from '../../vitest.config.js'

// Stryker runs only the fast unit suites: each mutant re-runs the tests that cover it.
// (Not mergeConfig: it would append to `include` instead of replacing it.)
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/core/**/*.test.ts', 'test/context/**/*.test.ts'],
    // Stryker starts `concurrency` runners; one worker each keeps the total at two cores.
    maxWorkers: 1,
  },
})
