import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

/**
 * The modules of types/ that build no zod schema: the only ones src/ may import at run time.
 * Everything else there (index, api, common, actions/*, schemas/*, …) builds schemas when loaded
 * and would ship zod to the phone; src/ may take types from them (`import type`), nothing more.
 * Add a module here only if it imports neither zod nor a module outside this list.
 */
const zodFreeTypes = [
  'enums',
  'money',
  'errors',
  'authRules',
  'dateRange',
  'moneyRules',
  'invoiceRules',
  'billRules',
  'outletRules',
]
const zodFree = zodFreeTypes.join('|')
const zodMessage =
  'zod 只在服务端和契约里使用：src/ 只能 `import type` 这个模块（运行时取值请从 types/enums、money、errors 等不含 zod 的模块导入）'

const srcPaths = [{ name: 'zod', message: zodMessage, allowTypeImports: true }]
const srcPatterns = [
  { group: ['**/cloudfunctions/**', '**/tools/**'] },
  { group: ['zod/*'], message: zodMessage, allowTypeImports: true },
  // types/ itself (its index re-exports every schema)
  { regex: '(^|/)types(/index)?$', message: zodMessage, allowTypeImports: true },
  // any module of types/ but the zod-free ones
  { regex: `(^|/)types/(?!(${zodFree})$)`, message: zodMessage, allowTypeImports: true },
]
const pageMessage =
  '页面模块在小程序构建里只保留默认导出：两个页面共用的视图请放到 components/ 下再导入（否则微信、支付宝里取到 undefined）'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test/artifacts/**',
      '.local/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // the domain core knows nothing of platforms or storage
    files: ['cloudfunctions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/adapters/**', '**/functions/**', 'wx-server-sdk', '@tarojs/*', 'better-sqlite3'] },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: srcPaths, patterns: srcPatterns }],
    },
  },
  {
    // a page module keeps only its default export in the mini-program builds (Taro's page loader):
    // a view two pages share lives in components/, or WeChat and Alipay render undefined. Tests run
    // the page modules as they are and may take their named views.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: srcPaths,
          patterns: [
            ...srcPatterns,
            { regex: '(^|/)pages/[^/]+(/index)?$', message: pageMessage, allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // the zod-free contract modules src/ imports at run time stay zod-free
    files: zodFreeTypes.map((name) => `types/${name}.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: zodMessage }],
          patterns: [
            { group: ['zod/*'], message: zodMessage },
            { regex: `^\\./(?!(${zodFree})$)`, message: zodMessage },
          ],
        },
      ],
    },
  },
)
