import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: run files in parallel forks, but not more than the machine has.
    pool: 'forks',
    maxWorkers: 2,
  },
})
