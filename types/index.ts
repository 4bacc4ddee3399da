// The whole contract, schemas included: server code and tests import from here; src/ only
// `import type` (eslint.config.mjs), so zod never reaches the phone.
export * from './api'
export * from './common'
export * from './enums'
export * from './errors'
export * from './money'
export * from './schemas/enums'
export * from './schemas/money'
