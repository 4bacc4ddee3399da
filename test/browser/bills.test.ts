/**
 * Bills in the real H5 build, in Debian's chromium, against the local server (real api router,
 * real sqlite store, the demo's year of trips): 张伟 opens 账单 → 账单统计, sees this year's bill
 * per vehicle and card and the monthly trend drawn by F2 on the canvas (its pixels read back: the
 * bars are there), opens 通行流水, a trip's detail, and exports the trips, which 导出记录 lists as
 * done with as many rows as the list counted. What the pages show is compared with what the
 * router answered the browser (observed, never mocked). Screenshots at a 375 px phone width.
 */
import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type {
  BillDetailsPage,
  BillStatisticsPage,
  BillTrend,
  ExportRecordView,
  RefundsPage,
  TripDetail,
  TripsPage,
} from '../../types/api'
import { formatYuan, type Fen } from '../../types/money'
import {
  answerOf,
  dataOf,
  settled,
  settlesTo,
  shown,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
  smsLogin,
} from './browserWorld'
import { demoLogin } from './demoLogins'

jest.setTimeout(90_000)

// The 20th: past the 15th, so October's bill is out; the demo's trips cover the year before.
const now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld

const yuan = (amount: Fen) => `${formatYuan(amount)}元`

/**
 * Pixels of the chart's canvas: how many are drawn at all and how many are the bars' orange
 * (#fa6400, allowing for anti-aliasing), read back from the 2d context F2 drew on.
 */
async function canvasPixels(page: Page, id: string): Promise<{ width: number; drawn: number; bars: number }> {
  return page.evaluate((canvasId) => {
    const host = Array.from(document.querySelectorAll(`#${canvasId}`)).find(
      (e) => (e as HTMLElement).offsetParent !== null,
    )
    const canvas = host?.tagName === 'CANVAS' ? (host as HTMLCanvasElement) : host?.querySelector('canvas')
    const context = canvas?.getContext('2d')
    if (!canvas || !context) return { width: 0, drawn: 0, bars: 0 }
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
    let drawn = 0
    let bars = 0
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue
      drawn++
      if (Math.abs(data[i] - 0xfa) < 24 && Math.abs(data[i + 1] - 0x64) < 24 && data[i + 2] < 40) bars++
    }
    return { width: canvas.width, drawn, bars }
  }, id)
}

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'bills' })
}, 60_000)

afterAll(() => world?.close())

