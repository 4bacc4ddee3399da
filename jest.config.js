// One jest run, several projects: each suite has the environment it needs.
const swc = require('./test/jest/swc.cjs')
const esmOnlyPackages = require('./test/jest/esm-only.cjs')

const node = (name, testMatch, extra = {}) => ({
  displayName: name,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  transform: { '^.+\\.ts$': swc, ...esmOnlyPackages.transform },
  transformIgnorePatterns: esmOnlyPackages.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'json'],
  ...extra,
})

module.exports = {
  projects: [
    // pure domain, contract types, tools: beside their code
    node('unit', [
      '<rootDir>/types/**/*.test.ts',
      '<rootDir>/cloudfunctions/**/*.test.ts',
      '<rootDir>/tools/**/*.test.ts',
      // the card layer is plain TS with no Taro import: node, not jsdom
      '<rootDir>/src/ble/**/*.test.ts',
    ]),
    // the api router on a fresh embedded database; store contract suite
    // on two adapters (one over the emulator) and two busy cores, a single case may take seconds: a
    // timeout is not what these suites test
    node('integration', ['<rootDir>/test/integration/**/*.test.ts'], { testTimeout: 30_000 }),
    // what the builds produced: Alipay pages, function bundles
    node('builds', ['<rootDir>/test/builds/**/*.test.ts']),
    // Chromium against the local server
    node('browser', ['<rootDir>/test/browser/**/*.test.ts']),
    // page and component tests on Taro's H5 components
    '<rootDir>/test/jest/components.config.js',
    // miniprogram-simulate on the real WeChat output
    '<rootDir>/test/jest/simulator.config.js',
  ],
}
