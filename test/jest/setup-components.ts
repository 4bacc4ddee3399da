/* eslint-disable @typescript-eslint/no-require-imports */
// Runs before each component/page test file (jest 'components' project).
process.env.TARO_ENV = 'h5'

// Taro's H5 router has an import cycle that only resolves when @tarojs/taro loads first.
require('@tarojs/taro')

// Taro's page hooks (usePullDownRefresh, useReachBottom…) find React through the framework
// runtime, which only learns it when an app or native component is created: tell it here.
const runtime = require('@tarojs/plugin-framework-react/dist/runtime') as {
  createH5NativeComponentConfig: (component: null, react: unknown, reactDom: unknown) => unknown
}
runtime.createH5NativeComponentConfig(null, require('react'), require('react-dom'))
