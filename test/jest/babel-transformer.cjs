// babel-jest with the project's own babel.config.js (preset taro + babel-plugin-import for NutUI),
// plus the one rewrite @tarojs/test-utils-react needs: Taro's H5 API gets the React hooks.
const path = require('node:path')
const { createRequire } = require('node:module')

const jestRequire = createRequire(require.resolve('jest-config'))
const babelJest = jestRequire('babel-jest')
const apiLoader = require('@tarojs/plugin-framework-react/dist/api-loader.js')

const transformer = (babelJest.default ?? babelJest).createTransformer({
  configFile: path.resolve(__dirname, '../../babel.config.js'),
  babelrc: false,
})

const TARO_H5_RUNTIME = path.join('test-utils-react', 'dist', 'jest', 'runtime', 'taro-h5.js')

function rewrite(sourceText, sourcePath) {
  return sourcePath.includes(TARO_H5_RUNTIME) ? apiLoader(sourceText) : sourceText
}

module.exports = {
  ...transformer,
  process(sourceText, sourcePath, options) {
    return transformer.process(rewrite(sourceText, sourcePath), sourcePath, options)
  },
  processAsync(sourceText, sourcePath, options) {
    return transformer.processAsync(rewrite(sourceText, sourcePath), sourcePath, options)
  },
  getCacheKey(sourceText, sourcePath, options) {
    return transformer.getCacheKey(rewrite(sourceText, sourcePath), sourcePath, options)
  },
}
