// After each component/page test: unmount what was rendered, so tests do not see each other's DOM.
const { cleanup } = require('../../src/testing/render')

// @tarojs/test-utils-react 0.1.1 still calls react-dom/test-utils' act: drop that one deprecation notice.
const consoleError = console.error
console.error = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('ReactDOMTestUtils.act')) return
  consoleError(...args)
}

afterEach(() => {
  cleanup()
})
