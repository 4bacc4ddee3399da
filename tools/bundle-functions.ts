import { build, type Plugin } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'

const repoRoot = resolve(__dirname, '..')
const functionsDir = join(repoRoot, 'cloudfunctions', 'functions')

/** Each folder under cloudfunctions/functions with an index.ts is one deployable function. */
export function functionNames(): string[] {
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort()
}

/**
 * Packages CloudBase installs beside each bundle instead of esbuild inlining them: wx-server-sdk
 * (the runtime's own SDK) and svg-captcha (reads its font file relative to its own folder). Every
 * other dependency, the Tencent Cloud SMS and Alipay SDKs included, is bundled as locked.
 */
const runtimeExternals = ['wx-server-sdk', 'svg-captcha']

function runtimeDependencies(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>
    dependencies?: Record<string, string>
  }
  const found: Record<string, string> = { 'wx-server-sdk': '^4.0.2' }
  for (const name of runtimeExternals) {
    const version = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]
    if (version) found[name] = version
  }
  return found
}

/**
 * What of zod the server never runs, replaced by stand-ins so a cold start does not compile it:
 * - the `locales` namespace (z.locales, core.locales) imports all ~60 languages (366 KB). Our
 *   messages are explicit Chinese strings, and cloudfunctions/functions/api/validation.ts maps
 *   zod's built-in ones (English, which zod registers itself from locales/en.js) to Chinese by
 *   issue code; no code selects a locale. The namespace keeps zh-CN only.
 * - z.compile (core/compile.js, a code-generating fast path) and z.fromJSONSchema: unused; the
 *   stand-ins throw if that ever changes.
 */
const zodStandIns: Record<string, (file: string) => string> = {
  'locales/index.js': (file) =>
    `export { default as zhCN } from ${JSON.stringify(join(file, '..', 'zh-CN.js'))}\n`,
  'core/compile.js': () =>
    [
      'const unbundled = () => { throw new Error("z.compile is not bundled (tools/bundle-functions.ts)") }',
      'export const INVALID = Symbol.for("zod.compile.invalid")',
      'export class ZodCompileAsyncError extends Error {}',
      'export class ZodCompileUnsupportedError extends Error {}',
      'export const compile = unbundled',
      'export const withParser = unbundled',
      'export const compileFn = unbundled',
    ].join('\n'),
  'classic/from-json-schema.js': () =>
    'export function fromJSONSchema() { throw new Error("z.fromJSONSchema is not bundled (tools/bundle-functions.ts)") }',
}

const zodUnusedParts: Plugin = {
  name: 'zod-unused-parts',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /(locales\/index|compile|from-json-schema)\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined
      const file = join(args.resolveDir, args.path)
      const key = Object.keys(zodStandIns).find((suffix) =>
        file.split(sep).join('/').endsWith(`/v4/${suffix}`),
      )
      return key ? { path: file, namespace: 'zod-stand-in', pluginData: key } : undefined
    })
    pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-stand-in' }, (args) => ({
      contents: zodStandIns[args.pluginData as string](args.path),
      loader: 'js',
      resolveDir: join(args.path, '..'),
    }))
  },
}

/**
 * SDKs the code only loads on first use (`import()`: Tencent Cloud SMS when a code is sent,
 * alipay-sdk for Alipay OAuth). Each is bundled into its own file, <function>/vendor/<pkg>.js,
 * which index.js requires at that moment: a cold start neither evaluates nor even parses their
 * ~1.5 MB (undici, node-fetch, iconv-lite…). Still bundled as locked, not installed by CloudBase.
 */
export const lazyVendorPackages = [
  'tencentcloud-sdk-nodejs-sms',
  'alipay-sdk',
  'exceljs',
  // invoice PDFs (adapters/local/invoicePdf.ts imports them on first render)
  'pdf-lib',
  '@pdf-lib/fontkit',
] as const
const vendorFile = (pkg: string): string => `vendor/${pkg}.js`

const lazyVendorsAsFiles: Plugin = {
  name: 'lazy-vendors-as-files',
  setup(pluginBuild) {
    const names = lazyVendorPackages.map((pkg) => pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
    pluginBuild.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) => ({
      path: `./${vendorFile(args.path)}`,
      external: true,
    }))
  },
}

/**
 * svg-captcha stays external (it reads its font from its own folder), but its `require` parses
 * that font (opentype.js), a quarter of the bundle's cold start, for an action few calls need.
 * Our imports of it get a stand-in that requires the package on first property access.
 */
const lazyExternals = ['svg-captcha']
const lazyExternalsOnFirstUse: Plugin = {
  name: 'lazy-externals-on-first-use',
  setup(pluginBuild) {
    const filter = new RegExp(`^(${lazyExternals.join('|').replace(/[.*+?^${}()[\]\\]/g, '\\$&')})$`)
    pluginBuild.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-external'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-external' },
    )
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({
      contents: [
        'let loaded',
        `const load = () => (loaded ??= require(${JSON.stringify(args.path)}))`,
        'export default new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() })',
      ].join('\n'),
      loader: 'js',
    }))
  },
}

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `import()` becomes a deferred require: Node's import() of a CommonJS bundle would see only
  // `default`, not the named exports the code destructures
  supported: { 'dynamic-import': false },
  sourcemap: false,
  // Half the bytes to read and compile on each cold start.
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
} as const

/**
 * Bundles every function into outDir/<name>/index.js (CommonJS for CloudBase's Node 20
 * runtime) with a package.json that lets CloudBase install the runtime externals it requires.
 * Each function carries only what its entry reaches: payNotify (WeChat Pay) neither the Alipay nor
 * the SMS SDK; alipayNotify (RSA2 checks with node:crypto) alipay-sdk only as a vendor file that
 * no cold start loads; the api both SDKs as vendor files (test/builds/function-bundles.test.ts).
 * Each build replaces vendor/, so a lazy SDK a function no longer reaches goes away.
 */
export async function bundleFunctions(outDir = join(repoRoot, 'dist', 'cloudfunctions')): Promise<string[]> {
  const names = functionNames()
  const dependencies = runtimeDependencies()
  for (const name of names) {
    const target = join(outDir, name)
    mkdirSync(target, { recursive: true })
    rmSync(join(target, 'vendor'), { recursive: true, force: true })
    const result = await build({
      ...shared,
      entryPoints: [join(functionsDir, name, 'index.ts')],
      outfile: join(target, 'index.js'),
      external: Object.keys(dependencies),
      plugins: [zodUnusedParts, lazyVendorsAsFiles, lazyExternalsOnFirstUse],
      metafile: true,
    })
    // the lazy SDKs this function reaches, each as its own file beside index.js
    const imported = new Set(
      Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path)),
    )
    // CloudBase installs only the runtime externals this bundle requires (payNotify: no svg-captcha)
    const installed = Object.fromEntries(Object.entries(dependencies).filter(([pkg]) => imported.has(pkg)))
    for (const pkg of lazyVendorPackages) {
      if (!imported.has(`./${vendorFile(pkg)}`)) continue
      await build({
        ...shared,
        stdin: { contents: `module.exports = require(${JSON.stringify(pkg)})`, resolveDir: repoRoot },
        outfile: join(target, vendorFile(pkg)),
        external: Object.keys(dependencies),
      })
    }
    const manifest = {
      name,
      version: '1.0.0',
      private: true,
      main: 'index.js',
      dependencies: installed,
    }
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  }
  return names
}

if (require.main === module) {
  bundleFunctions().then(
    (names) =>
      console.log(`bundled ${names.length} function(s) into dist/cloudfunctions: ${names.join(', ')}`),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
