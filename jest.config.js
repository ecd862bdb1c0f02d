/** Jest in ESM mode (ts-jest, useESM): the package is "type": "module". */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: ['TS151001'] } }],
  },
  testTimeout: 30000,
  // The CLI tests run bin/ → lib/: rebuild lib/ first when it is older than the sources.
  globalSetup: '<rootDir>/test/global-setup.js',
  reporters: ['default', '<rootDir>/test/reporters/plain-summary.js'],
};
