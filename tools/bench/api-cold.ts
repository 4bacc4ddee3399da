/**
 * The `api` function bundle's own cold start (npm run bench:api-cold): its size, and how long
 * `require` of dist/cloudfunctions/api/index.js takes in a fresh Node process that has already
 * loaded wx-server-sdk (CloudBase installs the SDK beside the bundle; its own ~300 ms is not
 * ours to cut). Median of 10 processes; fails over budget; records the numbers in
 * docs/benchmarks.md under "api function cold start".
 * Bundle first: npm run bundle:functions.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { writeBenchmarkSection } from './benchmarksDoc'

const ROOT = resolve(__dirname, '../..')
const BUNDLE = join(ROOT, 'dist', 'cloudfunctions', 'api', 'index.js')
const RUNS = Number(process.env.API_COLD_RUNS ?? 10)
const BUDGET_MS = 60

/** Runs in the child: wx-server-sdk first (untimed), then the bundle (timed). */
const CHILD = `
const { performance } = require('node:perf_hooks');
const sdkStart = performance.now();
require('wx-server-sdk');
const sdkMs = performance.now() - sdkStart;
const start = performance.now();
const mod = require(process.argv[1]);
const ms = performance.now() - start;
if (typeof mod.main !== 'function') throw new Error('the api bundle exports no main');
process.stdout.write(JSON.stringify({ ms, sdkMs }));
`

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function coldRequire(): { ms: number; sdkMs: number } {
  const out = execFileSync(process.execPath, ['-e', CHILD, BUNDLE], {
    cwd: ROOT,
    encoding: 'utf8',
    // The SDK only reads these when called; a bare environment keeps the runs comparable.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  })
  return JSON.parse(out) as { ms: number; sdkMs: number }
}

function main(): void {
  if (!existsSync(BUNDLE)) {
    console.error('✖ dist/cloudfunctions/api/index.js 不存在：请先运行 `npm run bundle:functions`')
    process.exit(1)
  }
  const bytes = statSync(BUNDLE).size
  coldRequire() // warms the OS file cache; not counted
  const runs = Array.from({ length: RUNS }, () => coldRequire())
  const ms = median(runs.map((r) => r.ms))
  const sdkMs = median(runs.map((r) => r.sdkMs))
  const kb = (bytes / 1024).toFixed(1)
  console.log(
    `api bundle ${kb} KB; cold require median ${ms.toFixed(1)} ms (budget ${BUDGET_MS} ms; runs ${runs
      .map((r) => r.ms.toFixed(0))
      .join(', ')}); wx-server-sdk itself ${sdkMs.toFixed(0)} ms`,
  )
  const date = new Date().toISOString().slice(0, 10)
  writeBenchmarkSection(
    'api function cold start',
    [
      `Measured ${date} with \`npm run bench:api-cold\` (after \`npm run bundle:functions\`): \`require\` of`,
      `dist/cloudfunctions/api/index.js in a fresh Node ${process.version} process that has already loaded`,
      `wx-server-sdk; median of ${RUNS} processes. Budget ${BUDGET_MS} ms.`,
      '',
      '| bundle KB | cold require median (ms) | min–max (ms) | wx-server-sdk require median (ms) |',
      '|---:|---:|---|---:|',
      `| ${kb} | ${ms.toFixed(1)} | ${Math.min(...runs.map((r) => r.ms)).toFixed(0)}–${Math.max(
        ...runs.map((r) => r.ms),
      ).toFixed(0)} | ${sdkMs.toFixed(0)} |`,
      '',
    ].join('\n'),
  )
  if (ms > BUDGET_MS) {
    console.error(`✖ api 冷启动 ${ms.toFixed(1)} ms 超过预算 ${BUDGET_MS} ms`)
    process.exit(1)
  }
  console.log('✔ api cold require within budget; docs/benchmarks.md updated')
}

if (require.main === module) main()
