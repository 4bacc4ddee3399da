// Component and page tests on Taro's real H5 components and NutUI (jsdom).
const path = require('node:path')

const root = path.resolve(__dirname, '../..')
const testUtils = path.dirname(require.resolve('@tarojs/test-utils-react/package.json'))

// ESM packages under node_modules that jest must transform
const esm = [
  '@tarojs',
  '@nutui',
  '@stencil',
  'lodash-es',
  '\\.pnpm',
  'style-inject',
  'swiper',
  'ssr-window',
  'dom7',
  'tslib',
  'query-string',
  'decode-uri-component',
  'split-on-first',
  'filter-obj',
]

module.exports = {
  displayName: 'components',
  rootDir: root,
  testEnvironment: 'jsdom',
  testEnvironmentOptions: { url: 'http://localhost/', customExportConditions: ['node', 'node-addons'] },
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
  // src/ble runs in the unit project (plain TS, node)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/ble/'],
  setupFiles: [path.join(testUtils, 'dist/jest/jest.setup.js'), '<rootDir>/test/jest/setup-components.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/jest/after-env-components.cjs'],
  transform: { '^.+\\.(mjs|cjs|js|jsx|ts|tsx)$': '<rootDir>/test/jest/babel-transformer.cjs' },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    '@tarojs/taro$': path.join(testUtils, 'dist/jest/runtime/taro-h5.js'),
    '@tarojs/components$': '@tarojs/components/lib/react/index',
    '\\.(css|less|sass|scss|styl)$': '<rootDir>/test/jest/empty-module.cjs',
  },
  globals: {
    ENABLE_INNER_HTML: true,
    ENABLE_ADJACENT_HTML: true,
    ENABLE_SIZE_APIS: true,
    DEPRECATED_ADAPTER_COMPONENT: false,
    ENABLE_TEMPLATE_CONTENT: true,
    ENABLE_MUTATION_OBSERVER: true,
    ENABLE_CLONE_NODE: true,
    ENABLE_CONTAINS: true,
    __TARO_FRAMEWORK__: 'react',
    ALIPAY_API_BASE: 'https://etc-api.example.invalid',
    CLOUDBASE_ENV: '',
    PAY_LINK_PREFIX: 'https://etc-app.example.invalid/mp',
  },
}
