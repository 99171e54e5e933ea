/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Build the action from src/ once per run: the end-to-end and dist tests use that bundle.
  globalSetup: '<rootDir>/__tests__/support/global-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.mjs',
  // npm run mutate copies the project into .stryker-tmp while it runs; its copies are not ours to test.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  testTimeout: 60000
}
