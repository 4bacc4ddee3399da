import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
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
  for (const pkg of ['tencentcloud-sdk-nodejs-sms', 'alipay-sdk']) {
    expect(text).toContain(`require("./vendor/${pkg}.js")`)
    expect(existsSync(join(outDir, 'api', 'vendor', `${pkg}.js`))).toBe(true)
  }
  // the api never writes export files: exceljs is the scheduler's
  expect(text.includes('vendor/exceljs.js')).toBe(false)
  expect(lazyVendorPackages).toEqual(expect.arrayContaining(['exceljs']))
  // zod's locales other than zh-CN stay out (messages are ours, or mapped by issue code)
  expect(text.includes('Ongeldige invoer')).toBe(false)
})

/** Loads a function's bundle in a fresh Node process; answers which modules that loaded. */
function loadedModules(script: string, name = 'api'): string[] {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const mod = require(${JSON.stringify(join(outDir, name, 'index.js'))});
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

describe('each payment function loads only the SDKs it uses', () => {
  const text = (name: string) => readFileSync(join(outDir, name, 'index.js'), 'utf8')
  const vendorFiles = (name: string) =>
    existsSync(join(outDir, name, 'vendor')) ? readdirSync(join(outDir, name, 'vendor')).sort() : []
  const installed = (name: string) =>
    Object.keys(
      (
        JSON.parse(readFileSync(join(outDir, name, 'package.json'), 'utf8')) as {
          dependencies: Record<string, string>
        }
      ).dependencies,
    )
  /** Modules a cold start of the bundle required, other than Node's own and wx-server-sdk's tree. */
  const sdkFiles = (name: string) =>
    loadedModules('', name).filter((file) =>
      /[\\/]vendor[\\/]|tencentcloud|alipay-sdk|svg-captcha/.test(file),
    )

  test('the api, payNotify and alipayNotify functions are bundled', () => {
    expect(names).toEqual(expect.arrayContaining(['api', 'payNotify', 'alipayNotify']))
  })

  test('payNotify (WeChat Pay through cloudPay) carries neither the Alipay nor the SMS SDK', () => {
    const bundle = text('payNotify')
    expect(vendorFiles('payNotify')).toEqual([])
    expect(installed('payNotify')).toEqual(['wx-server-sdk'])
    // (booleans: a failing toMatch would print the whole bundle)
    expect(
      [
        'alipay-sdk',
        'openapi.alipay.com',
        'sms.tencentcloudapi.com',
        'tencentcloud',
        'svg-captcha',
        'urllib',
      ].filter((marker) => bundle.includes(marker)),
    ).toEqual([])
    // the parts it needs are there: the callback source check and cloudPay's queryOrder
    expect(bundle.includes('wx_paycallback')).toBe(true)
    expect(bundle.includes('queryOrder')).toBe(true)
    expect(sdkFiles('payNotify')).toEqual([])
  })

  test('alipayNotify verifies with node:crypto: alipay-sdk only as a vendor file no cold start loads, no SMS SDK', () => {
    const bundle = text('alipayNotify')
    expect(vendorFiles('alipayNotify')).toEqual(['alipay-sdk.js'])
    expect(installed('alipayNotify')).toEqual(['wx-server-sdk'])
    expect(bundle.includes('require("./vendor/alipay-sdk.js")')).toBe(true)
    expect(
      ['sms.tencentcloudapi.com', 'tencentcloud', 'svg-captcha', 'undici', 'iconv-lite', 'urllib'].filter(
        (marker) => bundle.includes(marker),
      ),
    ).toEqual([])
    expect(bundle.includes('RSA-SHA256')).toBe(true)
    expect(sdkFiles('alipayNotify')).toEqual([])
  })

  test('no function but the api carries the SMS SDK, and no cold start requires a vendor file', () => {
    // scheduler included once it exists: it reaches the providers only when a job needs them
    for (const name of names.filter((n) => n !== 'api')) {
      expect([name, vendorFiles(name).filter((file) => file.startsWith('tencentcloud'))]).toEqual([name, []])
      expect([name, text(name).includes('sms.tencentcloudapi.com')]).toEqual([name, false])
      expect([name, sdkFiles(name)]).toEqual([name, []])
    }
  })

  test('the scheduler writes exports with exceljs from a vendor file that no cold start loads', () => {
    expect(vendorFiles('scheduler')).toEqual(expect.arrayContaining(['exceljs.js']))
    expect(text('scheduler').includes('require("./vendor/exceljs.js")')).toBe(true)
    expect(text('scheduler').length).toBeLessThan(600 * 1024)
    expect(sdkFiles('scheduler')).toEqual([])
  })

  test('the api keeps alipay-sdk lazy now that it opens Alipay trades too', () => {
    expect(text('api').includes('alipay.trade.create')).toBe(true)
    expect(sdkFiles('api')).toEqual([])
  })

  describe('a misconfigured deployment answers the provider a retry and logs why, in Chinese', () => {
    const saved = { ...process.env }
    let errors: string[] = []
    let spy: jest.SpyInstance
    beforeEach(() => {
      for (const key of Object.keys(process.env))
        if (/^(WECHAT_PAY_|ALIPAY_)/.test(key)) delete process.env[key]
      errors = []
      spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        errors.push(args.map(String).join(' '))
      })
    })
    afterEach(() => {
      process.env = { ...saved }
      spy.mockRestore()
    })
    const load = <T>(name: string) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(outDir, name, 'index.js')) as { main: (event: unknown, context: unknown) => Promise<T> }

    test('payNotify without WECHAT_PAY_SUB_MCH_ID: errcode ≠ 0 (WeChat calls again)', async () => {
      const { main } = load<{ errcode: number; errmsg: string }>('payNotify')
      const answer = await main({ outTradeNo: 'R1', resultCode: 'SUCCESS' }, {})
      expect(answer.errcode).not.toBe(0)
      expect(answer.errmsg).toContain('WECHAT_PAY_SUB_MCH_ID')
      expect(errors.join('\n')).toMatch(/微信支付未配置.*WECHAT_PAY_SUB_MCH_ID/)
    })

    test('alipayNotify: `fail` with status 200 for a missing PID, a wrong key, and 405 for a GET', async () => {
      const { main } = load<{ statusCode: number; body: string; headers: Record<string, string> }>(
        'alipayNotify',
      )
      const post = { httpMethod: 'POST', headers: {}, body: 'out_trade_no=R1', isBase64Encoded: false }
      const missing = await main(post, {})
      expect(missing).toMatchObject({ statusCode: 200, body: 'fail' })
      expect(missing.headers['content-type']).toMatch(/^text\/plain/)
      expect(errors.join('\n')).toMatch(/支付宝支付未配置.*ALIPAY_SELLER_ID/)

      Object.assign(process.env, {
        ALIPAY_SELLER_ID: '2088102177846880',
        ALIPAY_APP_ID: '2021000000000001',
        ALIPAY_PRIVATE_KEY: 'MIIB-not-a-key',
        ALIPAY_PUBLIC_KEY: 'MIIB-not-a-key',
      })
      expect(await main(post, {})).toMatchObject({ statusCode: 200, body: 'fail' })
      expect(errors.join('\n')).toMatch(/ALIPAY_PRIVATE_KEY 不是有效的 RSA 私钥/)

      expect(await main({ ...post, httpMethod: 'GET' }, {})).toMatchObject({ statusCode: 405, body: 'fail' })
    })
  })
})
