// TypeScript for node-side suites: @swc/jest, CommonJS output.
module.exports = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: false }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
]
