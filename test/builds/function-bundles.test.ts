import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bundleFunctions, lazyVendorPackages } from '../../tools/bundle-functions'

const repoRoot = resolve(__dirname, '../..')
// Inside the repo so the bundles resolve their externals (wx-server-sdk, svg-captcha) from node_modules.
const cacheDir = join(repoRoot, 'node_modules', '.cache')
mkdirSync(cacheDir, { recursive: true })
const outDir = mkdtempSync(join(cacheDir, 'function-bundles-'))
let names: string[] = []

beforeAll(async () => {
  names = await bundleFunctions(outDir)
}, 120_000)
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

test('the api function is bundled', () => {
  expect(names).toContain('api')
})

test('each bundle loads, exports main, and carries no embedded database', () => {
  for (const name of names) {
    const file = join(outDir, name, 'index.js')
    const text = readFileSync(file, 'utf8')
    expect(text).not.toMatch(/better-sqlite3/)
    expect(text).not.toMatch(/require\(["']zod["']\)|require\(["']jose["']\)/)
    // The Tencent Cloud and Alipay SDKs are bundled (pinned by the lockfile), not installed by CloudBase.
    expect(text).not.toMatch(/require\(["'](tencentcloud-sdk-nodejs-[a-z]+|alipay-sdk|urllib)["']\)/)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { main?: unknown }
    expect(typeof mod.main).toBe('function')
    const manifest = JSON.parse(readFileSync(join(outDir, name, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    // Only the runtime externals are left for CloudBase to install; everything else is bundled.
    expect(Object.keys(manifest.dependencies)).toContain('wx-server-sdk')
    expect(
      Object.keys(manifest.dependencies).every((dep) => ['wx-server-sdk', 'svg-captcha'].includes(dep)),
    ).toBe(true)
  }
})

test('the api bundle carries the production SMS and Alipay adapters, their SDKs beside it in vendor/', () => {
  const text = readFileSync(join(outDir, 'api', 'index.js'), 'utf8')
  expect(text).toMatch(/sms\.tencentcloudapi\.com/)
  expect(text).toContain('https://openapi.alipay.com/gateway.do')
  // the SDKs (undici, node-fetch, iconv-lite…) are not even parsed on a cold start
  expect(text.length).toBeLessThan(600 * 1024)
  // (booleans: a failing toMatch would print the whole bundle)
  expect(['undici', 'iconv-lite', 'node-fetch'].filter((name) => text.includes(name))).toEqual([])
  for (const pkg of lazyVendorPackages) {
    expect(text).toContain(`require("./vendor/${pkg}.js")`)
    expect(existsSync(join(outDir, 'api', 'vendor', `${pkg}.js`))).toBe(true)
  }
  // zod's locales other than zh-CN stay out (messages are ours, or mapped by issue code)
  expect(text.includes('Ongeldige invoer')).toBe(false)
})

/** Loads the api bundle in a fresh Node process; answers which modules that loaded. */
function loadedModules(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const mod = require(${JSON.stringify(join(outDir, 'api', 'index.js'))});
       if (typeof mod.main !== 'function') throw new Error('no main');
       ${script}
       process.stdout.write(JSON.stringify(Object.keys(require.cache)))`,
    ],
    { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  )
  return JSON.parse(out) as string[]
}

test('a cold start requires neither the Tencent SMS SDK nor alipay-sdk nor svg-captcha', () => {
  const loaded = loadedModules('')
  expect(loaded.filter((file) => /[\\/]vendor[\\/]|tencentcloud|alipay-sdk|svg-captcha/.test(file))).toEqual(
    [],
  )
  expect(loaded.some((file) => /[\\/]wx-server-sdk[\\/]/.test(file))).toBe(true)
})

test('the lazily loaded SDK files work on their own', () => {
  const loaded = loadedModules(`
    const { sms } = require(${JSON.stringify(join(outDir, 'api', 'vendor', 'tencentcloud-sdk-nodejs-sms.js'))});
    if (typeof sms.v20210111.Client !== 'function') throw new Error('no SMS client');
    const { AlipaySdk } = require(${JSON.stringify(join(outDir, 'api', 'vendor', 'alipay-sdk.js'))});
    if (typeof AlipaySdk !== 'function') throw new Error('no AlipaySdk');`)
  expect(loaded.filter((file) => /[\\/]vendor[\\/]/.test(file))).toHaveLength(2)
})

test('the api bundle answers an HTTP-access event without secrets with a typed 500, not a crash', async () => {
  const saved = { ...process.env }
  delete process.env.SESSION_KEY
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main } = require(join(outDir, 'api', 'index.js')) as {
      main: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>
    }
    const response = await main(
      {
        httpMethod: 'POST',
        headers: {},
        body: JSON.stringify({ action: 'account.me' }),
        isBase64Encoded: false,
      },
      {},
    )
    expect(response.statusCode).toBe(500)
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' },
    })
  } finally {
    process.env = saved
    quiet.mockRestore()
  }
})
