/**
 * Package sizes of the mini-program builds (npm run size).
 * For dist/weapp and dist/alipay: the main package and each subpackage (roots from app.json),
 * in KB without source maps. Fails when a main package is over its budget; records the numbers
 * in docs/benchmarks.md under "Package sizes".
 */
import fs from 'node:fs'
import path from 'node:path'
import { writeBenchmarkSection } from './benchmarksDoc'

const ROOT = path.resolve(__dirname, '../..')
/** Main package budgets (the platforms allow 2 MB); lowered from 800 KB once zod left the clients. */
export const MAIN_BUDGET_KB: Record<string, number> = { weapp: 440, alipay: 400 }
const PLATFORMS = ['weapp', 'alipay'] as const
const BUILD_COMMAND: Record<string, string> = { weapp: 'npm run build:weapp', alipay: 'npm run build:alipay' }

interface PackageSize {
  name: string
  bytes: number
  files: number
}

interface PlatformSizes {
  platform: string
  main: PackageSize
  subpackages: PackageSize[]
}

function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(full))
    else if (entry.isFile() && !entry.name.endsWith('.map')) out.push(full)
  }
  return out
}

function subpackageRoots(appJson: unknown): string[] {
  if (typeof appJson !== 'object' || appJson === null) return []
  const app = appJson as { subPackages?: unknown; subpackages?: unknown }
  const list = Array.isArray(app.subPackages)
    ? app.subPackages
    : Array.isArray(app.subpackages)
      ? app.subpackages
      : []
  return list
    .map((p: unknown) => (typeof p === 'object' && p !== null ? (p as { root?: unknown }).root : undefined))
    .filter((r): r is string => typeof r === 'string')
    .map((r) => r.replace(/^\/+|\/+$/g, ''))
}

export function measure(distDir: string, platform: string): PlatformSizes {
  const appJson: unknown = JSON.parse(fs.readFileSync(path.join(distDir, 'app.json'), 'utf8'))
  const roots = subpackageRoots(appJson)
  const main: PackageSize = { name: 'main', bytes: 0, files: 0 }
  const subs = new Map<string, PackageSize>(roots.map((r) => [r, { name: r, bytes: 0, files: 0 }]))
  for (const file of listFiles(distDir)) {
    const rel = path.relative(distDir, file).split(path.sep).join('/')
    const root = roots.find((r) => rel === r || rel.startsWith(`${r}/`))
    const bucket = root ? subs.get(root) : main
    if (!bucket) continue
    bucket.bytes += fs.statSync(file).size
    bucket.files += 1
  }
  return { platform, main, subpackages: [...subs.values()] }
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1)

function h5Total(): { bytes: number; files: number } | null {
  const dir = path.join(ROOT, 'dist/h5')
  if (!fs.existsSync(dir)) return null
  // the build's .br/.gz copies (config/plugins/h5Precompress.ts) are the same files again
  const files = listFiles(dir).filter((f) => !/\.(LICENSE\.txt|br|gz)$/.test(f))
  return { bytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0), files: files.length }
}

function markdown(results: PlatformSizes[], h5: { bytes: number; files: number } | null): string {
  const date = new Date().toISOString().slice(0, 10)
  const lines = [
    `Measured ${date} with \`npm run size\` (after \`npm run build:weapp\`, \`npm run build:alipay\`${h5 ? ', `npm run build:h5`' : ''}).`,
    `KB = 1024 bytes, source maps excluded; main package budgets: ${Object.entries(MAIN_BUDGET_KB)
      .map(([platform, budget]) => `${platform} ${budget} KB`)
      .join(', ')} (platform limit 2 MB).`,
    '',
    '| build | package | KB | files |',
    '|---|---|---:|---:|',
  ]
  for (const r of results) {
    lines.push(`| ${r.platform} | main | ${kb(r.main.bytes)} | ${r.main.files} |`)
    for (const s of r.subpackages) lines.push(`| ${r.platform} | ${s.name} | ${kb(s.bytes)} | ${s.files} |`)
  }
  if (h5) lines.push(`| h5 | whole build (no gzip) | ${kb(h5.bytes)} | ${h5.files} |`)
  lines.push('')
  return lines.join('\n')
}

function main(): void {
  const results: PlatformSizes[] = []
  const problems: string[] = []
  for (const platform of PLATFORMS) {
    const dir = path.join(ROOT, 'dist', platform)
    if (!fs.existsSync(path.join(dir, 'app.json'))) {
      problems.push(`dist/${platform} 不存在或不完整：请先运行 \`${BUILD_COMMAND[platform]}\``)
      continue
    }
    const r = measure(dir, platform)
    results.push(r)
    console.log(`${platform}: main package ${kb(r.main.bytes)} KB (${r.main.files} files)`)
    for (const s of r.subpackages)
      console.log(`${platform}:   subpackage ${s.name} ${kb(s.bytes)} KB (${s.files} files)`)
    if (r.main.bytes > MAIN_BUDGET_KB[platform] * 1024) {
      problems.push(
        `${platform} 主包 ${kb(r.main.bytes)} KB 超过预算 ${MAIN_BUDGET_KB[platform]} KB：把非 tab 页面移到分包，检查是否误引入了整套 NutUI 样式，或运行时代码是否引入了 zod（test/builds/no-zod-in-clients.test.ts）`,
      )
    }
  }
  const h5 = h5Total()
  if (h5) console.log(`h5: whole build ${kb(h5.bytes)} KB (${h5.files} files)`)
  if (results.length > 0) writeBenchmarkSection('Package sizes', markdown(results, h5))
  if (problems.length > 0) {
    for (const p of problems) console.error(`✖ ${p}`)
    process.exit(1)
  }
  console.log('✔ main packages within budget; docs/benchmarks.md updated')
}

if (require.main === module) main()
