/** Unit and integration tests of the plugin. Real databases: PGlite in-process, PostgreSQL from TEST_DATABASE_URL. */
module.exports = {
  displayName: 'migrations',
  testEnvironment: 'node',
  testTimeout: 60_000,
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // The schema engine's wasm bindings ship as ES modules only: let them be transformed too.
  transformIgnorePatterns: ['/node_modules/(?!@prisma/schema-engine-wasm/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  coverageDirectory: '../../coverage/packages/migrations',
};
