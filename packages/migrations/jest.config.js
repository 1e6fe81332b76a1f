/** Unit and integration tests of the plugin. Real databases: PGlite in-process, PostgreSQL from TEST_DATABASE_URL. */
const path = require('node:path');

// prisma-ast's parser (chevrotain) and its helpers are ES modules; the helpers export no
// `require` entry, which Jest's resolver needs: point it at their entry files.
const chevrotain = require.resolve('chevrotain', { paths: [path.dirname(require.resolve('@mrleebo/prisma-ast'))] });
const chevrotainScope = path.join(chevrotain.slice(0, chevrotain.lastIndexOf(`${path.sep}chevrotain${path.sep}`)), '@chevrotain');

module.exports = {
  displayName: 'migrations',
  testEnvironment: 'node',
  testTimeout: 60_000,
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  globalSetup: '<rootDir>/src/test-support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/src/test-support/setup-env.ts'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ES-module-only packages (the schema engine's wasm bindings, prisma-ast's parser): transformed too.
  transformIgnorePatterns: ['/node_modules/(?!(@prisma/schema-engine-wasm|chevrotain|@chevrotain|lodash-es)/)'],
  moduleNameMapper: { '^@chevrotain/(.*)$': `${chevrotainScope}/$1/lib/src/api.js` },
  moduleFileExtensions: ['ts', 'js', 'json'],
  coverageDirectory: '../../coverage/packages/migrations',
};
