/** End-to-end tests: the packed plugin installed into a real Nx workspace in a temporary folder. */
module.exports = {
  displayName: 'migrations-e2e',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // A guard, not a measure: on a loaded two-core CI machine the 50-venture runs take many minutes.
  testTimeout: 1_800_000,
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
