/**
 * Invoices end to end through the api router, on both Store adapters (each with its own file
 * storage: a local directory beside SQLite, cloud storage through the real wx-server-sdk against
 * the CloudBase emulator): 已开票查询 and details, PDFs made by the local invoice platform and read
 * back as text, issuing with the stored-value either/or rule, 红冲重开, titles and settings with
 * their typed errors, and fleet batches (500 vehicles, continuations, vehicles that leave
 * mid-batch, retries after a lost answer).
 */
import ExcelJS from 'exceljs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { createLocalInvoicePlatform } from '../../cloudfunctions/adapters/local/invoicePlatform'
import { createOutboxMail } from '../../cloudfunctions/adapters/local/outboxMail'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import {
  collections,
  type AuditLogDoc,
  type InvoiceDoc,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
  type SessionDoc,
  type TripDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { signSessionToken } from '../../cloudfunctions/core/sessionTokens'
import type { ExportDoc } from '../../cloudfunctions/core/exports/exportDocuments'
import { runExportJobs } from '../../cloudfunctions/core/exports/jobs'
import { shanghaiTimeText } from '../../cloudfunctions/core/exports/registry'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import { openInvoiceDownload } from '../../cloudfunctions/functions/api/actions/invoicesDownload'
import type { FileStorage } from '../../cloudfunctions/ports/files'
import type { Doc, Store, TxStore } from '../../cloudfunctions/ports/store'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedStorage } from '../../tools/cloudbase-emulator/storage'
import type { ActionResponse, ApiResult, FleetApplyResult, InvoiceRow } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import {
  creditCodeMessages,
  emailMessages,
  invoiceKindLabels,
  invoiceStatusLabels,
  settingsMessages,
} from '../../types/invoiceRules'
import { fen, formatYuan } from '../../types/money'
import { pdfText } from './invoicePdfText'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  wechatCallers,
  type Adapter,
  type TestStore,
} from './seededDemo'

const start = new Date('2026-11-30T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('invoices', start)
const ZHANG = 'acc-p-01-zhangwei'
const LI = 'acc-p-02-lixiuying'
const OUYANG = 'acc-p-03-ouyangnana'
const UNIT = 'acc-u-shunda'
const DAY_MS = 86_400_000
/** Company titles with valid check characters (GB 32100-2015). */
const YUNQI = { kind: 'company', name: '杭州云栖科技有限公司', taxNumber: '91350100M000100Y43' } as const
const SHUNDA_TITLE = {
  kind: 'company',
  name: '杭州顺达物流有限公司',
  taxNumber: '91330106MA2B3C4D5D',
} as const

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

class Killed extends Error {}

/** The store with a cloud function's faults: time passes per transaction; one can be killed after its commit. */
function faultyStore(inner: TestStore, clock: TestClock) {
  const faults = { secondsPerTransaction: 0, killAfter: 0, transactions: 0 }
  const store: Store = {
    get: (c, id) => inner.get(c, id),
    set: (c, id, doc) => inner.set(c, id, doc),
    update: (c, id, patch) => inner.update(c, id, patch),
    remove: (c, id) => inner.remove(c, id),
    query: (c, q) => inner.query(c, q),
    count: (c, where) => inner.count(c, where),
    async transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
      faults.transactions += 1
      const n = faults.transactions
      const result = await inner.transaction(fn)
      clock.advance(faults.secondsPerTransaction)
      if (n === faults.killAfter) throw new Killed('function killed after a commit')
      return result
    },
  }
  return { store, faults }
}

