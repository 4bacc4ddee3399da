/**
 * The mini-programs run what we ship as is: project.config.json turns WeChat's ES6 transpiling
 * off, and the floor is WeChat base library 2.32.3. Every emitted script must therefore parse as
 * ES2017 (no `?.`, `??`, object spread, optional catch binding, newer regex syntax…): babel
 * transpiles src/ and types/ by the browserslist in package.json, and node_modules that reach
 * the bundles must already be ES2017 (config/index.ts `mini.compile.include` otherwise).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'acorn'
import { distDir, filesUnder, relative, root } from './distFiles'

function newerSyntax(files: string[]): string[] {
  const problems: string[] = []
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8')
    try {
      // Alipay's SJS files are ES modules
      parse(text, { ecmaVersion: 2017, sourceType: file.endsWith('.sjs') ? 'module' : 'script' })
    } catch (error) {
      const pos = (error as { pos?: number }).pos ?? 0
      problems.push(
        `${relative(file)}: ${(error as Error).message} near ${JSON.stringify(text.slice(Math.max(0, pos - 60), pos + 20))}`,
      )
    }
  }
  return problems
}

describe.each(['weapp', 'alipay'] as const)('dist/%s', (platform) => {
  test('every emitted script parses as ES2017', () => {
    const files = filesUnder(distDir(platform), /\.(js|wxs|sjs)$/)
    expect(files.length).toBeGreaterThan(0)
    expect(newerSyntax(files)).toEqual([])
  })
})

test('the parser refuses what ES2017 lacks', () => {
  for (const code of [
    'a?.b',
    'a ?? b',
    'x = { ...a }',
    'try {} catch {}',
    '/(?<y>\\d)/',
    'async function* g() {}',
  ])
    expect(newerSyntax([writeTemp(code)])).toHaveLength(1)
  expect(newerSyntax([writeTemp('async function f() { await g(); return [...a] }')])).toEqual([])
})

test('the declared floor: WeChat base library 2.32.3, no transpiling by the IDE, ES2017 targets', () => {
  const project = JSON.parse(fs.readFileSync(path.join(root, 'project.config.json'), 'utf8')) as {
    libVersion: string
    setting: { es6: boolean }
  }
  expect(project.libVersion).toBe('2.32.3')
  expect(project.setting.es6).toBe(false)
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    browserslist: string[]
  }
  expect(pkg.browserslist).toEqual(expect.arrayContaining(['chrome >= 58', 'ios >= 11']))
})

let tempDir: string | null = null
function writeTemp(code: string): string {
  tempDir ??= fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'mini-syntax-'))
  const file = path.join(tempDir, `${fs.readdirSync(tempDir).length}.js`)
  fs.writeFileSync(file, code)
  return file
}
afterAll(() => {
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true })
})
