/**
 * 发票服务 in the real H5 build, in Debian's chromium, against the local server (real api router,
 * real sqlite store, demo data): the fleet admin of 杭州顺达物流 filters the fleet to its stored-value
 * vehicles, sets a company title on all of them at once (a fleet batch over the filter, not the
 * loaded page) and finds it on one vehicle; a driver opens a single-trip invoice and its PDF (the
 * link answers a PDF). What the pages show is compared with what the router answered the browser
 * (observed, never mocked) and with what the store holds.
 */
import type { Page, Response } from 'playwright-core'
import {
  collections,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
} from '../../cloudfunctions/core/documents'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Condition, Doc } from '../../cloudfunctions/ports/store'
import type { DemoLogin } from '../../tools/demo/seed'
import type { LocalServer } from '../../tools/server/server'
import type {
  FleetApplyResult,
  FleetPreview,
  InvoiceDetail,
  InvoiceLink,
  InvoiceSettingsView,
  InvoicesPage,
  LoginResult,
} from '../../types/api'
import type { Page as ApiPage } from '../../types/common'
import {
  answerOf,
  dataOf,
  inputOf,
  settled,
  settlesTo,
  shown,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
  smsLogin as loginBySms,
} from './browserWorld'
import { demoLogin } from './demoLogins'

jest.setTimeout(90_000)

let now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld
let server: LocalServer

// a title no vehicle has yet (the seed gives some of the fleet the company's own), with a valid code
const TITLE = '顺达物流（宁波）有限公司'
const CREDIT_CODE = '91330206MA2B3C4D5J'

/** A 375 px phone (the narrowest the pages are drawn for), so the screenshots show any overflow. */
async function openNarrowPhone(): Promise<Page> {
  const page = await world.openPhone()
  await page.setViewportSize({ width: 375, height: 812 })
  return page
}

/** SMS login as a person would: code from the outbox, typed in; answers the router's login answer. */
async function smsLogin(page: Page, login: DemoLogin): Promise<Extract<LoginResult, { next: 'home' }>> {
  // past the per-phone cooldown and the per-caller minute limit of the other test
  now += 2 * 60_000
  const result = await loginBySms(world, page, login)
  if (result.next !== 'home') throw new Error(`login did not reach home: ${result.next}`)
  await waitShown(page, '.home-greeting', result.account.displayName)
  return result
}

async function all<T>(collection: string, where: Condition[]): Promise<T[]> {
  const out: T[] = []
  let after: string | undefined
  do {
    const page = await server.store.query<T & Doc>(collection, { where, limit: 200, after })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

/** Taro H5 inputs: the field's own <input>, inside the shown page. */
async function fill(page: Page, className: string, value: string): Promise<void> {
  const input = inputOf(page, className)
  await input.waitFor({ state: 'visible' })
  await input.fill(value)
}

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'invoices' })
  ;({ server } = world)
}, 60_000)

afterAll(() => world?.close())

