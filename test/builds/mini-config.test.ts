/**
 * What the two mini-program builds declare (issue 8 item 20): WeChat loads components lazily,
 * ships a sitemap, asks for no ignored scope, and its project file points at the function
 * bundles; Alipay's app.json carries none of WeChat's keys.
 */
import fs from 'node:fs'
import path from 'node:path'
import { MAIN_BUDGET_KB, measure } from '../../tools/bench/size'
import { distDir, filesUnder, root } from './distFiles'

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T

interface AppJson {
  lazyCodeLoading?: string
  sitemapLocation?: string
  permission?: Record<string, unknown>
  window?: Record<string, unknown>
  [key: string]: unknown
}

/** Keys of app.json (and its window) that only WeChat reads. */
const wechatOnlyAppKeys = [
  '__usePrivacyCheck__',
  'lazyCodeLoading',
  'sitemapLocation',
  'permission',
  'requiredPrivateInfos',
  'requiredBackgroundModes',
  'style',
  'renderer',
  'componentFramework',
  'resolveAlias',
]
const wechatOnlyWindowKeys = [
  'navigationBarBackgroundColor',
  'navigationBarTextStyle',
  'navigationBarTitleText',
  'navigationStyle',
  'backgroundTextStyle',
]

describe('WeChat build (dist/weapp)', () => {
  let dist: string
  let app: AppJson
  beforeAll(() => {
    dist = distDir('weapp')
    app = readJson<AppJson>(path.join(dist, 'app.json'))
  })

  test('injects only the components a page renders', () => {
    expect(app.lazyCodeLoading).toBe('requiredComponents')
  })

  test('ships the sitemap app.json names, with rules', () => {
    expect(app.sitemapLocation).toBe('sitemap.json')
    const sitemap = readJson<{ rules: Array<{ action: string; page: string }> }>(
      path.join(dist, app.sitemapLocation as string),
    )
    expect(sitemap.rules.length).toBeGreaterThan(0)
    for (const rule of sitemap.rules) expect(['allow', 'disallow']).toContain(rule.action)
  })

  test(`keeps the main package within ${MAIN_BUDGET_KB.weapp} KB`, () => {
    const mainKb = measure(dist, 'weapp').main.bytes / 1024
    if (mainKb > MAIN_BUDGET_KB.weapp)
      throw new Error(
        `微信主包 ${mainKb.toFixed(1)} KB 超过 ${MAIN_BUDGET_KB.weapp} KB（运行 npm run size 查看明细）`,
      )
  })

  test('declares no scope.bluetooth permission (WeChat ignores it)', () => {
    expect(app.permission?.['scope.bluetooth']).toBeUndefined()
  })

  test.each([
    ['dist/weapp/project.config.json', () => path.join(dist, 'project.config.json')],
    ['project.config.json', () => path.join(root, 'project.config.json')],
  ])('%s points cloudfunctionRoot at the function bundles (dist/cloudfunctions)', (_name, file) => {
    const project = readJson<{ miniprogramRoot?: string; cloudfunctionRoot?: string }>(file())
    expect(project.cloudfunctionRoot).toBeDefined()
    const projectDir = path.dirname(file())
    // the IDE resolves both roots against the folder the project file sits in
    expect(path.resolve(projectDir, project.cloudfunctionRoot as string)).toBe(
      path.join(root, 'dist', 'cloudfunctions'),
    )
    expect(path.resolve(projectDir, project.miniprogramRoot ?? './')).toBe(dist)
  })
})

describe('Alipay build (dist/alipay)', () => {
  test("app.json carries none of WeChat's keys", () => {
    const app = readJson<AppJson>(path.join(distDir('alipay'), 'app.json'))
    expect(Object.keys(app).filter((key) => wechatOnlyAppKeys.includes(key))).toEqual([])
    expect(Object.keys(app.window ?? {}).filter((key) => wechatOnlyWindowKeys.includes(key))).toEqual([])
    // Alipay's own spelling of what the source says in WeChat's
    expect(app.window).toMatchObject({ defaultTitle: '浙江ETC', titleBarColor: '#ffffff' })
  })

  test('ships no sitemap or WeChat project file', () => {
    const dist = distDir('alipay')
    expect(fs.existsSync(path.join(dist, 'sitemap.json'))).toBe(false)
    expect(fs.existsSync(path.join(dist, 'project.config.json'))).toBe(false)
  })
})

describe.each(['weapp', 'alipay'] as const)('the outlet pay code in dist/%s', (platform) => {
  test('links to the prefix the build was given (PAY_LINK_PREFIX), substituted, not looked up', () => {
    const expected = (process.env.PAY_LINK_PREFIX || 'https://etc-app.example.invalid/mp').replace(/\/+$/, '')
    const scripts = filesUnder(path.join(distDir(platform), 'packages', 'outlet'), /\.js$/).map((file) =>
      fs.readFileSync(file, 'utf8'),
    )
    expect(scripts.some((code) => code.includes(JSON.stringify(expected)))).toBe(true)
    for (const code of scripts) expect(code).not.toMatch(/\bPAY_LINK_PREFIX\b/)
  })
})
