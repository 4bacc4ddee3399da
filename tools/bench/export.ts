/**
 * One export of 20,000 充值记录 rows, the size a fleet account asks for (issue 11: ≤ 3 s, ≤ 200 MB
 * RSS; the api function has 256 MB in cloudbaserc.json), through the real job runner: store pages
 * of 500 through the list's query and mapper, exceljs's streaming WorkbookWriter, FileStorage.
 * Two setups, each in a fresh Node process so the memory figures are its own:
 * - sqlite: the embedded database and the local files directory (`npm start`);
 * - cloudbase: the CloudBase adapters through the real wx-server-sdk against the emulator
 *   (database and cloud storage in this process too, so its RSS includes the emulator's copy of
 *   the 20,000 documents and of the file).
 * Peak RSS and heap are sampled every 5 ms during the export (baseline = just before it).
 * Run: npx tsx tools/bench/export.ts — prints the numbers and writes them to docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process'
import { buildSync } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { runExportJobs } from '../../cloudfunctions/core/exports/jobs'
import { queueExport } from '../../cloudfunctions/core/exports/requests'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import type { FileStorage } from '../../cloudfunctions/ports/files'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { fen } from '../../types/money'
import { openEmulatedDatabase } from '../cloudbase-emulator/install'
import { openEmulatedStorage } from '../cloudbase-emulator/storage'
import { writeBenchmarkSection } from './benchmarksDoc'

const ROWS = 20_000
const CARDS = 200
const ACCOUNT = 'acc-bench-fleet'
const now = new Date('2026-12-02T02:00:00Z')

type Setup = 'sqlite' | 'cloudbase'

interface Measure {
  setup: Setup
  rows: number
  ms: number
  fileKB: number
  baselineRssMB: number
  peakRssMB: number
  peakHeapMB: number
  /** Buffers outside the JS heap (zip output, query results in native memory). */
  peakExternalMB: number
  /** The process's peak over its whole life (seeding included), from getrusage. */
  maxRssMB: number
}

/** The fleet's cards and vehicles, and 20,000 recharge orders over the last 600 days (a third to cards). */
function documents(): Record<string, Array<Doc & { id: string }>> {
  const cards: CardDoc[] = []
  const vehicles: VehicleDoc[] = []
  for (let i = 0; i < CARDS; i++) {
    const at = new Date(now.getTime() - 900 * 86_400_000).toISOString()
    cards.push({
      id: `card-${i}`,
      cardNo: `3301${String(2024000000000000 + i)}`,
      accountId: ACCOUNT,
      vehicleId: `veh-${i}`,
      status: 'issued',
      issuedAt: at,
      updatedAt: at,
      type: 'stored',
      balance: fen(10_000),
    })
    vehicles.push({
      id: `veh-${i}`,
      accountId: ACCOUNT,
      plate: `浙A${String(10000 + i)}`,
      plateColor: '蓝',
      scope: 'current',
      cardId: `card-${i}`,
      tagId: null,
      cardType: 'stored',
      cardStatus: 'issued',
      parkingAuthorized: false,
      lastOperatedAt: null,
      createdAt: at,
    })
  }
  const orders: RechargeOrderDoc[] = []
  for (let i = 0; i < ROWS; i++) {
    const createdAt = new Date(now.getTime() - 3_600_000 - i * 2_591_000)
    const target: RechargeOrderDoc['target'] =
      i % 3 === 0 ? { kind: 'card', cardId: `card-${i % CARDS}` } : { kind: 'account' }
    orders.push({
      id: `R${String(20260000000000 + i)}${String(100000000 + i)}`,
      accountId: ACCOUNT,
      target,
      amount: fen(1 + ((i * 7919) % 5_000_000)),
      channel: i % 2 === 0 ? 'wechat' : 'alipay',
      merchantId: 'mch',
      payerId: 'payer',
      source: i % 2 === 0 ? 'wechat' : 'alipay',
      status: 'paid',
      createdAt: createdAt.toISOString(),
      expiresAt: createdAt.toISOString(),
      launch: null,
      paidAt: createdAt.toISOString(),
      providerTradeNo: `4200${String(i).padStart(24, '0')}`,
      creditedTo: target,
      closedAt: null,
      refundNo: null,
      queriedAt: null,
    })
  }
  const asDocs = <T extends { id: string }>(list: T[]) => list.map((d) => ({ ...d }) as Doc & { id: string })
  return {
    [collections.cards]: asDocs(cards),
    [collections.vehicles]: asDocs(vehicles),
    [collections.rechargeOrders]: asDocs(orders),
  }
}

/** The sqlite database of the documents, written by the parent so the measured process only opens it. */
function seedSqlite(dir: string): void {
  const store = openSqliteStore(join(dir, 'bench.sqlite'))
  for (const [collection, list] of Object.entries(documents())) store.bulkSet(collection, list)
  store.close()
}