test('the fleet admin sets a company title on every stored-value vehicle at once; one vehicle shows it', async () => {
  const page = await openNarrowPhone()
  const { account } = await smsLogin(page, demoLogin(world.logins, 'unit'))

  // 我的 → 发票服务 → 开票设置 → 批量设置
  await tap(page, '.weui-tabbar__item', '我的')
  await tap(page, '.me-menu-invoices', '发票服务')
  await waitShown(page, '.inv-list', '已开票查询')
  await tap(page, '.inv-list-settings')
  await tap(page, '.inv-settings-list__fleet')
  await waitShown(page, '.inv-fleet .list-with-filters__total', /共 \d+ 条/)

  // The store's stored-value fleet: what the filter must reach, loaded or not.
  const stored = await all<InvoiceSettingsDoc>(collections.invoiceSettings, [
    { field: 'accountId', op: 'eq', value: account.id },
    { field: 'cardType', op: 'eq', value: 'stored' },
    { field: 'scope', op: 'eq', value: 'current' },
  ])
  expect(stored.length).toBeGreaterThan(20) // more than one page: 全选 must mean the filter
  expect(stored.filter((s) => s.defaultTitle === TITLE)).toHaveLength(0)

  const filtered = answerOf<ApiPage<InvoiceSettingsView>>(
    page,
    'invoiceSettings.list',
    (p) => p.cardType === 'stored',
  )
  await tap(page, '.inv-fleet .list-with-filters__toggle')
  await tap(page, '.inv-fleet-card-stored', '储值卡')
  const listed = dataOf(await filtered)
  expect(listed.total).toBe(stored.length)
  expect(listed.items.length).toBeLessThan(stored.length)
  await waitShown(page, '.inv-fleet .list-with-filters__total', `共 ${stored.length} 条（储值卡）`)

  await tap(page, '.inv-fleet-select-all', `全选 ${stored.length} 辆`)
  await waitShown(page, '.inv-fleet__count', `已选 ${stored.length} 辆`)
  await fill(page, 'inv-fleet-title-name', TITLE)
  await fill(page, 'inv-fleet-title-tax', '91330206MA2B3C4D5X')
  await tap(page, '.inv-fleet-preview-button')
  await waitShown(page, '.inv-fleet-title-tax-error', '统一社会信用代码校验位不正确，请核对')
  await fill(page, 'inv-fleet-title-tax', CREDIT_CODE.toLowerCase())
  await snap(page, 'invoices-fleet-form.png')

  const previewed = answerOf<FleetPreview>(page, 'invoiceSettings.fleetPreview')
  await tap(page, '.inv-fleet-preview-button')
  const preview = dataOf(await previewed)
  expect(preview.willChange).toBe(stored.length)
  await waitShown(page, '.inv-fleet-preview__counts', `将修改 ${stored.length} 辆`)
  await (await waitShown(page, '.inv-fleet-preview')).scrollIntoViewIfNeeded()
  await snap(page, 'invoices-fleet-preview.png')

  await tap(page, '.inv-fleet-apply', `应用到 ${stored.length} 辆车`)
  await waitShown(page, '.nut-dialog', `确定对 ${stored.length} 辆车默认发票抬头设为“${TITLE}”吗？`)
  const batchCalls: FleetApplyResult[] = []
  const onResponse = (res: Response) => {
    const body = res.request().postData() ?? ''
    if (res.url().endsWith('/api') && body.includes('invoiceSettings.fleetApply'))
      void res.json().then((r: { data?: FleetApplyResult }) => r.data && batchCalls.push(r.data))
  }
  page.on('response', onResponse)
  await tap(page, '.nut-dialog-footer-ok')
  const result = await waitShown(page, '.inv-fleet-result', `已为 ${stored.length} 辆车完成修改`)
  page.off('response', onResponse)
  expect(await result.innerText()).toContain(TITLE)
  const final = batchCalls.at(-1)
  expect(final).toMatchObject({ state: 'done', total: stored.length, changed: stored.length, failed: 0 })
  expect(new Set(batchCalls.map((c) => c.batchKey)).size).toBe(1)
  await result.scrollIntoViewIfNeeded()
  await snap(page, 'invoices-fleet-result.png')

  // The store: every stored-value vehicle has the company title as its default; the rest do not.
  const after = await all<InvoiceSettingsDoc>(collections.invoiceSettings, [
    { field: 'accountId', op: 'eq', value: account.id },
    { field: 'scope', op: 'eq', value: 'current' },
  ])
  expect(after.filter((s) => s.cardType === 'stored').every((s) => s.defaultTitle === TITLE)).toBe(true)
  expect(after.filter((s) => s.cardType === 'credit' && s.defaultTitle === TITLE)).toHaveLength(0)
  const one = stored[stored.length - 1]
  const titles = await all<InvoiceTitleDoc>(collections.invoiceTitles, [
    { field: 'accountId', op: 'eq', value: account.id },
    { field: 'vehicleId', op: 'eq', value: one.vehicleId },
  ])
  expect(titles.filter((t) => t.isDefault).map((t) => [t.title, t.taxNumber])).toEqual([[TITLE, CREDIT_CODE]])

  // One vehicle (the last, never loaded on the fleet page): its detail and its 开票设置 show the title.
  await page.goto(`${server.url}/#/packages/etc/pages/vehicle/index?id=${encodeURIComponent(one.vehicleId)}`)
  const titlesCard = await waitShown(page, '.etc-vehicle-detail__titles', TITLE)
  expect(await titlesCard.innerText()).toContain('默认')
  await tap(page, '.etc-vehicle-invoice-settings')
  const defaultTitle = await waitShown(page, '.inv-settings-title--default', TITLE)
  expect(await defaultTitle.innerText()).toContain(`税号 ${CREDIT_CODE}`)
  await snap(page, 'invoices-vehicle-settings.png')
})

test('a driver opens a single-trip invoice and its PDF', async () => {
  const page = await openNarrowPhone()
  const zhang = world.logins.find((l) => l.phone === '13800138000')
  if (!zhang) throw new Error('the demo seed lists no login for 13800138000')
  const session = await smsLogin(page, zhang)

  const listed = answerOf<InvoicesPage>(page, 'invoices.list')
  await tap(page, '.weui-tabbar__item', '我的')
  await tap(page, '.me-menu-invoices', '发票服务')
  const invoices = dataOf(await listed)
  expect(invoices.kind).toBe('singleTrip')
  expect(invoices.total).toBeGreaterThan(0)
  await waitShown(page, '.inv-list .list-with-filters__total', `共 ${invoices.total} 条`)
  await snap(page, 'invoices-list.png')

  const first = invoices.items[0]
  const opened = answerOf<InvoiceDetail>(page, 'invoices.detail')
  await tap(page, '.inv-row', first.invoiceNo)
  const detail = dataOf(await opened)
  expect(detail.invoice.invoiceNo).toBe(first.invoiceNo)
  const data = await waitShown(page, '.inv-detail__invoice', first.invoiceNo)
  const text = await data.innerText()
  expect(text).toContain('单程票')
  expect(text).toContain('正常')
  await waitShown(page, '.inv-detail__title', detail.title.name)
  await snap(page, 'invoices-detail.png')

  // 查看发票 PDF: the link (bearer on H5), fetched with the session, answers a PDF shown in a new tab
  const linked = answerOf<InvoiceLink>(page, 'invoices.link')
  const file = page.waitForResponse((res) => res.url().includes('/invoices/file/'))
  const popup = page.context().waitForEvent('page')
  await tap(page, '.inv-pdf')
  const link = dataOf(await linked)
  const served = await file
  expect(served.status()).toBe(200)
  expect(served.headers()['content-type']).toContain('application/pdf')
  expect(served.url()).toContain(link.url)
  // the same link, asked again with the session the page holds, answers the PDF's bytes
  const again = await fetch(`${server.url}${link.url}`, {
    headers: { Authorization: `Bearer ${session.token ?? ''}` },
  })
  expect(again.status).toBe(200)
  const bytes = Buffer.from(await again.arrayBuffer())
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  const tab = await popup
  expect(
    await settled(
      () => tab.url(),
      (u) => u.startsWith('blob:'),
    ),
  ).toMatch(/^blob:/)
  await settlesTo(() => shown(page, '.inv-pdf__error').count(), 0)
})