function fileStorage(adapter: Adapter, store: TestStore): FileStorage {
  if (adapter === 'cloudbase') {
    const { storage, cloud } = openEmulatedStorage({
      emulator: (store as unknown as { emulator: CloudbaseEmulator }).emulator,
    })
    cleanups.push(() => storage.close())
    return createCloudbaseFiles(cloud)
  }
  const dir = mkdtempSync(join(tmpdir(), 'etc-invoice-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return createLocalFiles(dir)
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

async function makeWorld(adapter: Adapter) {
  const inner = demo.freshStore(adapter)
  cleanups.push(() => inner.close())
  const clock = new TestClock(start.getTime())
  const { store, faults } = faultyStore(inner, clock)
  const files = fileStorage(adapter, inner)
  const errors: unknown[] = []
  const invoices = { platform: createLocalInvoicePlatform(), files, mail: createOutboxMail(store, clock) }
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    invoices,
    exports: { files },
    logError: (_id, error) => errors.push(error),
  })
  const { call, ok } = apiCalls(api)
  const bind = wechatCallers(inner, clock, `invoices-${adapter}`, { validForMs: 40 * DAY_MS })
  const callers = {
    zhang: await bind(ZHANG),
    li: await bind(LI),
    ouyang: await bind(OUYANG),
    unit: await bind(UNIT, 'unit'),
  }
  let n = 0
  /** An H5 session of the account: its bearer token. */
  const token = async (accountId: string): Promise<string> => {
    const sessionId = `s-invoices-${++n}`
    const session: SessionDoc = {
      id: sessionId,
      principalId: `pr-invoices-${accountId}`,
      accountId,
      userType: accountId === UNIT ? 'unit' : 'personal',
      loginPhoneHash: '',
      createdAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + DAY_MS).toISOString(),
      revokedAt: null,
    }
    await inner.set(collections.sessions, sessionId, { ...session })
    return (
      await signSessionToken(
        { accountId: session.principalId, sessionId },
        demo.secrets.sessionKey,
        clock.now(),
        86_400,
      )
    ).token
  }
  const http = (bearer: string | null): Caller => ({ platform: 'http', token: bearer, ip: '10.9.0.1' })
  const download = (url: string, bearer: string | null) => {
    const [path, query = ''] = url.split('?')
    return openInvoiceDownload(
      { store, clock, secrets: demo.secrets, invoices },
      { path, query: new URLSearchParams(query), token: bearer, ip: '10.9.0.2' },
    )
  }
  /** The invoice's PDF as text, fetched the way H5 does: invoices.link, then the signed path. */
  const pdfOf = async (accountId: string, id: string): Promise<string> => {
    const bearer = await token(accountId)
    const link = await ok('invoices.link', { id }, http(bearer))
    expect(link.auth).toBe('bearer')
    const file = await download(link.url, bearer)
    if (!file.ok) throw new Error(JSON.stringify(file.error))
    expect(file.headers['Content-Type']).toBe('application/pdf')
    return (await pdfText(await readStream(file.body))).replace(/\s+/g, '')
  }
  const all = <T>(collection: string) => readAll<T & Doc>(inner, collection)
  return {
    adapter,
    inner,
    store,
    clock,
    faults,
    errors,
    files,
    call,
    ok,
    ...callers,
    token,
    http,
    download,
    pdfOf,
    all,
  }
}
type World = Awaited<ReturnType<typeof makeWorld>>

function expectError(result: ApiResult, code: ErrorCode, message?: string | RegExp) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(/[\u4e00-\u9fff]/)
  if (message) expect(result.error.message).toMatch(message)
}

async function vehicleOf(w: World, accountId: string, plate: string): Promise<VehicleDoc> {
  const v = (await w.all<VehicleDoc>(collections.vehicles)).find(
    (x) => x.accountId === accountId && x.plate === plate,
  )
  if (!v) throw new Error(`no vehicle ${plate}`)
  return v
}

function paidOrder(accountId: string, i: number, amount: number): RechargeOrderDoc {
  const at = new Date(start.getTime() - (i + 1) * 3600_000).toISOString()
  return {
    id: `R2026113000000${String(i).padStart(6, '0')}`,
    accountId,
    target: { kind: 'account' },
    amount: fen(amount),
    channel: 'wechat',
    merchantId: 'm-test',
    payerId: 'o-payer',
    source: 'wechat',
    status: 'paid',
    createdAt: at,
    expiresAt: at,
    launch: null,
    paidAt: at,
    providerTradeNo: `T${i}`,
    creditedTo: { kind: 'account' },
    closedAt: null,
    refundNo: null,
    queriedAt: null,
  }
}