async function open(
  setup: Setup,
  dir: string,
): Promise<{ store: Store; files: FileStorage; close(): unknown }> {
  if (setup === 'sqlite') {
    const store = openSqliteStore(join(dir, 'bench.sqlite'))
    return { store, files: createLocalFiles(join(dir, 'exports')), close: () => store.close() }
  }
  // the emulator is the database here: its copy of the documents lives in this process
  const docs = documents()
  const { emulator, database } = openEmulatedDatabase()
  for (const name of [collections.exports, collections.exportSlots, collections.rateLimits])
    emulator.createCollection(name)
  emulator.load(
    Object.fromEntries(
      Object.entries(docs).map(([name, list]) => [name, list.map((d) => ({ ...d, _id: d.id }))]),
    ),
  )
  const { storage, cloud } = openEmulatedStorage({ emulator })
  return {
    store: createCloudbaseStore(database),
    files: createCloudbaseFiles(cloud, { spoolDir: dir }),
    close: () => storage.close(),
  }
}

/** One measured export in this process; answers its figures as JSON on stdout. */
async function child(setup: Setup, dir: string): Promise<void> {
  const { store, files, close } = await open(setup, dir)
  const { doc } = await queueExport(
    store,
    {
      accountId: ACCOUNT,
      key: 'bench-export-0001',
      kind: 'rechargeRecords',
      filter: { from: '2024-01-01', to: '2026-12-02' },
    },
    now,
  )
  global.gc?.()
  const mb = (bytes: number) => bytes / 1024 / 1024
  const baseline = process.memoryUsage()
  let peakRss = baseline.rss
  let peakHeap = baseline.heapUsed
  let peakExternal = baseline.external
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
    peakExternal = Math.max(peakExternal, m.external)
  }, 5)
  const t0 = performance.now()
  const report = await runExportJobs({ store, files }, now, 120_000)
  const ms = performance.now() - t0
  clearInterval(sampler)
  const done = await store.get<{ rowCount: number; sizeBytes: number } & Doc>(collections.exports, doc.id)
  if (report.ready !== 1 || !done) throw new Error(`export did not finish: ${JSON.stringify(report)}`)
  const measure: Measure = {
    setup,
    rows: done.rowCount,
    ms,
    fileKB: done.sizeBytes / 1024,
    baselineRssMB: mb(baseline.rss),
    peakRssMB: mb(peakRss),
    peakHeapMB: mb(peakHeap),
    peakExternalMB: mb(peakExternal),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }
  await close()
  process.stdout.write(`${JSON.stringify(measure)}\n`)
}

/** A setup and the Node flags of its process. */
interface Run {
  setup: Setup
  flags: string[]
}

const runs: Run[] = [
  { setup: 'sqlite', flags: [] },
  // the export's live set is small: with the old space capped it still completes, in less RSS
  { setup: 'sqlite', flags: ['--max-old-space-size=64'] },
  { setup: 'cloudbase', flags: [] },
]

/**
 * This file compiled to plain JavaScript (packages left in node_modules), so the measured process
 * runs like a function's bundle: no TypeScript loader holding memory of its own.
 */
function compiledChild(): string {
  const outfile = join(__dirname, '..', '..', 'node_modules', '.cache', 'bench-export', 'export.cjs')
  buildSync({
    entryPoints: [__filename],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
  })
  return outfile
}

function measureIn({ setup, flags }: Run, child: string): Measure {
  const dir = mkdtempSync(join(tmpdir(), 'etc-bench-export-'))
  try {
    if (setup === 'sqlite') seedSqlite(dir)
    const args = [...flags, '--expose-gc', child, '--child', setup, dir]
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measure
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function main(): void {
  const child = compiledChild()
  const results = runs.map((run) => ({ ...measureIn(run, child), flags: run.flags.join(' ') || '–' }))
  const f = (n: number, d = 1) => n.toFixed(d)
  const rows = results.map(
    (r) =>
      `| ${r.setup} | ${r.flags} | ${r.rows} | ${f(r.ms / 1000, 2)} | ${f(r.fileKB, 0)} | ${f(r.baselineRssMB)} | ${f(r.peakRssMB)} | ${f(r.peakRssMB - r.baselineRssMB)} | ${f(r.peakHeapMB)} | ${f(r.peakExternalMB)} | ${f(r.maxRssMB)} |`,
  )
  const table = [
    '| setup | node flags | rows | export s | file KB | RSS before MB | peak RSS MB | RSS growth MB | peak heap MB | peak external MB | process max RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n')
  console.log(table)
  writeBenchmarkSection(
    'Export of 20,000 rows',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx tools/bench/export.ts\` (Node ${process.version}, 2-core machine): one 充值记录 export of ${ROWS} rows (${CARDS} cards) through runExportJobs — store pages of 500, exceljs streaming WorkbookWriter, FileStorage — each setup in a fresh Node process running this file compiled to plain JavaScript (as a function bundle runs, no TypeScript loader). Targets (issue 11): ≤ 3 s and ≤ 200 MB RSS; the functions have 256 MB (cloudbaserc.json). "process max RSS" is the measured process's peak over its life: on sqlite it only opens the database the parent wrote; on cloudbase it also builds the 20,000 documents and holds the emulator's copy of them and of the file (the database's memory, not the function's). V8 collects lazily while memory is plentiful: the capped run shows what the export itself needs.\n\n${table}`,
  )
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as Setup, process.argv[4]).catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
} else {
  main()
}