test('a driver views a year of bills with its trend chart, a trip, and exports the trips', async () => {
  const login = demoLogin(world.logins, 'personal')
  const page = await world.openPhone()
  await page.setViewportSize({ width: 375, height: 812 })
  const result = await smsLogin(world, page, login)
  if (result.next !== 'home') throw new Error(`login did not reach home: ${result.next}`)
  await waitShown(page, '.home-greeting')

  // 账单 tab: the hub
  await tap(page, '.weui-tabbar__item', '账单')
  await waitShown(page, '.bills-hub-statistics', '账单统计')
  await snap(page, 'bills-01-hub.png')

  // 账单统计: 按年, this year up to October (the 20th: October's bill is out)
  const statisticsAnswer = answerOf<BillStatisticsPage>(page, 'bills.statistics')
  const trendAnswer = answerOf<BillTrend>(page, 'bills.trend')
  await tap(page, '.bills-hub-statistics')
  const statistics = dataOf(await statisticsAnswer)
  const trend = dataOf(await trendAnswer)
  expect(statistics.period).toBe('year')
  expect(statistics.latestMonth).toBe('2026-10')
  expect(statistics.total).toBeGreaterThan(0)
  expect(statistics.items.every((r) => r.periodLabel === '2026年')).toBe(true)
  expect(trend.months.map((m) => m.month)).toEqual([
    '2026-01',
    '2026-02',
    '2026-03',
    '2026-04',
    '2026-05',
    '2026-06',
    '2026-07',
    '2026-08',
    '2026-09',
    '2026-10',
  ])
  expect(trend.months.some((m) => m.net > 0)).toBe(true)

  await settlesTo(
    () => shown(page, '.bills-statistics__rule').first().innerText(),
    '当月15日之后查询上月的账单：目前可查询到 2026年10月 的账单。如需导出账单明细，请在【账单明细】中查询导出。',
  )
  await settlesTo(
    () => shown(page, '.list-with-filters__total').first().innerText(),
    `共 ${statistics.total} 条`,
  )
  await settlesTo(
    () => shown(page, '.bills-summary__item--net .bills-summary__value').first().innerText(),
    yuan(statistics.totals.net),
  )
  const firstRow = statistics.items[0]
  const rowText = await shown(page, '.bills-statistics-row').first().innerText()
  expect(rowText).toContain(firstRow.plate)
  expect(rowText).toContain(firstRow.cardNo)
  expect(rowText).toContain(formatYuan(firstRow.net))
  // the trend's numbers under the chart are the router's
  const octoberNet = trend.months[9].net
  await waitShown(page, '.trend-chart__value', `10月¥${formatYuan(octoberNet)}`)

  // the chart is drawn: F2's bars are on the canvas, not a blank one
  const pixels = await settled(
    () => canvasPixels(page, 'bills-trend-month'),
    (p) => p.bars > 200,
  )
  expect(pixels.width).toBeGreaterThan(0)
  expect(pixels.bars).toBeGreaterThan(200)
  await (await waitShown(page, '.bills-trend')).scrollIntoViewIfNeeded()
  await snap(page, 'bills-02-statistics.png')

  // 按车辆: one bar per vehicle, drawn as well
  await tap(page, '.bills-trend__mode-vehicle')
  await waitShown(page, '.trend-chart__title', '各车辆账单金额')
  const vehiclePixels = await settled(
    () => canvasPixels(page, 'bills-trend-vehicle'),
    (p) => p.bars > 100,
  )
  expect(vehiclePixels.bars).toBeGreaterThan(100)
  await snap(page, 'bills-03-statistics-vehicles.png')

  // back to the hub, then 通行流水查询: ETC高速 of the last year
  await tap(page, '.nav-bar__back')
  const tripsAnswer = answerOf<TripsPage>(page, 'trips.list')
  await tap(page, '.bills-hub-trips')
  const trips = dataOf(await tripsAnswer)
  expect(trips.scene).toBe('etcHighway')
  expect(trips.total).toBeGreaterThan(0)
  await settlesTo(() => shown(page, '.list-with-filters__total').first().innerText(), `共 ${trips.total} 条`)
  await settlesTo(
    () => shown(page, '.bills-summary__item--amount .bills-summary__value').first().innerText(),
    yuan(trips.statistics.amount),
  )
  await snap(page, 'bills-04-trips.png')

  // a trip's detail: payment and invoice type
  const detailAnswer = answerOf<TripDetail>(page, 'trips.detail')
  await tap(page, '.bills-trip')
  const detail = dataOf(await detailAnswer)
  expect(detail.id).toBe(trips.items[0].id)
  await waitShown(page, '.bills-trip-payment', detail.payment.method)
  await waitShown(page, '.bills-trip-invoice', detail.invoiceType)
  await snap(page, 'bills-05-trip.png')
  await tap(page, '.nav-bar__back')

  // 导出 the trips shown: 导出记录 lists the file, done, with as many rows as the list counted
  const created = answerOf<ExportRecordView>(page, 'exports.create')
  await tap(page, '.export-button__export', '导出')
  const record = dataOf(await created)
  expect(record.kind).toBe('trips')
  const row = await waitShown(page, '.exports-record', record.label)
  await settlesTo(async () => (await row.locator('.exports-record__status').innerText()).trim(), '导出成功')
  // as many rows as the list counted
  await expect(row.innerText()).resolves.toContain(String(trips.total))
  await snap(page, 'bills-06-export-records.png')
  // 下载 fetches the file with the session: an xlsx of every trip the list counted
  const download = page.waitForEvent('download')
  await tap(page, '.exports-record__download', '下载')
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(await file.path())
  const sheet = workbook.worksheets[0]
  const texts: string[] = []
  sheet.eachRow((row) => texts.push(row.values ? String(row.values) : ''))
  expect(texts.filter((t) => t.includes(trips.items[0].plate)).length).toBeGreaterThan(0)
  expect(sheet.rowCount).toBeGreaterThan(trips.total)

  // 账单明细 of October: refunds are rows of their own and 合计 nets them
  await tap(page, '.nav-bar__back')
  await waitShown(page, '.bills-trips__tabs')
  await tap(page, '.nav-bar__back')
  await waitShown(page, '.bills-hub-details')
  const detailsAnswer = answerOf<BillDetailsPage>(page, 'bills.details')
  await tap(page, '.bills-hub-details')
  const details = dataOf(await detailsAnswer)
  expect(details).toMatchObject({ period: 'month', key: '2026-10', refundsNetted: true })
  expect(details.totals.net).toBe(details.totals.amount - details.totals.refunded)
  await settlesTo(
    () => shown(page, '.bills-summary__item--net .bills-summary__value').first().innerText(),
    yuan(details.totals.net),
  )
  await waitShown(page, '.bills-details__netted', '2026年10月：退费业务单独成行')
  await snap(page, 'bills-07-details.png')

  // 退费记录: 总退费 = 已退费 + 退费中, as the router counted them
  await tap(page, '.nav-bar__back')
  const refundsAnswer = answerOf<RefundsPage>(page, 'refunds.list')
  await tap(page, '.bills-hub-refunds')
  const refunds = dataOf(await refundsAnswer)
  expect(refunds.totals.total).toBe(refunds.totals.refunded + refunds.totals.refunding)
  await settlesTo(
    () => shown(page, '.bills-summary__item--total .bills-summary__value').first().innerText(),
    yuan(refunds.totals.total),
  )
  await waitShown(page, '.bills-refunds__notice', '0571-96866')
  await snap(page, 'bills-08-refunds.png')
})