describe.each(adapters)('invoices on %s', (adapter) => {
  jest.setTimeout(120_000)

  it('lists invoices by tab and plate; details with title and data; merged invoices list their trips; others answer NOT_FOUND', async () => {
    const w = await makeWorld(adapter)
    const merged = await w.ok('invoices.list', { kind: 'monthlyMerged' }, w.zhang)
    expect(merged.total).toBeGreaterThan(3)
    expect(merged.kind).toBe('monthlyMerged')
    for (const row of merged.items) {
      expect(row).toMatchObject({
        kind: 'monthlyMerged',
        plate: '浙A8K2M7',
        titleName: '张*',
        status: 'issued',
      })
      expect(row.payee).toBe('浙江高速公路智能收费运营服务有限公司')
    }
    const times = merged.items.map((r) => r.issuedAt)
    expect([...times].sort().reverse()).toEqual(times)

    const first = merged.items[0]
    const detail = await w.ok('invoices.detail', { id: first.id }, w.zhang)
    expect(detail.invoice).toMatchObject({ invoiceNo: first.invoiceNo, amount: first.amount, taxRate: '3%' })
    expect(detail.invoice.net + detail.invoice.tax).toBe(first.amount)
    expect(detail.title).toMatchObject({ kind: 'personal', name: '张*', taxNumber: null })
    expect(detail.canReissue).toBe(true)
    const trips = await w.ok('invoices.trips', { id: first.id, limit: 50 }, w.zhang)
    expect(trips.total).toBe(first.tripCount)
    expect(trips.items.reduce((sum, t) => sum + t.amount, 0)).toBe(first.amount)
    const tripDocs = await w.all<TripDoc>(collections.trips)
    for (const t of trips.items) expect(tripDocs.find((d) => d.id === t.tripId)?.invoiceId).toBe(first.id)

    const single = await w.ok('invoices.list', { kind: 'singleTrip', plate: '浙AD35288' }, w.zhang)
    expect(single.total).toBeGreaterThan(0)
    for (const row of single.items) {
      expect(row.plate).toBe('浙AD35288')
      expect(row.exitStation).toBeTruthy()
      expect(row.passedAt).toBeTruthy()
    }
    expect((await w.ok('invoices.list', { kind: 'singleTrip', plate: '浙A8K2M7' }, w.zhang)).total).toBe(0)

    // another account's invoice is one that does not exist
    expectError(await w.call('invoices.detail', { id: first.id }, w.unit), 'NOT_FOUND')
    expectError(await w.call('invoices.link', { id: first.id }, w.unit), 'NOT_FOUND')
    expectError(
      await w.call('invoices.reissue', { key: 'k-foreign-01', id: first.id, titleId: 'x1' }, w.unit),
      'NOT_FOUND',
    )
    expect((await w.all<InvoiceDoc>(collections.invoices)).find((i) => i.id === first.id)?.status).toBe(
      'issued',
    )
  })

  it('opens the PDF through a short-lived link only the owning account can use; its text holds title, amount and number', async () => {
    const w = await makeWorld(adapter)
    const [row] = (await w.ok('invoices.list', { kind: 'monthlyMerged', limit: 1 }, w.zhang)).items
    const text = await w.pdfOf(ZHANG, row.id)
    expect(text).toContain('张伟')
    expect(text).toContain(formatYuan(row.amount))
    expect(text).toContain(row.invoiceNo)
    expect(text).toContain('浙A8K2M7')
    // made once, then read from storage
    const stored = (await w.all<InvoiceDoc>(collections.invoices)).find((i) => i.id === row.id)
    expect(stored?.pdfKey).toBeTruthy()

    const bearer = await w.token(ZHANG)
    const link = await w.ok('invoices.link', { id: row.id }, w.http(bearer))
    const foreign = await w.download(link.url, await w.token(UNIT))
    expect(foreign.ok ? 200 : foreign.error.code).toBe('NOT_FOUND')
    const anonymous = await w.download(link.url, null)
    expect(anonymous.ok).toBe(false)
    const forged = await w.download(link.url.replace(/sig=.{4}/, 'sig=AAAA'), bearer)
    expect(forged.ok ? 200 : forged.error.code).toBe('FORBIDDEN')
    w.clock.advance(301)
    const late = await w.download(link.url, bearer)
    expect(late.ok ? 200 : late.error.message).toMatch(/过期/)

    if (adapter === 'cloudbase') {
      // the WeChat program downloads from cloud storage by temporary URL, then Taro.openDocument
      const wx = await w.ok('invoices.link', { id: row.id }, w.zhang)
      expect(wx.auth).toBe('none')
      expect(wx.url).toMatch(/^https?:\/\//)
    }
  })

  it('issues a single-trip invoice once per trip, links the trip to it and mails it to the receiving address', async () => {
    const w = await makeWorld(adapter)
    const car = await vehicleOf(w, ZHANG, '浙A8K2M7')
    const trip = (await w.all<TripDoc>(collections.trips))
      .filter(
        (t) =>
          t.vehicleId === car.id &&
          t.invoiceId === null &&
          t.refundState === 'none' &&
          t.amount - t.discount > 0,
      )
      .sort((a, b) => a.exitAt.localeCompare(b.exitAt))[0]
    expect(trip).toBeDefined()
    await w.ok(
      'invoiceSettings.set',
      { vehicleId: car.id, singleTrip: true, monthlyMerged: false, email: 'zw@example.com', autoSend: true },
      w.zhang,
    )
    const before = (await w.all<InvoiceDoc>(collections.invoices)).length
    const issued = await w.ok(
      'invoices.issue',
      { key: 'issue-trip-0001', source: { kind: 'trip', tripId: trip.id } },
      w.zhang,
    )
    expect(issued.invoice).toMatchObject({
      kind: 'singleTrip',
      amount: trip.amount - trip.discount,
      plate: '浙A8K2M7',
      status: 'issued',
    })
    expect(issued.invoice.invoiceNo).toMatch(/^2533\d{16}$/)
    expect((await w.all<TripDoc>(collections.trips)).find((t) => t.id === trip.id)?.invoiceId).toBe(
      issued.invoice.id,
    )

    // the same key answers the same invoice; another key for the trip is refused
    const again = await w.ok(
      'invoices.issue',
      { key: 'issue-trip-0001', source: { kind: 'trip', tripId: trip.id } },
      w.zhang,
    )
    expect(again.invoice.id).toBe(issued.invoice.id)
    expectError(
      await w.call(
        'invoices.issue',
        { key: 'issue-trip-0002', source: { kind: 'trip', tripId: trip.id } },
        w.zhang,
      ),
      'ALREADY_INVOICED',
    )
    expect((await w.all<InvoiceDoc>(collections.invoices)).length).toBe(before + 1)

    const mail = (
      await w.all<{ phone: string; text: string; channel?: string }>(collections.devOutbox)
    ).filter((m) => m.channel === 'mail')
    expect(mail).toHaveLength(1)
    expect(mail[0].phone).toBe('zw@example.com')
    expect(mail[0].text).toContain(issued.invoice.invoiceNo)
    expect(mail[0].text).toMatch(/\.pdf/)

    const audits = (await w.all<AuditLogDoc>(collections.auditLog)).filter(
      (a) => a.action === 'invoiceSettings.set',
    )
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      accountId: ZHANG,
      target: { collection: collections.invoiceSettings, id: car.id },
      before: { singleTrip: false, monthlyMerged: true, email: '123456789@163.com', autoSend: true },
      after: { singleTrip: true, email: 'zw@example.com', autoSend: true },
      changed: true,
    })
    expect(w.errors).toEqual([])
  })

  it('stored-value accounts invoice by recharge or by trip, never both: the first invoice locks the choice', async () => {
    const w = await makeWorld(adapter)
    // 张伟 was invoiced per trip on his stored-value car: trip invoicing, locked
    expect(await w.ok('invoiceSettings.mode', {}, w.zhang)).toEqual({
      applies: true,
      mode: 'trip',
      locked: true,
    })
    await w.inner.set(collections.rechargeOrders, paidOrder(ZHANG, 1, 10000).id, {
      ...paidOrder(ZHANG, 1, 10000),
    })
    const zhangTitle = (await w.all<InvoiceTitleDoc>(collections.invoiceTitles)).find(
      (t) => t.accountId === ZHANG,
    )
    expectError(
      await w.call(
        'invoices.issue',
        {
          key: 'issue-recharge-z1',
          source: { kind: 'recharge', orderNo: paidOrder(ZHANG, 1, 0).id },
          titleId: zhangTitle?.id,
        },
        w.zhang,
      ),
      'INVOICING_MODE_MISMATCH',
      /按通行开票/,
    )
    expectError(
      await w.call('invoiceSettings.setMode', { mode: 'recharge' }, w.zhang),
      'INVOICING_MODE_LOCKED',
    )
    // credit-only accounts are outside the rule
    expect(await w.ok('invoiceSettings.mode', {}, w.li)).toEqual({
      applies: false,
      mode: null,
      locked: false,
    })

    // 欧阳娜娜 chooses recharge invoicing: her trips can no longer be invoiced
    expect(await w.ok('invoiceSettings.mode', {}, w.ouyang)).toEqual({
      applies: true,
      mode: null,
      locked: false,
    })
    expect(await w.ok('invoiceSettings.setMode', { mode: 'recharge' }, w.ouyang)).toEqual({
      applies: true,
      mode: 'recharge',
      locked: false,
    })
    const car = await vehicleOf(w, OUYANG, '浙CD80321')
    const trip = (await w.all<TripDoc>(collections.trips)).find(
      (t) =>
        t.vehicleId === car.id &&
        t.invoiceId === null &&
        t.refundState === 'none' &&
        t.amount - t.discount > 0,
    )
    expect(trip).toBeDefined()
    const invoicesBefore = (await w.all<InvoiceDoc>(collections.invoices)).length
    expectError(
      await w.call(
        'invoices.issue',
        { key: 'issue-trip-ouyang', source: { kind: 'trip', tripId: trip?.id } },
        w.ouyang,
      ),
      'INVOICING_MODE_MISMATCH',
      /按充值开票/,
    )
    expect((await w.all<TripDoc>(collections.trips)).find((t) => t.id === trip?.id)?.invoiceId).toBeNull()
    expect((await w.all<InvoiceDoc>(collections.invoices)).length).toBe(invoicesBefore)

    const order = paidOrder(OUYANG, 2, 20000)
    await w.inner.set(collections.rechargeOrders, order.id, { ...order })
    const title = (await w.ok('invoiceTitles.list', { vehicleId: car.id }, w.ouyang)).items[0]
    const issued = await w.ok(
      'invoices.issue',
      { key: 'issue-recharge-o1', source: { kind: 'recharge', orderNo: order.id }, titleId: title.id },
      w.ouyang,
    )
    expect(issued.invoice).toMatchObject({
      kind: 'recharge',
      amount: 20000,
      orderNo: order.id,
      vehicleId: null,
      tripCount: 0,
    })
    expect(await w.ok('invoiceSettings.mode', {}, w.ouyang)).toEqual({
      applies: true,
      mode: 'recharge',
      locked: true,
    })
    expectError(await w.call('invoiceSettings.setMode', { mode: 'trip' }, w.ouyang), 'INVOICING_MODE_LOCKED')
    expectError(
      await w.call(
        'invoices.issue',
        { key: 'issue-recharge-o2', source: { kind: 'recharge', orderNo: order.id }, titleId: title.id },
        w.ouyang,
      ),
      'ALREADY_INVOICED',
    )
    const listed = await w.ok('invoices.list', { kind: 'recharge' }, w.ouyang)
    expect(listed.items.map((r) => r.orderNo)).toEqual([order.id])
    expect(await w.pdfOf(OUYANG, issued.invoice.id)).toContain(order.id)
  })

  it('re-issues an invoice with a corrected title: the old one 已红冲, the new one replaces it with its own PDF', async () => {
    const w = await makeWorld(adapter)
    const [old] = (await w.ok('invoices.list', { kind: 'monthlyMerged', limit: 1 }, w.zhang)).items
    const payload = { key: 'reissue-z-0001', id: old.id, title: YUNQI }
    const done = await w.ok('invoices.reissue', payload, w.zhang)
    expect(done.invoice.status).toBe('reversed')
    expect(done.reissue).toMatchObject({ state: 'done', titleName: YUNQI.name })
    expect(done.canReissue).toBe(false)
    const newId = done.reissue?.newInvoiceId ?? ''
    const fresh = await w.ok('invoices.detail', { id: newId }, w.zhang)
    expect(fresh.replaces).toEqual({ id: old.id, invoiceNo: old.invoiceNo })
    expect(fresh.invoice).toMatchObject({
      status: 'issued',
      amount: old.amount,
      tripCount: old.tripCount,
      kind: 'monthlyMerged',
    })
    expect(fresh.title).toMatchObject({ kind: 'company', name: YUNQI.name, taxNumber: YUNQI.taxNumber })
    expect(fresh.invoice.invoiceNo).not.toBe(old.invoiceNo)
    const trips = (await w.all<TripDoc>(collections.trips)).filter((t) => t.invoiceId === newId)
    expect(trips).toHaveLength(old.tripCount)

    // the retry of the same request answers the same re-issue and makes nothing new
    const count = (await w.all<InvoiceDoc>(collections.invoices)).length
    expect((await w.ok('invoices.reissue', payload, w.zhang)).reissue?.newInvoiceId).toBe(newId)
    expect((await w.all<InvoiceDoc>(collections.invoices)).length).toBe(count)
    expectError(
      await w.call('invoices.reissue', { key: 'reissue-z-0002', id: old.id, title: YUNQI }, w.zhang),
      'INVOICE_REVERSED',
    )
    // the corrected invoice cannot be re-issued to the title it already has
    expectError(
      await w.call('invoices.reissue', { key: 'reissue-z-0003', id: newId, title: YUNQI }, w.zhang),
      'INVALID_INPUT',
      /相同/,
    )

    const oldPdf = await w.pdfOf(ZHANG, old.id)
    expect(oldPdf).toContain('已红冲')
    expect(oldPdf).toContain(old.invoiceNo)
    const newPdf = await w.pdfOf(ZHANG, newId)
    expect(newPdf).toContain(YUNQI.name)
    expect(newPdf).toContain(YUNQI.taxNumber)
    expect(newPdf).toContain(`原发票号码：${old.invoiceNo}`)
    expect(newPdf).not.toContain('已红冲')
    // the new title was saved on the vehicle
    const car = await vehicleOf(w, ZHANG, '浙A8K2M7')
    expect(
      (await w.ok('invoiceTitles.list', { vehicleId: car.id }, w.zhang)).items.map((t) => t.name),
    ).toContain(YUNQI.name)
  })

  it('exports 已开票查询 (kind invoices): the file holds exactly the rows the list shows for the filter', async () => {
    const w = await makeWorld(adapter)
    const filter = { kind: 'monthlyMerged' as const, from: '2025-12-01', to: '2026-11-30' }
    const created = await w.ok(
      'exports.create',
      { key: 'export-invoices-1', kind: 'invoices', filter },
      w.unit,
    )
    expect(created).toMatchObject({ kind: 'invoices', status: 'queued' })
    expect(await runExportJobs({ store: w.store, files: w.files }, w.clock.now(), 60_000)).toMatchObject({
      ready: 1,
    })
    const listed: InvoiceRow[] = []
    let cursor: string | undefined
    do {
      const page: ActionResponse<'invoices.list'> = await w.ok(
        'invoices.list',
        { ...filter, limit: 50, cursor },
        w.unit,
      )
      listed.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(listed.length).toBeGreaterThan(50)
    const doc = await w.store.get<ExportDoc & Doc>(collections.exports, created.id)
    if (!doc?.fileKey) throw new Error('export has no file')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await readStream(await w.files.read(doc.fileKey))) as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    const rows: string[][] = []
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = []
      for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text)
      rows.push(cells)
    })
    expect(rows[0]).toEqual([
      '发票类型',
      '车牌号码',
      '发票号码',
      '发票抬头',
      '收款人',
      '出入口站',
      '通行时间',
      '开票时间',
      '发票金额(元)',
      '状态',
    ])
    expect(rows.slice(1)).toEqual(
      listed.map((r) => [
        invoiceKindLabels[r.kind],
        r.plate ?? '',
        r.invoiceNo,
        r.titleName,
        r.payee,
        '',
        '',
        shanghaiTimeText(r.issuedAt),
        formatYuan(r.amount),
        invoiceStatusLabels[r.status],
      ]),
    )
  })

  it('answers bad titles and settings with typed Chinese errors and writes nothing', async () => {
    const w = await makeWorld(adapter)
    const car = await vehicleOf(w, ZHANG, '浙A8K2M7')
    const unitCar = (await w.all<VehicleDoc>(collections.vehicles)).find(
      (v) => v.accountId === UNIT && v.scope === 'current',
    )
    const titlesBefore = await w.all<InvoiceTitleDoc>(collections.invoiceTitles)
    const settingsBefore = await w.all<InvoiceSettingsDoc>(collections.invoiceSettings)
    expect(settingsBefore.length).toBeGreaterThan(0)
    const badCode = await w.call(
      'invoiceTitles.save',
      { vehicleId: car.id, title: { ...YUNQI, taxNumber: '91350100M000100Y44' } },
      w.zhang,
    )
    expectError(badCode, 'INVALID_INPUT')
    if (!badCode.ok) expect(Object.values(badCode.error.fields ?? {})).toContain(creditCodeMessages.check)
    expectError(
      await w.call('invoiceTitles.save', { vehicleId: unitCar?.id, title: YUNQI }, w.zhang),
      'NOT_FOUND',
    )
    const badMail = await w.call(
      'invoiceSettings.set',
      { vehicleId: car.id, singleTrip: false, monthlyMerged: true, email: 'zw@@example', autoSend: false },
      w.zhang,
    )
    expectError(badMail, 'INVALID_INPUT')
    if (!badMail.ok) expect(badMail.error.fields?.['email']).toBe(emailMessages.shape)
    const both = await w.call(
      'invoiceSettings.set',
      { vehicleId: car.id, singleTrip: true, monthlyMerged: true, email: null, autoSend: false },
      w.zhang,
    )
    if (!both.ok) expect(both.error.fields?.['monthlyMerged']).toBe(settingsMessages.bothKinds)
    expectError(both, 'INVALID_INPUT')
    expectError(
      await w.call(
        'invoiceSettings.set',
        { vehicleId: unitCar?.id, singleTrip: true, monthlyMerged: false, email: null, autoSend: false },
        w.zhang,
      ),
      'NOT_FOUND',
    )
    expect(await w.all<InvoiceTitleDoc>(collections.invoiceTitles)).toHaveLength(titlesBefore.length)
    expect(await w.all<InvoiceSettingsDoc>(collections.invoiceSettings)).toEqual(settingsBefore)
    expect(
      (await w.all<AuditLogDoc>(collections.auditLog)).filter((a) => a.action.startsWith('invoice')),
    ).toHaveLength(0)

    // titles: several per vehicle, exactly one default
    const saved = await w.ok(
      'invoiceTitles.save',
      { vehicleId: car.id, title: { ...YUNQI, address: '杭州市西湖区', bank: '工商银行' }, isDefault: true },
      w.zhang,
    )
    let list = (await w.ok('invoiceTitles.list', { vehicleId: car.id }, w.zhang)).items
    expect(list[0]).toMatchObject({ id: saved.id, isDefault: true, address: '杭州市西湖区' })
    expect(list.filter((t) => t.isDefault)).toHaveLength(1)
    expect((await w.ok('invoiceSettings.get', { vehicleId: car.id }, w.zhang)).settings.defaultTitle).toBe(
      YUNQI.name,
    )
    const other = list.find((t) => t.id !== saved.id)
    list = (await w.ok('invoiceTitles.setDefault', { id: other?.id }, w.zhang)).items
    expect(list.filter((t) => t.isDefault).map((t) => t.id)).toEqual([other?.id])
    list = (await w.ok('invoiceTitles.remove', { id: other?.id }, w.zhang)).items
    expect(list.filter((t) => t.isDefault).map((t) => t.id)).toEqual([saved.id])
    expect((await w.ok('invoiceSettings.get', { vehicleId: car.id }, w.zhang)).settings.defaultTitle).toBe(
      YUNQI.name,
    )
    expectError(await w.call('invoiceTitles.remove', { id: saved.id }, w.unit), 'NOT_FOUND')
  })
})

