// Packages that ship only ES modules (jose 6): jest 30 on Node 20 cannot require them,
// so they go through the same swc transform as our TypeScript.
const swc = require('./swc.cjs')

const packages = ['jose']

module.exports = {
  transform: { [`/node_modules/(${packages.join('|')})/.+\\.js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(${packages.join('|')})/)`],
}
