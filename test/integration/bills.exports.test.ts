/**
 * The bills lists' exports on both Store adapters (local files beside SQLite, cloud storage through
 * wx-server-sdk on the emulator): each file opens with exceljs and holds, cell by cell, exactly
 * the rows its list pages through for the same filter.
 */
import ExcelJS from 'exceljs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { plateText } from '../../cloudfunctions/core/bills/exportKinds'
import { shanghaiDay } from '../../cloudfunctions/core/businessTime'
import { collections } from '../../cloudfunctions/core/documents'
import type { ExportDoc } from '../../cloudfunctions/core/exports/exportDocuments'
import { runExportJobs } from '../../cloudfunctions/core/exports/jobs'
import { shanghaiTimeText } from '../../cloudfunctions/core/exports/registry'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { FileStorage } from '../../cloudfunctions/ports/files'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedStorage } from '../../tools/cloudbase-emulator/storage'
import type {
  ActionName,
  BillDetailRow,
  BillStatisticsRow,
  ExportKind,
  RefundRow,
  TripRow,
} from '../../types/api'
import { formatYuan, type Fen } from '../../types/money'
import { adapters, apiCalls, seedDemoPerSuite, TestClock, wechatCallers, type Adapter } from './seededDemo'

const start = new Date('2026-12-20T02:00:00Z')
const demo = seedDemoPerSuite('bills-exports', start)
const ZHANG = 'acc-p-01-zhangwei'
const UNIT = 'acc-u-shunda'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

function filesFor(adapter: Adapter, store: unknown): FileStorage {
  if (adapter === 'cloudbase') {
    const { storage, cloud } = openEmulatedStorage({
      emulator: (store as { emulator: CloudbaseEmulator }).emulator,
    })
    cleanups.push(() => storage.close())
    return createCloudbaseFiles(cloud)
  }
  const dir = mkdtempSync(join(tmpdir(), 'etc-bills-export-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return createLocalFiles(dir)
}

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  cleanups.push(() => store.close())
  const clock = new TestClock(start.getTime())
  const files = filesFor(adapter, store)
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    exports: { files },
  })
  const { call, ok } = apiCalls(api)
  const bind = wechatCallers(store, clock, 'bills-exports', { validForMs: 40 * 86_400_000 })
  return { store, clock, files, call, ok, bind }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function sheetText(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  const rows: string[][] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = []
    for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text)
    rows.push(cells)
  })
  return rows
}

async function listRows<T>(w: World, action: ActionName, filter: object, caller: Caller): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const page = (await w.ok(action, { ...filter, cursor, limit: 50 }, caller)) as unknown as {
      items: T[]
      nextCursor: string | null
    }
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return items
}

let keys = 0
async function exportFile(w: World, kind: ExportKind, filter: object, caller: Caller): Promise<string[][]> {
  const created = await w.ok('exports.create', { key: `bills-export-${++keys}-key`, kind, filter }, caller)
  const report = await runExportJobs({ store: w.store, files: w.files }, w.clock.now(), 60_000)
  expect(report.ready).toBe(1)
  const doc = await w.store.get<ExportDoc & { [k: string]: unknown }>(collections.exports, created.id)
  if (!doc?.fileKey) throw new Error('no file')
  return sheetText(await readStream(await w.files.read(doc.fileKey)))
}

const yuan = (v: number) => formatYuan(v as Fen)
const stations = (entry: string | null, exit: string) => (entry ? `${entry} ${exit}` : exit)

describe.each(adapters)('bills exports on %s', (adapter) => {
  test('trips, bill details, refunds and bill statistics: the file is the list', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.bind(ZHANG, 'personal')

    const tripsFilter = { scene: 'etcHighway', from: '2026-01-01', to: '2026-12-20' }
    const trips = await listRows<TripRow>(w, 'trips.list', tripsFilter, zhang)
    expect(trips.length).toBeGreaterThan(50)
    expect(await exportFile(w, 'trips', tripsFilter, zhang)).toEqual([
      ['车牌号码', '通行时间', '扣款日期', 'ETC通行卡卡号', '收费金额(元)', '优惠金额(元)', '出入口站点'],
      ...trips.map((t) => [
        plateText(t.plate, t.plateColor),
        shanghaiTimeText(t.exitAt),
        t.deductionDate,
        t.cardNo,
        yuan(t.amount),
        yuan(t.discount),
        stations(t.entryStation, t.exitStation),
      ]),
    ])

    const detailsFilter = { period: 'year', key: '2026', scene: 'all' }
    const details = await listRows<BillDetailRow>(w, 'bills.details', detailsFilter, zhang)
    expect(details.some((d) => d.scene === 'refund')).toBe(true)
    expect(await exportFile(w, 'billDetails', detailsFilter, zhang)).toEqual([
      ['车牌号码', '通行时间', '扣款日期', 'ETC通行卡卡号', '出入口站点', '账单类型', '交易金额（元）'],
      ...details.map((d) => [
        plateText(d.plate, d.plateColor),
        shanghaiTimeText(d.exitAt),
        d.deductionDate,
        d.cardNo,
        stations(d.entryStation, d.exitStation),
        d.sceneLabel,
        yuan(d.amount),
      ]),
    ])

    const unit = await w.bind(UNIT, 'unit')
    const refundsFilter = { scene: 'highway', tripFrom: '2026-01-01', tripTo: '2026-12-20' }
    const refunds = await listRows<RefundRow>(w, 'refunds.list', refundsFilter, unit)
    expect(refunds.length).toBeGreaterThan(50)
    expect(await exportFile(w, 'refunds', refundsFilter, unit)).toEqual([
      ['车牌号码', '出入口收费站', '通行时间', '退费日期', '退款金额(元)', '退款状态'],
      ...refunds.map((r) => [
        plateText(r.plate, r.plateColor),
        stations(r.entryStation, r.exitStation),
        shanghaiTimeText(r.tripAt),
        shanghaiDay(new Date(r.refundAt)),
        yuan(r.amount),
        r.statusLabel,
      ]),
    ])

    // a year still open: the file, like the list, leaves out the months the 15th rule hides
    const statsFilter = { period: 'year', from: '2025', to: '2026' }
    const stats = await listRows<BillStatisticsRow>(w, 'bills.statistics', statsFilter, unit)
    expect(stats.length).toBeGreaterThan(200)
    expect(await exportFile(w, 'billStatistics', statsFilter, unit)).toEqual([
      ['车牌号码', '统计时间', 'ETC通行卡卡号', '总金额(元)'],
      ...stats.map((s) => [plateText(s.plate, s.plateColor), s.periodLabel, s.cardNo, yuan(s.net)]),
    ])
  }, 180_000)

  test('a bills export of a period not yet billed is refused like the list', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.bind(ZHANG, 'personal')
    const result = await w.call(
      'exports.create',
      { key: 'bills-export-future', kind: 'billDetails', filter: { period: 'month', key: '2026-12' } },
      zhang,
    )
    expect(result.ok ? null : result.error.code).toBe('INVALID_INPUT')
    expect(await w.store.count(collections.exports)).toBe(0)
  })
})
