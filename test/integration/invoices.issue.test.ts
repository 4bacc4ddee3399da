/**
 * 开具发票 from 充值记录, through the api router on both Store adapters: a paid recharge is
 * invoiced (the app's issue page sends invoices.issue with a recharge source), the invoice is in
 * 已开票查询 (充值发票), and 充值记录 names it on its row (`invoiceId`) so the row offers 查看发票
 * instead of 开具发票; a retry under the same key answers the same invoice. 红冲重开 of that 充值发票
 * (the invoice page picks any title of the account, by vehicle) reverses it and issues the same
 * amount to the new title, and 充值记录 then names the new invoice.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { createLocalInvoicePlatform } from '../../cloudfunctions/adapters/local/invoicePlatform'
import { createOutboxMail } from '../../cloudfunctions/adapters/local/outboxMail'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type InvoiceDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { createApi } from '../../cloudfunctions/functions/api/app'
import type { FileStorage } from '../../cloudfunctions/ports/files'
import type { Doc } from '../../cloudfunctions/ports/store'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedStorage } from '../../tools/cloudbase-emulator/storage'
import { fen } from '../../types/money'
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
const demo = seedDemoPerSuite('invoices-issue', start)
const OUYANG = 'acc-p-03-ouyangnana'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

function fileStorage(adapter: Adapter, store: TestStore): FileStorage {
  if (adapter === 'cloudbase') {
    const { storage, cloud } = openEmulatedStorage({
      emulator: (store as unknown as { emulator: CloudbaseEmulator }).emulator,
    })
    cleanups.push(() => storage.close())
    return createCloudbaseFiles(cloud)
  }
  const dir = mkdtempSync(join(tmpdir(), 'etc-invoice-issue-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return createLocalFiles(dir)
}

function order(i: number, status: RechargeOrderDoc['status'], amount: number): RechargeOrderDoc {
  const at = new Date(start.getTime() - (i + 1) * 3600_000).toISOString()
  return {
    id: `R2026113099000${String(i).padStart(6, '0')}`,
    accountId: OUYANG,
    target: { kind: 'account' },
    amount: fen(amount),
    channel: 'wechat',
    merchantId: 'm-test',
    payerId: 'o-payer',
    source: 'wechat',
    status,
    createdAt: at,
    expiresAt: at,
    launch: null,
    paidAt: status === 'paid' ? at : null,
    providerTradeNo: status === 'paid' ? `T-issue-${i}` : null,
    creditedTo: status === 'paid' ? { kind: 'account' } : null,
    closedAt: null,
    refundNo: null,
    queriedAt: null,
  }
}

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  cleanups.push(() => store.close())
  const clock = new TestClock(start.getTime())
  const files = fileStorage(adapter, store)
  const errors: unknown[] = []
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    invoices: { platform: createLocalInvoicePlatform(), files, mail: createOutboxMail(store, clock) },
    exports: { files },
    logError: (_id, error) => errors.push(error),
  })
  const { call, ok } = apiCalls(api)
  const ouyang = await wechatCallers(store, clock, `invoice-issue-${adapter}`)(OUYANG)
  return { store, errors, call, ok, ouyang }
}

describe.each(adapters)('开具发票 for a recharge on %s', (adapter) => {
  jest.setTimeout(120_000)

  it('a paid recharge is invoiced once: 已开票查询 lists it and 充值记录 names its invoice', async () => {
    const w = await makeWorld(adapter)
    const paid = order(1, 'paid', 30000)
    const other = order(2, 'paid', 5000)
    const pending = order(3, 'pending', 8000)
    for (const o of [paid, other, pending]) await w.store.set(collections.rechargeOrders, o.id, { ...o })

    const before = await w.ok('recharge.list', {}, w.ouyang)
    const rowOf = (page: typeof before, id: string) => page.items.find((r) => r.orderNo === id)
    expect(rowOf(before, paid.id)).toMatchObject({ status: 'paid', invoiceId: null })
    expect(rowOf(before, pending.id)).toMatchObject({ status: 'pending', invoiceId: null })

    // the title any of the account's vehicles carries, as the issue page picks it
    const car = (await readAll<VehicleDoc & Doc>(w.store, collections.vehicles)).find(
      (v) => v.accountId === OUYANG && v.plate === '浙CD80321',
    )
    if (!car) throw new Error('欧阳娜娜 has no 浙CD80321 in the seed')
    const [title] = (await w.ok('invoiceTitles.list', { vehicleId: car.id }, w.ouyang)).items
    expect(title).toBeDefined()
    const request = {
      key: 'issue-page-recharge-1',
      source: { kind: 'recharge', orderNo: paid.id },
      titleId: title.id,
    }
    const issued = await w.ok('invoices.issue', request, w.ouyang)
    expect(issued.invoice).toMatchObject({
      kind: 'recharge',
      orderNo: paid.id,
      amount: 30000,
      vehicleId: null,
    })
    // the page's retry after a lost answer: same key, same invoice, nothing new
    const again = await w.ok('invoices.issue', request, w.ouyang)
    expect(again.invoice.id).toBe(issued.invoice.id)
    const invoices = (await readAll<InvoiceDoc & Doc>(w.store, collections.invoices)).filter(
      (i) => i.orderNo === paid.id,
    )
    expect(invoices.map((i) => i.id)).toEqual([issued.invoice.id])

    const listed = await w.ok('invoices.list', { kind: 'recharge' }, w.ouyang)
    expect(listed.items.map((r) => [r.id, r.orderNo, r.amount])).toEqual([
      [issued.invoice.id, paid.id, 30000],
    ])

    const after = await w.ok('recharge.list', {}, w.ouyang)
    expect(rowOf(after, paid.id)?.invoiceId).toBe(issued.invoice.id)
    expect(rowOf(after, other.id)?.invoiceId).toBeNull()
    expect(rowOf(after, pending.id)?.invoiceId).toBeNull()
    expect((await w.ok('recharge.status', { orderNo: paid.id }, w.ouyang)).invoiceId).toBe(issued.invoice.id)

    // a new intent for the invoiced order is refused in words
    const twice = await w.call('invoices.issue', { ...request, key: 'issue-page-recharge-2' }, w.ouyang)
    expect(twice.ok ? null : twice.error.code).toBe('ALREADY_INVOICED')
    const pendingTry = await w.call(
      'invoices.issue',
      { key: 'issue-page-recharge-3', source: { kind: 'recharge', orderNo: pending.id }, titleId: title.id },
      w.ouyang,
    )
    expect(pendingTry.ok ? null : pendingTry.error.message).toBe('只有充值成功的订单可以开具发票')
    expect(w.errors).toEqual([])
  })

  it('红冲重开 of a 充值发票 prints a title of another vehicle of the account; a retry changes nothing', async () => {
    const w = await makeWorld(adapter)
    const paid = order(4, 'paid', 12345)
    await w.store.set(collections.rechargeOrders, paid.id, { ...paid })

    // as the invoice page lists them: the account's vehicles, then the titles of one of them
    const vehicles = (await w.ok('invoiceSettings.list', { limit: 50 }, w.ouyang)).items
    const first = vehicles.find((v) => v.plate === '浙CD80321')
    if (!first) throw new Error('欧阳娜娜 has no 浙CD80321 in the seed')
    const [title] = (await w.ok('invoiceTitles.list', { vehicleId: first.vehicleId }, w.ouyang)).items
    const issued = await w.ok(
      'invoices.issue',
      { key: 'reissue-recharge-issue', source: { kind: 'recharge', orderNo: paid.id }, titleId: title.id },
      w.ouyang,
    )
    // the seed gives her one current vehicle: the corrected title is a second title on it
    const other = vehicles.find((v) => v.vehicleId !== first.vehicleId) ?? first
    const corrected = await w.ok(
      'invoiceTitles.save',
      {
        vehicleId: other.vehicleId,
        title: { kind: 'company', name: '杭州更正抬头有限公司', taxNumber: '91330106MA2B3C4D5D' },
      },
      w.ouyang,
    )

    // another account's title is not one to pick
    const stranger = (await readAll<VehicleDoc & Doc>(w.store, collections.vehicles)).find(
      (v) => v.accountId !== OUYANG && v.scope === 'current',
    )
    if (!stranger) throw new Error('the seed has no vehicle of another account')
    const template = await w.store.get<Doc>(collections.invoiceTitles, corrected.id)
    await w.store.set(collections.invoiceTitles, 'tt-stranger', {
      ...template,
      id: 'tt-stranger',
      accountId: stranger.accountId,
      vehicleId: stranger.id,
    })
    const foreign = await w.call(
      'invoices.reissue',
      { key: 'reissue-recharge-foreign', id: issued.invoice.id, titleId: 'tt-stranger' },
      w.ouyang,
    )
    expect(foreign.ok ? null : foreign.error.code).toBe('NOT_FOUND')

    const printed = (await w.store.get<InvoiceDoc & Doc>(collections.invoices, issued.invoice.id))?.title
    expect(printed).toBeTruthy()
    const request = { key: 'reissue-recharge-1', id: issued.invoice.id, titleId: corrected.id }
    const answer = await w.ok('invoices.reissue', request, w.ouyang)
    expect(answer.invoice.status).toBe('reversed')
    expect(answer.reissue).toMatchObject({ state: 'done', titleName: '杭州更正抬头有限公司' })
    const newId = answer.reissue?.newInvoiceId
    if (!newId) throw new Error('the re-issue names no new invoice')
    // the page's retry after a lost answer: the same answer, no third invoice
    const again = await w.ok('invoices.reissue', request, w.ouyang)
    expect(again.reissue?.newInvoiceId).toBe(newId)

    const fresh = await w.ok('invoices.detail', { id: newId }, w.ouyang)
    expect(fresh.invoice).toMatchObject({
      kind: 'recharge',
      orderNo: paid.id,
      amount: 12345,
      vehicleId: null,
      status: 'issued',
      titleName: '杭州更正抬头有限公司',
    })
    expect(fresh.title).toMatchObject({ kind: 'company', taxNumber: '91330106MA2B3C4D5D' })
    expect(fresh.replaces?.id).toBe(issued.invoice.id)
    const stored = (await readAll<InvoiceDoc & Doc>(w.store, collections.invoices)).filter(
      (i) => i.orderNo === paid.id,
    )
    expect(stored.map((i) => [i.id, i.status ?? 'issued', i.title]).sort()).toEqual(
      [
        [issued.invoice.id, 'reversed', printed],
        [newId, 'issued', '杭州更正抬头有限公司'],
      ].sort(),
    )
    expect((await w.ok('recharge.status', { orderNo: paid.id }, w.ouyang)).invoiceId).toBe(newId)
    expect(w.errors).toEqual([])
  })
})
