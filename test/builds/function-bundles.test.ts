import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bundleFunctions } from '../../tools/bundle-functions'

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

test('the api bundle carries the production SMS and Alipay adapters, Alipay loaded on first use only', () => {
  const text = readFileSync(join(outDir, 'api', 'index.js'), 'utf8')
  expect(text).toContain('cloudfunctions/adapters/tencentSms/tencentSms.ts')
  expect(text).toMatch(/sms\.tencentcloudapi\.com/)
  expect(text).toContain('https://openapi.alipay.com/gateway.do')
  // alipay-sdk (urllib, undici) sits behind a lazy initialiser so the WeChat path never evaluates it.
  expect(text).toMatch(/var init_alipayOAuth = __esm\(/)
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
