import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Hang detectors, not speed checks: on a loaded 2-core machine one test that spawns `tsx`
    // processes can take 20 s or more. A passing run never waits for these.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run files in parallel forks, but not more than the machine has.
    pool: 'forks',
    maxWorkers: 2,
  },
})
