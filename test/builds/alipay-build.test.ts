/**
 * What `npm run build:alipay` produced: every page of src/app.config.ts with a template and a
 * script, the project file for the Alipay IDE, and a main package under budget.
 */
import fs from 'node:fs'
import path from 'node:path'
import { MAIN_BUDGET_KB as BUDGETS, measure } from '../../tools/bench/size'

const root = path.resolve(__dirname, '../..')
const dist = path.join(root, 'dist/alipay')
const MAIN_BUDGET_KB = BUDGETS.alipay

interface AppConfig {
  pages: string[]
  subPackages?: Array<{ root: string; pages: string[] }>
}

function appConfig(): AppConfig {
  const g = globalThis as unknown as { defineAppConfig?: (c: AppConfig) => AppConfig }
  g.defineAppConfig = (c) => c
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(root, 'src/app.config.ts')) as { default: AppConfig }
  return mod.default
}

function allPages(config: AppConfig): string[] {
  const sub = (config.subPackages ?? []).flatMap((p) =>
    p.pages.map((page) => `${p.root.replace(/\/+$/, '')}/${page}`),
  )
  return [...config.pages, ...sub]
}

function nonEmpty(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).size > 0
}

describe('Alipay build (dist/alipay)', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(dist, 'app.json'))) {
      throw new Error('dist/alipay 不存在：请先运行 `npm run build:alipay`，再运行本测试')
    }
  })

  it('has a non-empty template (.axml) and script (.js) for every page of src/app.config.ts', () => {
    const pages = allPages(appConfig())
    expect(pages).toContain('packages/auth/pages/login/index')
    const missing = pages.filter(
      (p) => !nonEmpty(path.join(dist, `${p}.axml`)) || !nonEmpty(path.join(dist, `${p}.js`)),
    )
    expect(missing).toEqual([])
  })

  it('declares the same pages and subpackages in app.json', () => {
    const config = appConfig()
    const app = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8')) as AppConfig
    expect(app.pages).toEqual(config.pages)
    expect((app.subPackages ?? []).map((p) => p.root)).toEqual((config.subPackages ?? []).map((p) => p.root))
  })

  it('ships mini.project.json for the Alipay IDE', () => {
    const project = JSON.parse(fs.readFileSync(path.join(dist, 'mini.project.json'), 'utf8')) as {
      format?: number
    }
    expect(project.format).toBe(2)
  })

  it(`keeps the main package under ${MAIN_BUDGET_KB} KB`, () => {
    const sizes = measure(dist, 'alipay')
    const mainKb = sizes.main.bytes / 1024
    if (mainKb > MAIN_BUDGET_KB) {
      throw new Error(
        `Alipay 主包 ${mainKb.toFixed(1)} KB 超过 ${MAIN_BUDGET_KB} KB（运行 npm run size 查看明细）`,
      )
    }
    expect(sizes.subpackages.map((s) => s.name)).toContain('packages/auth')
  })
})