describe.each(adapters)('fleet invoice batches on %s', (adapter) => {
  jest.setTimeout(300_000)

  async function fleetWorld() {
    const w = await makeWorld(adapter)
    const runToEnd = async (payload: Record<string, unknown>) => {
      const answers: FleetApplyResult[] = []
      let continuation: string | null = null
      do {
        const answer: FleetApplyResult = await w.ok(
          'invoiceSettings.fleetApply',
          { ...payload, ...(continuation ? { continuation } : {}) },
          w.unit,
        )
        answers.push(answer)
        continuation = answer.continuation
      } while (continuation && answers.length < 200)
      return answers
    }
    const fleetAudits = async () =>
      (await w.all<AuditLogDoc>(collections.auditLog)).filter(
        (a) => a.action === 'invoiceSettings.fleetApply',
      )
    return { ...w, runToEnd, fleetAudits }
  }

  it('applies a title to 500 vehicles chosen by filter through continuations; previewed first; a rerun changes nothing', async () => {
    const w = await fleetWorld()
    // 300 more trucks: the fleet has 500 current vehicles
    const template = (await w.all<VehicleDoc>(collections.vehicles)).find(
      (v) => v.accountId === UNIT && v.scope === 'current',
    )
    if (!template) throw new Error('no unit vehicle')
    for (let i = 0; i < 300; i++) {
      const v: VehicleDoc = {
        ...template,
        id: `veh-extra-${i}`,
        plate: `浙Z${String(10000 + i)}`,
        cardType: i % 2 ? 'credit' : 'stored',
      }
      await w.inner.set(collections.vehicles, v.id, { ...v })
    }
    const change = {
      title: { ...SHUNDA_TITLE, address: '杭州市拱墅区' },
      settings: { monthlyMerged: true, singleTrip: false },
    }
    const preview = await w.ok('invoiceSettings.fleetPreview', { allMatching: {}, change, limit: 10 }, w.unit)
    expect(preview.total).toBe(500)
    expect(preview.willChange).toBe(500)
    expect(preview.problems).toBe(0)
    expect(preview.items[0].after).toMatchObject({ defaultTitle: SHUNDA_TITLE.name, monthlyMerged: true })
    expect(await w.all<AuditLogDoc>(collections.auditLog)).toHaveLength(0)

    w.faults.secondsPerTransaction = 1
    const payload = { batchKey: 'fleet-title-500', allMatching: {}, change }
    const answers = await w.runToEnd(payload)
    expect(answers.length).toBeGreaterThan(3)
    const last = answers[answers.length - 1]
    expect(last).toMatchObject({ state: 'done', total: 500, processed: 500, changed: 500, failed: 0 })
    expect(answers.reduce((n, a) => n + a.items.length, 0)).toBe(500)

    const settings = (await w.all<InvoiceSettingsDoc>(collections.invoiceSettings)).filter(
      (s) => s.accountId === UNIT && s.scope === 'current',
    )
    expect(settings).toHaveLength(500)
    for (const s of settings)
      expect(s).toMatchObject({ defaultTitle: SHUNDA_TITLE.name, monthlyMerged: true, singleTrip: false })
    const titles = (await w.all<InvoiceTitleDoc>(collections.invoiceTitles)).filter(
      (t) => t.accountId === UNIT,
    )
    const byVehicle = new Map<string, InvoiceTitleDoc[]>()
    for (const t of titles) byVehicle.set(t.vehicleId, [...(byVehicle.get(t.vehicleId) ?? []), t])
    for (const s of settings) {
      const own = byVehicle.get(s.vehicleId) ?? []
      expect(own.filter((t) => t.isDefault).map((t) => t.id)).toEqual([s.defaultTitleId])
    }
    const audits = await w.fleetAudits()
    expect(audits).toHaveLength(500)
    expect(new Set(audits.map((a) => a.target.id)).size).toBe(500)

    // the same key again: the batch's answer, nothing applied twice
    const titleCount = titles.length
    const replay = await w.ok('invoiceSettings.fleetApply', payload, w.unit)
    expect(replay).toMatchObject({ state: 'done', changed: 500 })
    expect(await w.fleetAudits()).toHaveLength(500)
    expect(
      (await w.all<InvoiceTitleDoc>(collections.invoiceTitles)).filter((t) => t.accountId === UNIT),
    ).toHaveLength(titleCount)
    // a new batch of the same change finds every vehicle as asked
    const again = await w.runToEnd({ ...payload, batchKey: 'fleet-title-500-b' })
    expect(again[again.length - 1]).toMatchObject({ state: 'done', changed: 0, unchanged: 500 })
    // the 当前抬头 filter finds them
    expect((await w.ok('invoiceSettings.titleNames', {}, w.unit)).names).toContain(SHUNDA_TITLE.name)
    expect(
      (await w.ok('invoiceSettings.list', { title: SHUNDA_TITLE.name, cardType: 'stored', limit: 1 }, w.unit))
        .total,
    ).toBe(settings.filter((s) => s.cardType === 'stored').length)
  })

  it('a vehicle that leaves between selection and apply fails alone; a retry after a lost answer applies nothing twice', async () => {
    const w = await fleetWorld()
    const ids = (await w.ok('invoiceSettings.list', { limit: 30 }, w.unit)).items.map((r) => r.vehicleId)
    expect(ids).toHaveLength(30)
    const payload = {
      batchKey: 'fleet-leave-0001',
      vehicleIds: ids,
      change: { settings: { email: 'fleet@shunda.example.com', autoSend: true } },
    }
    // each call gets one chunk (10 vehicles) done
    w.faults.secondsPerTransaction = 10
    const first = await w.ok('invoiceSettings.fleetApply', payload, w.unit)
    expect(first).toMatchObject({ state: 'running', processed: 10, changed: 10 })

    // meanwhile one vehicle leaves the account and one's card is cancelled
    await w.inner.update(collections.vehicles, ids[15], { accountId: LI })
    await w.inner.update(collections.vehicles, ids[22], { scope: 'history' })

    // the next call commits its chunk, but its answer is lost; the client repeats the call
    w.faults.killAfter = w.faults.transactions + 1
    const lost = await w.call(
      'invoiceSettings.fleetApply',
      { ...payload, continuation: first.continuation },
      w.unit,
    )
    expectError(lost, 'INTERNAL')
    const resumed = await w.ok(
      'invoiceSettings.fleetApply',
      { ...payload, continuation: first.continuation },
      w.unit,
    )
    expect(resumed.processed).toBeGreaterThanOrEqual(20)
    let last = resumed
    while (last.continuation)
      last = await w.ok('invoiceSettings.fleetApply', { ...payload, continuation: last.continuation }, w.unit)
    expect(last).toMatchObject({ state: 'done', total: 30, processed: 30, changed: 28, failed: 2 })
    const failures = Object.fromEntries(last.failures.map((f) => [f.targetId, f]))
    expect(failures[ids[15]]).toMatchObject({
      code: 'NOT_FOUND',
      label: ids[15],
      message: '车辆已不在本账户名下',
    })
    expect(failures[ids[22]]).toMatchObject({
      code: 'VEHICLE_NOT_CURRENT',
      message: '历史车辆无法修改开票设置',
    })

    const audits = await w.fleetAudits()
    expect(audits).toHaveLength(28)
    expect(new Set(audits.map((a) => a.target.id)).size).toBe(28)
    for (const a of audits) {
      expect(a.before).toMatchObject({ email: null, autoSend: false })
      expect(a.after).toMatchObject({ email: 'fleet@shunda.example.com', autoSend: true })
    }
    const settings = await w.all<InvoiceSettingsDoc>(collections.invoiceSettings)
    expect(settings.find((s) => s.id === ids[15])?.email ?? null).toBeNull()
    expect(settings.filter((s) => ids.includes(s.id) && s.email === 'fleet@shunda.example.com')).toHaveLength(
      28,
    )
  })

  it('previews and refuses what cannot apply: a foreign vehicle id refuses the request; inconsistent settings fail per vehicle', async () => {
    const w = await fleetWorld()
    const zhangCar = await vehicleOf(w, ZHANG, '浙A8K2M7')
    const ids = (await w.ok('invoiceSettings.list', { limit: 3 }, w.unit)).items.map((r) => r.vehicleId)
    expectError(
      await w.call(
        'invoiceSettings.fleetApply',
        { batchKey: 'fleet-foreign-01', vehicleIds: [...ids, zhangCar.id], change: { title: SHUNDA_TITLE } },
        w.unit,
      ),
      'NOT_FOUND',
    )
    expectError(
      await w.call(
        'invoiceSettings.fleetPreview',
        { vehicleIds: [zhangCar.id], change: { title: SHUNDA_TITLE } },
        w.unit,
      ),
      'NOT_FOUND',
    )
    const badCode = await w.call(
      'invoiceSettings.fleetApply',
      {
        batchKey: 'fleet-badcode-1',
        vehicleIds: ids,
        change: { title: { ...SHUNDA_TITLE, taxNumber: '91330106MA2B3C4D5E' } },
      },
      w.unit,
    )
    expectError(badCode, 'INVALID_INPUT')
    expect(await w.all<AuditLogDoc>(collections.auditLog)).toHaveLength(0)

    // auto-send without an address cannot apply to vehicles that have none
    const change = { settings: { autoSend: true } }
    const preview = await w.ok('invoiceSettings.fleetPreview', { vehicleIds: ids, change }, w.unit)
    expect(preview).toMatchObject({ total: 3, problems: 3, willChange: 0 })
    expect(preview.items[0].problem).toBe(settingsMessages.autoSendNeedsEmail)
    const result = await w.ok(
      'invoiceSettings.fleetApply',
      { batchKey: 'fleet-autosend-1', vehicleIds: ids, change },
      w.unit,
    )
    expect(result).toMatchObject({ state: 'done', failed: 3, changed: 0 })
    expect(result.failures[0]).toMatchObject({
      code: 'INVALID_INPUT',
      message: settingsMessages.autoSendNeedsEmail,
    })
  })
})
