/**
 * H5 login page: Largest Contentful Paint in Debian's chromium (npm run bench:lcp).
 *
 * The local server (tools/server/server.ts) serves dist/h5 from a temporary database in a
 * process of its own, as `npm start` does. A phone-sized page (390×844) opens `/` with a cold cache, which lands on the
 * login page for a visitor without a session; the run ends once the phone field is visible and
 * the network is idle. Two profiles, each the median of 5 runs:
 * - throttled: CPU slowed 4× (Emulation.setCPUThrottlingRate), 150 ms latency, 1.6 Mbit/s down
 *   and 750 kbit/s up (Network.emulateNetworkConditions);
 * - unthrottled: loopback at full speed.
 * Also the JavaScript bytes the page transferred (encoded, as on the wire). Fails over budget;
 * records the numbers in docs/benchmarks.md under "H5 login LCP".
 * Build first: npm run build:h5.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { chromiumFlags, chromiumPath } from '../browser/chromium'
import { systemClock } from '../../cloudfunctions/ports/clock'
import { generateSecrets } from '../server/secrets'
import { createLocalServer } from '../server/server'
import { writeBenchmarkSection } from './benchmarksDoc'

const ROOT = resolve(__dirname, '../..')
const H5_DIR = join(ROOT, 'dist', 'h5')
const RUNS = Number(process.env.LCP_RUNS ?? 5)
const PATH = process.env.LCP_PATH ?? '/#/packages/auth/pages/login/index'
const READY_SELECTOR = '.login-phone'

interface Profile {
  name: string
  budgetMs: number
  cpuRate: number
  network: { latency: number; downloadThroughput: number; uploadThroughput: number } | null
}

const PROFILES: Profile[] = [
  {
    name: 'throttled (CPU 4×, 150 ms, 1.6 Mbit/s)',
    budgetMs: 2000,
    cpuRate: 4,
    network: { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
  },
  { name: 'unthrottled', budgetMs: 500, cpuRate: 1, network: null },
]

interface Run {
  lcpMs: number
  jsBytes: number
  jsFiles: number
}

interface ProfileResult {
  profile: Profile
  runs: Run[]
  lcpMedian: number
  jsBytesMedian: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Collects every LCP candidate from the first paint on. */
const LCP_OBSERVER = `
  window.__lcp = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__lcp = Math.max(window.__lcp, entry.startTime);
  }).observe({ type: 'largest-contentful-paint', buffered: true });
`

async function measureOnce(browser: Browser, url: string, profile: Profile): Promise<Run> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    await page.addInitScript(LCP_OBSERVER)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    if (profile.network) {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network })
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuRate })
    const scripts = new Set<string>()
    const inFlight = new Set<string>()
    let lastActivity = Date.now()
    let jsBytes = 0
    let jsFiles = 0
    cdp.on('Network.requestWillBeSent', (event) => {
      inFlight.add(event.requestId)
      lastActivity = Date.now()
    })
    cdp.on('Network.responseReceived', (event) => {
      if (event.type === 'Script') scripts.add(event.requestId)
    })
    cdp.on('Network.loadingFailed', (event) => {
      inFlight.delete(event.requestId)
      lastActivity = Date.now()
    })
    cdp.on('Network.loadingFinished', (event) => {
      inFlight.delete(event.requestId)
      lastActivity = Date.now()
      if (!scripts.has(event.requestId)) return
      jsBytes += event.encodedDataLength
      jsFiles += 1
    })
    await page.goto(url, { waitUntil: 'load' })
    await page.locator(READY_SELECTOR).first().waitFor({ state: 'visible' })
    // Network idle: nothing in flight for 500 ms (the hash route change confuses Playwright's own).
    const deadline = Date.now() + 60_000
    while (inFlight.size > 0 || Date.now() - lastActivity < 500) {
      if (Date.now() > deadline) throw new Error(`network never went idle (${inFlight.size} in flight)`)
      await page.waitForTimeout(100)
    }
    // Let a last paint after the idle network land before reading the candidates.
    await page.waitForTimeout(300)
    const lcpMs = await page.evaluate(() => (window as unknown as { __lcp: number }).__lcp)
    if (!(lcpMs > 0)) throw new Error('no largest-contentful-paint entry was recorded')
    return { lcpMs, jsBytes, jsFiles }
  } finally {
    await context.close()
  }
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1)

