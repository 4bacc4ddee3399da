// Native WeChat components and real pages of dist/weapp in miniprogram-simulate (jsdom plus Node globals):
// nothing under dist/ or src/**/*.js is transformed; the .ts tests (and ESM-only jose) go through swc.
const path = require('node:path')
const swc = require('./swc.cjs')
const esmOnlyPackages = require('./esm-only.cjs')

module.exports = {
  displayName: 'simulator',
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: '<rootDir>/test/jest/jsdom-node-env.cjs',
  // page tests run the real api router in this environment: Node's package builds, not the browser's
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  testMatch: ['<rootDir>/test/simulator/**/*.test.ts'],
  transform: { '^.+\\.ts$': swc, ...esmOnlyPackages.transform },
  transformIgnorePatterns: [...esmOnlyPackages.transformIgnorePatterns, '<rootDir>/dist/', '<rootDir>/src/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
}
