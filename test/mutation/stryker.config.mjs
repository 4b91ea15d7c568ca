// Mutation testing of the SDK's core: `npm run mutate` (not in CI; see README "Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: [
    'src/sync/task-watch.ts',
    'src/sync/context-manager.ts',
    'src/rpc/poll-schedule.ts',
    'src/rpc/poll.ts',
    'src/wire/task-model.ts',
    'src/sync/sync-result.ts',
    'src/sync/sync-options.ts',
    'src/rpc/rpc.ts',
    'src/rpc/retry.ts',
    'src/rpc/interceptors.ts',
    'src/rpc/poll-coalescer.ts',
    'src/wire/decode-response.ts',
    'src/wire/codecs/context-status.ts',
    'src/wire/codecs/decode.ts',
    'src/http/config.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // Two cores in all (see the README): do not raise without a bigger machine.
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
}

export default config