function markdown(results: ProfileResult[]): string {
  const date = new Date().toISOString().slice(0, 10)
  const lines = [
    `Measured ${date} with \`npm run bench:lcp\` (after \`npm run build:h5\`): the local server in its own process, Debian's chromium,`,
    `390×844 phone page, cold cache, \`${PATH}\` until the login page's phone field shows and the`,
    `network is idle; median of ${RUNS} runs. JS KB = script bytes on the wire (encoded, 1024 bytes).`,
    '',
    '| profile | LCP median (ms) | budget (ms) | runs (ms) | JS KB transferred | JS files |',
    '|---|---:|---:|---|---:|---:|',
  ]
  for (const r of results) {
    lines.push(
      `| ${r.profile.name} | ${r.lcpMedian.toFixed(0)} | ${r.profile.budgetMs} | ${r.runs
        .map((run) => run.lcpMs.toFixed(0))
        .join(', ')} | ${kb(r.jsBytesMedian)} | ${r.runs[0]?.jsFiles ?? 0} |`,
    )
  }
  lines.push('')
  return lines.join('\n')
}

/**
 * The local server in its own Node process, as `npm start` runs it: in this one its event loop
 * would share the CDP traffic of the measurement and delay the files it sends.
 */
async function startServerProcess(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, __filename, '--serve', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const line = out.split('\n').find((l) => l.startsWith('http://'))
      if (line) resolveUrl(line.trim())
    })
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before listening`)))
  })
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done())
        child.stdin?.end() // the child closes its server when its stdin ends
      }),
  }
}

/** Child mode: serve dist/h5 on a fresh database in `dir` until stdin ends. */
async function serve(dir: string): Promise<void> {
  const server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: systemClock,
    secrets: generateSecrets(),
    h5Dir: H5_DIR,
    port: 0,
  })
  process.stdout.write(`${server.url}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => {
    void server.close().then(() => process.exit(0))
  })
}

async function main(): Promise<void> {
  if (!existsSync(join(H5_DIR, 'index.html'))) {
    console.error('✖ dist/h5/index.html 不存在：请先运行 `npm run build:h5`')
    process.exit(1)
  }
  const dir = mkdtempSync(join(tmpdir(), 'etc-bench-lcp-'))
  const server = await startServerProcess(dir)
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: chromiumFlags,
  })
  const results: ProfileResult[] = []
  try {
    for (const profile of PROFILES) {
      // One unmeasured run warms the server's file cache and chromium's process pool.
      await measureOnce(browser, `${server.url}${PATH}`, profile)
      const runs: Run[] = []
      for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(browser, `${server.url}${PATH}`, profile))
      const result: ProfileResult = {
        profile,
        runs,
        lcpMedian: median(runs.map((r) => r.lcpMs)),
        jsBytesMedian: median(runs.map((r) => r.jsBytes)),
      }
      results.push(result)
      console.log(
        `${profile.name}: LCP median ${result.lcpMedian.toFixed(0)} ms (budget ${profile.budgetMs} ms; runs ${runs
          .map((r) => r.lcpMs.toFixed(0))
          .join(', ')}), JS ${kb(result.jsBytesMedian)} KB in ${runs[0].jsFiles} files`,
      )
    }
  } finally {
    await browser.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  writeBenchmarkSection('H5 login LCP', markdown(results))
  const over = results.filter((r) => r.lcpMedian > r.profile.budgetMs)
  for (const r of over)
    console.error(`✖ ${r.profile.name}: LCP ${r.lcpMedian.toFixed(0)} ms 超过预算 ${r.profile.budgetMs} ms`)
  if (over.length > 0) process.exit(1)
  console.log('✔ LCP within budget; docs/benchmarks.md updated')
}

if (require.main === module) {
  const serveAt = process.argv.indexOf('--serve')
  ;(serveAt >= 0 ? serve(process.argv[serveAt + 1]) : main()).catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
