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
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: zodMessage, allowTypeImports: true }],
          patterns: [
            { group: ['**/cloudfunctions/**', '**/tools/**'] },
            { group: ['zod/*'], message: zodMessage, allowTypeImports: true },
            // types/ itself (its index re-exports every schema)
            { regex: '(^|/)types(/index)?$', message: zodMessage, allowTypeImports: true },
            // any module of types/ but the zod-free ones
            { regex: `(^|/)types/(?!(${zodFree})$)`, message: zodMessage, allowTypeImports: true },
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
