// Mutation testing of the pure layer (npm run mutate; docs/development.md says how to read the result).
// Only the unit tests run: the end-to-end tests spawn the bundle, which a mutant in src/ never reaches.

/** The modules without effects of their own: every ending, text and number the user sees is decided here. */
const PURE_LAYER = [
  'src/base/duration.ts',
  'src/base/json.ts',
  'src/base/log.ts',
  'src/base/redact.ts',
  'src/base/text.ts',
  'src/inputs.ts',
  'src/cekura/answers.ts',
  'src/cekura/fault-budget.ts',
  'src/cekura/gate.ts',
  'src/cekura/progress.ts',
  'src/cekura/retry.ts',
  'src/wait/pace.ts',
  'src/wait/poll.ts',
  'src/wait/schedule.ts',
  'src/job/batch.ts',
  'src/job/runner.ts',
  'src/report/markdown.ts',
  'src/report/diff.ts',
  'src/report/sections.ts',
  'src/report/summary.ts',
  'src/report/comment.ts',
  'src/report/outputs.ts',
  'src/report/batch-sections.ts',
  'src/report/batch-summary.ts',
  'src/report/batch-comment.ts'
]

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: PURE_LAYER,
  testRunner: 'jest',
  // The project's Jest runs ts-jest in ESM mode, which needs this flag in every test-runner process.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] }
  },
  coverageAnalysis: 'perTest',
  // A mutant that does not type-check is not counted either way; without the checker it would run and be
  // counted as killed by whatever error it throws.
  checkers: ['typescript'],
  // Only src/: the mutants are there, and a program without the tests checks several times faster (the
  // checker, not the tests, is what a run waits for). The tests run transpiled, without type checks.
  tsconfigFile: 'tsconfig.stryker.json',
  // Other work shares the machine: one test runner at a time (CI may raise it with --concurrency).
  concurrency: 1,
  // Results are kept in reports/ (not committed) and reused for mutants whose code and tests did not change;
  // --force runs every mutant (docs/development.md says when that is needed).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['json', 'html', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
