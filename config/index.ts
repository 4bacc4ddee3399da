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

interface ChunkModule {
  resource?: string
}
interface ChunkGraphLike {
  getModuleChunksIterable(module: ChunkModule): Iterable<unknown>
  getChunkModulesIterable(chunk: unknown): Iterable<ChunkModule>
}
const signInPage = /[\\/]src[\\/]packages[\\/]auth[\\/]pages[\\/]login[\\/]index\.tsx$/
/** Whether `module` is part of the sign-in page's chunk (the page itself or what it imports). */
function inSignInChunk(module: ChunkModule, chunkGraph: ChunkGraphLike): boolean {
  for (const chunk of chunkGraph.getModuleChunksIterable(module))
    for (const other of chunkGraph.getChunkModulesIterable(chunk))
      if (signInPage.test(other.resource ?? '')) return true
  return false
}

/**
 * H5 chunks. Taro splits only the entry's modules (`chunks: 'initial'`), so every page chunk carried
 * its own copy of @tarojs/components and of the NutUI code pages share. Here:
 * - `shell`, loaded with the entry: the Taro packages and the sign-in page with what it imports.
 *   Every visitor without a session lands on sign-in (home redirects there), so it paints without
 *   a second round trip for its chunks (tools/bench/lcp.ts);
 * - node_modules used by two or more page chunks, and our own modules used by two or more pages,
 *   in shared chunks (webpack names them by id), each loaded once and cached across pages.
 */
function h5Chunks(chain: { optimization: { splitChunks(options: unknown): unknown } }): void {
  const nodeModules = /[\\/]node_modules[\\/]/
  chain.optimization.splitChunks({
    chunks: 'all',
    minSize: 10_000,
    maxAsyncRequests: 10,
    maxInitialRequests: 6,
    cacheGroups: {
      default: false,
      defaultVendors: false,
      shell: {
        name: 'shell',
        test: (module: ChunkModule, { chunkGraph }: { chunkGraph: ChunkGraphLike }) =>
          /[\\/]node_modules[\\/]@tarojs[\\/]/.test(module.resource ?? '') ||
          inSignInChunk(module, chunkGraph),
        chunks: 'all',
        priority: 100,
        enforce: true,
      },
      vendors: {
        test: nodeModules,
        chunks: 'all',
        minChunks: 2,
        priority: 10,
        reuseExistingChunk: true,
      },
      common: {
        chunks: 'async',
        minChunks: 2,
        priority: 1,
        reuseExistingChunk: true,
      },
    },
  })
}

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'etc-self-service',
    date: '2026-11-23',
    designWidth,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [
      // dist/weapp/project.config.json: cloudfunctionRoot relative to dist/weapp
      path.resolve(__dirname, 'plugins/weappProjectConfig.ts'),
      // dist/h5: brotli and gzip copies of the text assets, for the server to send as they are
      path.resolve(__dirname, 'plugins/h5Precompress.ts'),
    ],
    defineConstants: {
      ALIPAY_API_BASE: JSON.stringify(process.env.ALIPAY_API_BASE || 'https://etc-api.example.invalid'),
      CLOUDBASE_ENV: JSON.stringify(process.env.CLOUDBASE_ENV || ''),
      PAY_LINK_PREFIX: JSON.stringify(process.env.PAY_LINK_PREFIX || 'https://etc-app.example.invalid/mp'),
    },
    alias: {},
    copy: {
      patterns:
        taroEnv === 'alipay'
          ? [{ from: 'config/mini.project.json', to: `dist/${taroEnv}/mini.project.json` }]
          : taroEnv === 'weapp'
            ? [{ from: 'src/sitemap.json', to: `dist/${taroEnv}/sitemap.json` }]
            : [],
      options: {},
    },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      // The API contract (types/) sits outside src/ and is TypeScript: compile it too. Output syntax
      // is ES2017 at most (browserslist in package.json; WeChat base library 2.32.3, es6 transpiling
      // off in project.config.json). Babel sees no other node_modules: none that reaches the
      // bundles ships newer syntax since zod left them (test/builds/mini-syntax.test.ts parses every
      // emitted file); one that does goes here, e.g. /[\\/]node_modules[\\/]some-package[\\/]/.
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
      webpackChain(chain) {
        h5Chunks(chain)
        // Taro's H5 API imports a fetch polyfill and a JSONP client: every target browser has
        // fetch (browserslist), and no request here is JSONP.
        // (webpack resolves an alias to `false` as an empty module; webpack-chain's types want a string)
        const emptyModule = false as unknown as string
        chain.resolve.alias.set('whatwg-fetch$', emptyModule).set('jsonp-retry$', emptyModule)
      },
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
      // images stay files (cached, fetched when shown), not base64 inside the first JS
      imageUrlLoaderOption: { limit: true, name: 'static/images/[name].[contenthash:8][ext]' },
      fontUrlLoaderOption: { name: 'static/fonts/[name].[contenthash:8][ext]' },
      mediaUrlLoaderOption: { name: 'static/media/[name].[contenthash:8][ext]' },
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
