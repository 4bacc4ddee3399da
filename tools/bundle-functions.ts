import { build } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

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
 * Bundles every function into outDir/<name>/index.js (CommonJS for CloudBase's Node 20
 * runtime) with a package.json that lets CloudBase install the runtime externals.
 */
export async function bundleFunctions(outDir = join(repoRoot, 'dist', 'cloudfunctions')): Promise<string[]> {
  const names = functionNames()
  const dependencies = runtimeDependencies()
  for (const name of names) {
    const target = join(outDir, name)
    mkdirSync(target, { recursive: true })
    await build({
      entryPoints: [join(functionsDir, name, 'index.ts')],
      outfile: join(target, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: Object.keys(dependencies),
      sourcemap: false,
      minify: false,
      legalComments: 'none',
      logLevel: 'warning',
    })
    const manifest = {
      name,
      version: '1.0.0',
      private: true,
      main: 'index.js',
      dependencies,
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
