import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

const typesDir = path.resolve(__dirname, '..', 'types')
const taroEnv = process.env.TARO_ENV ?? 'weapp'

/** NutUI is drawn at 375 px; our own styles at 750 px. */
function designWidth(input?: string | number | { file?: string }): number {
  const file = typeof input === 'object' && input !== null ? input.file : undefined
  if (typeof file === 'string' && file.replace(/\\+/g, '/').includes('@nutui')) return 375
  return 750
}

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'etc-self-service',
    date: '2026-11-23',
    designWidth,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    defineConstants: {
      ALIPAY_API_BASE: JSON.stringify(process.env.ALIPAY_API_BASE || 'https://etc-api.example.invalid'),
      CLOUDBASE_ENV: JSON.stringify(process.env.CLOUDBASE_ENV || ''),
    },
    alias: {},
    copy: {
      patterns:
        taroEnv === 'alipay'
          ? [{ from: 'config/mini.project.json', to: `dist/${taroEnv}/mini.project.json` }]
          : [],
      options: {},
    },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      // the API contract (types/) sits outside src/ and is TypeScript: compile it too
      compile: { include: [typesDir] },
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      compile: { include: [typesDir] },
      staticDirectory: 'static',
      router: { mode: 'hash' },
      esnextModules: ['nutui-react'],
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      imageUrlLoaderOption: { name: 'static/images/[name].[contenthash:8].[ext]' },
      fontUrlLoaderOption: { name: 'static/fonts/[name].[contenthash:8].[ext]' },
      mediaUrlLoaderOption: { name: 'static/media/[name].[contenthash:8].[ext]' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  }
  if (process.env.NODE_ENV === 'development' || mode === 'development') {
    return merge({}, base, devConfig)
  }
  return merge({}, base, prodConfig)
})
