// Mutation testing of the SDK's core: `npm run mutate` (not in CI; see README "Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: [
    'src/context/task-watch.ts',
    'src/context/context-manager.ts',
    'src/context/poll-schedule.ts',
    'src/context/poll.ts',
    'src/context/task-model.ts',
    'src/context/sync-result.ts',
    'src/context/sync-options.ts',
    'src/transport/rpc.ts',
    'src/transport/retry.ts',
    'src/transport/interceptors.ts',
    'src/transport/poll-coalescer.ts',
    'src/transport/decode-response.ts',
    'src/codecs/context-status.ts',
    'src/codecs/decode.ts',
    'src/config.ts',
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
