/**
 * Recharge end to end over the local server's HTTP, as H5 does it with `npm start`: an SMS login,
 * money.summary, recharge.create with either provider, the sandbox cashier (the payer pays; WeChat
 * Pay's callback goes through payNotify's handler, Alipay's signed form through POST /alipay/notify
 * and alipayNotify's handler), then recharge.status and the balances the screens show. The api, the
 * real wx-server-sdk (against the cloudPay emulator), the real alipay-sdk (against the local
 * gateway), the handlers and the sqlite store are the production code.
 */
import { request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { wechatPayCallbackSource } from '../../cloudfunctions/adapters/wechatPay/notification'
import { collections } from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import type { ReconciliationReportDoc } from '../../cloudfunctions/core/money/reconciliationDocuments'
import { shanghaiDay, shanghaiInstant } from '../../cloudfunctions/core/businessTime'
import { readAll } from '../../test/integration/seededDemo'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { ActionName, ActionResponse, ApiResult } from '../../types/api'
import { seedDemo } from '../demo/seed'
import type { PaymentSandbox } from './paymentSandbox'
import { generateSecrets } from './secrets'
import { createLocalServer, MAX_BODY_BYTES, type LocalServer } from './server'

const START = Date.parse('2026-11-20T10:00:00+08:00')
const ZHANG = 'acc-p-01-zhangwei' // 13800138000: one stored-value card, 可用 21.00, unloaded 200.00
const UNIT = 'acc-u-shunda' // 13900139000: a fleet with many stored-value cards

let dir: string
let server: LocalServer
let sandbox: PaymentSandbox
let now = START
const clock: Clock = { now: () => new Date(now) }
const serverLog: string[] = []
let keys = 0
const key = () => `pay-e2e-${String(++keys).padStart(4, '0')}`

async function call<A extends ActionName>(
  action: A,
  payload: unknown,
  token: string,
): Promise<{ status: number; result: ApiResult }> {
  const res = await fetch(`${server.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ action, payload }),
  })
  return { status: res.status, result: (await res.json()) as ApiResult }
}

async function ok<A extends ActionName>(
  action: A,
  payload: unknown,
  token: string,
): Promise<ActionResponse<A>> {
  const { result } = await call(action, payload, token)
  if (!result.ok) throw new Error(`${action}: ${JSON.stringify(result.error)}`)
  return result.data as ActionResponse<A>
}

/** An H5 SMS login (code from the dev outbox) on the given account of the phone. */
async function login(phone: string, userType: 'personal' | 'unit', accountId: string): Promise<string> {
  now += 120_000 // past the per-phone cooldown of an earlier code
  const post = (action: string, payload: unknown, token?: string) =>
    fetch(`${server.url}/api`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ action, payload }),
    }).then((res) => res.json() as Promise<ApiResult>)
  const sent = await post('auth.sendSmsCode', { phone, userType })
  if (!sent.ok) throw new Error(`sendSmsCode: ${JSON.stringify(sent.error)}`)
  const code = (await listOutbox(server.store, 20)).find((m) => m.phone === phone)?.code
  const logged = await post('auth.loginBySms', { phone, code, userType })
  if (!logged.ok) throw new Error(`loginBySms: ${JSON.stringify(logged.error)}`)
  const result = logged.data as ActionResponse<'auth.loginBySms'>
  if (result.next === 'home' && result.account.id === accountId && result.token) return result.token
  const switched = await post('auth.switchAccount', { accountId }, result.token)
  if (!switched.ok) throw new Error(`switchAccount: ${JSON.stringify(switched.error)}`)
  return (switched.data as ActionResponse<'auth.switchAccount'>).token as string
}

/** POST to the local server without fetch's Host: what a DNS-rebinding page would send. */
function rawPost(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function cashier(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function notifyAlipay(body: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${server.url}/alipay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  })
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') }
}

const transfers = () => server.store.count(collections.ledgerTransfers, [])
const orderDoc = (orderNo: string) =>
  server.store.get<RechargeOrderDoc & { [key: string]: unknown }>(collections.rechargeOrders, orderNo)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'etc-payments-'))
  const secrets = generateSecrets()
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock,
    secrets,
    h5Dir: dir,
    port: 0,
    log: (line) => serverLog.push(line),
  })
  if (!server.payments) throw new Error('the local server started without its payment sandbox')
  sandbox = server.payments
  await seedDemo(server.store, secrets, clock.now())
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('张伟 recharges with WeChat Pay in H5: the sandbox cashier pays, payNotify credits his only card once', async () => {
  const token = await login('13800138000', 'personal', ZHANG)
  const before = await ok('money.summary', {}, token)
  expect(before).toMatchObject({ available: 2100, storedCards: 1, rechargeOpen: true })
  expect([...before.channels].sort()).toEqual(['alipay', 'wechat'])
  const [card] = (await ok('money.cards', {}, token)).items
  expect(card).toMatchObject({ unloaded: 20000, canReceive: true })

  const created = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'account' }, amount: 10000, channel: 'wechat' },
    token,
  )
  const { orderNo } = created.order
  expect(created.launch.provider).toBe('wechat')
  expect(created.sandboxCashier).toBe(`/sandbox/cashier/${orderNo}`)
  // the merchant (behind the real wx-server-sdk) holds the order unpaid
  expect(sandbox.merchant.order(orderNo)).toMatchObject({ amount: 10000, state: 'NOTPAY' })
  expect((await ok('recharge.status', { orderNo }, token)).status).toBe('pending')

  const paid = await cashier(created.sandboxCashier as string)
  expect(paid.status).toBe(200)
  expect(paid.json).toMatchObject({
    ok: true,
    data: { orderNo, channel: 'wechat', notified: true, answer: { errcode: 0 } },
  })
  expect(serverLog).toContain('[payNotify] credited')

  const status = await ok('recharge.status', { orderNo }, token)
  expect(status).toMatchObject({ status: 'paid', creditedTo: { kind: 'card', cardId: card.cardId } })
  expect(status.providerTradeNo).toBe(sandbox.merchant.order(orderNo)?.transactionId)
  expect((await ok('money.summary', {}, token)).available).toBe(2100)
  expect((await ok('money.cards', {}, token)).items[0]).toMatchObject({
    cardId: card.cardId,
    unloaded: 30000,
  })

  // paying again is refused by the provider; nothing moves
  const count = await transfers()
  const again = await cashier(created.sandboxCashier as string)
  expect(again.status).toBe(409)
  expect(again.json).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
  expect(JSON.stringify(again.json)).toContain('已支付')
  expect(await transfers()).toBe(count)
  expect((await ok('money.cards', {}, token)).items[0].unloaded).toBe(30000)
})

test('杭州顺达物流 recharges with Alipay in H5: the signed notification reaches /alipay/notify and credits', async () => {
  const token = await login('13900139000', 'unit', UNIT)
  const before = await ok('money.summary', {}, token)
  expect(before.storedCards).toBeGreaterThan(1)
  expect(before.channels).toContain('alipay')

  // to the account: a fleet's recharge stays there
  const toAccount = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'account' }, amount: 50000, channel: 'alipay' },
    token,
  )
  expect(toAccount.launch.provider).toBe('alipay')
  // the real alipay-sdk opened the trade with the alipayNotify URL of this server
  expect(sandbox.alipay.trade(toAccount.order.orderNo)).toMatchObject({
    amount: 50000,
    status: 'WAIT_BUYER_PAY',
    notifyUrl: `${server.url}/alipay/notify`,
  })
  const paid = await cashier(toAccount.sandboxCashier as string)
  expect(paid.status).toBe(200)
  expect(paid.json).toMatchObject({
    ok: true,
    data: { orderNo: toAccount.order.orderNo, channel: 'alipay', notified: true, answer: 'success' },
  })
  expect(serverLog).toContain('[alipayNotify] credited')
  const status = await ok('recharge.status', { orderNo: toAccount.order.orderNo }, token)
  expect(status).toMatchObject({ status: 'paid', creditedTo: { kind: 'account' } })
  expect(status.providerTradeNo).toBe(sandbox.alipay.trade(toAccount.order.orderNo)?.tradeNo)
  expect((await ok('money.summary', {}, token)).available).toBe(before.available + 50000)

  // straight to one card
  const [card] = (await ok('money.cards', { limit: 5 }, token)).items.filter((c) => c.canReceive)
  const toCard = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'card', cardId: card.cardId }, amount: 1234, channel: 'alipay' },
    token,
  )
  expect((await cashier(toCard.sandboxCashier as string)).json).toMatchObject({ data: { notified: true } })
  expect((await ok('recharge.status', { orderNo: toCard.order.orderNo }, token)).status).toBe('paid')
  const after = (await ok('money.cards', { plate: card.plate }, token)).items[0]
  expect(after.unloaded).toBe(card.unloaded + 1234)
  expect((await ok('money.summary', {}, token)).available).toBe(before.available + 50000)
})

test('a forged or tampered Alipay notification answers `fail` and credits nothing', async () => {
  const token = await login('13900139000', 'unit', UNIT)
  const before = await ok('money.summary', {}, token)
  const created = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'account' }, amount: 88800, channel: 'alipay' },
    token,
  )
  const { orderNo } = created.order
  const count = await transfers()

  // "paid", signed with a key that is not Alipay's
  const forged = sandbox.alipay.notificationBodyFor(orderNo, { trade_status: 'TRADE_SUCCESS' }, 'stranger')
  const answer = await notifyAlipay(forged)
  expect(answer).toMatchObject({ status: 200, text: 'fail' })
  expect(answer.type).toMatch(/^text\/plain/)
  // Alipay's genuine notification of the unpaid trade, changed on the way to say "paid"
  const tampered = sandbox.alipay.notificationBodyFor(orderNo, { trade_status: 'TRADE_SUCCESS' }, 'tampered')
  expect((await notifyAlipay(tampered)).text).toBe('fail')
  // not a notification at all
  expect((await notifyAlipay('hello=world')).text).toBe('fail')

  expect(await transfers()).toBe(count)
  expect((await orderDoc(orderNo))?.status).toBe('pending')
  expect((await ok('recharge.status', { orderNo }, token)).status).toBe('pending')
  expect((await ok('money.summary', {}, token)).available).toBe(before.available)
  // the refusals are recorded; the order can still be paid for real
  expect(serverLog.filter((line) => line === '[alipayNotify] unverified')).toHaveLength(3)
  expect((await cashier(created.sandboxCashier as string)).json).toMatchObject({ data: { notified: true } })
  expect((await ok('money.summary', {}, token)).available).toBe(before.available + 88800)
})

test('payNotify refuses a WeChat callback whose SOURCE is not the payment callback, even for a paid order', async () => {
  const token = await login('13800138000', 'personal', ZHANG)
  const [card] = (await ok('money.cards', {}, token)).items
  const created = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'card', cardId: card.cardId }, amount: 500, channel: 'wechat' },
    token,
  )
  const { orderNo } = created.order
  sandbox.merchant.pay(orderNo) // the payer really paid; only the caller of payNotify is wrong
  const event = sandbox.merchant.callbackEvent(orderNo)
  const count = await transfers()

  const refused = await sandbox.payNotify(event, 'wx_client')
  expect(refused.errcode).not.toBe(0)
  expect(await transfers()).toBe(count)
  expect((await orderDoc(orderNo))?.status).toBe('pending')

  // the same event from the payment callback credits
  expect(await sandbox.payNotify(event, wechatPayCallbackSource)).toEqual({ errcode: 0, errmsg: 'OK' })
  expect((await orderDoc(orderNo))?.status).toBe('paid')
  expect((await ok('money.cards', {}, token)).items[0].unloaded).toBe(card.unloaded + 500)
})

test('the next morning the local scheduler reconciles the day both sandboxes paid, and closes what nobody paid', async () => {
  const token = await login('13800138000', 'personal', ZHANG)
  const unpaid = await ok(
    'recharge.create',
    { key: key(), target: { kind: 'account' }, amount: 500, channel: 'alipay' },
    token,
  )
  const day = shanghaiDay(clock.now())
  const paidToday = async (channel: 'wechat' | 'alipay') => {
    const orders = await readAll<RechargeOrderDoc & { [key: string]: unknown }>(
      server.store,
      collections.rechargeOrders,
    )
    const paid = orders.filter((o) => o.channel === channel && o.status === 'paid')
    return { count: paid.length, total: paid.reduce((sum, o) => sum + o.amount, 0) }
  }
  const expected = { wechat: await paidToday('wechat'), alipay: await paidToday('alipay') }
  expect(expected.wechat.count).toBeGreaterThan(0)
  expect(expected.alipay.count).toBeGreaterThan(0)

  now = shanghaiInstant(`${day} 10:30`).getTime() + 86_400_000 // 10:30 the next day
  const run = await server.runScheduler()
  expect(run.jobs.map((j) => [j.name, j.outcome])).toEqual([
    ['closeExpiredOrders', 'done'],
    ['reconcileStatements', 'done'],
    ['payDueRefunds', 'done'],
    ['exports', 'done'],
  ])
  for (const provider of ['wechat', 'alipay'] as const) {
    const report = await server.store.get<ReconciliationReportDoc & { [key: string]: unknown }>(
      collections.reconciliationReports,
      `${provider}:${day}`,
    )
    expect(report).toMatchObject({
      state: 'complete',
      payments: expected[provider],
      discrepancies: [],
      orphans: [],
    })
  }
  expect((await orderDoc(unpaid.order.orderNo))?.status).toBe('closed')
  expect(sandbox.alipay.trade(unpaid.order.orderNo)?.status).toBe('TRADE_CLOSED')
})

describe('the sandbox routes keep the server’s protections', () => {
  test('an unknown order answers a clear 404; a GET is refused; a foreign Host is 403', async () => {
    const unknown = await cashier('/sandbox/cashier/R2026112000000000000')
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', status: 404 } })
    expect(JSON.stringify(unknown.json)).toContain('没有订单号为 R2026112000000000000 的充值订单')
    const garbage = await cashier('/sandbox/cashier/%E0%A4%A')
    expect(garbage.status).toBe(404)

    const get = await fetch(`${server.url}/sandbox/cashier/R2026112000000000000`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect((await fetch(`${server.url}/alipay/notify`)).status).toBe(405)

    const foreign = { host: 'evil.example:80', 'content-type': 'application/json' }
    expect((await rawPost('/sandbox/cashier/R2026112000000000000', '{}', foreign)).status).toBe(403)
    expect((await rawPost('/alipay/notify', 'a=b', foreign)).status).toBe(403)
  })

  test('bodies over the limit are refused before anything is parsed', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1)
    const count = await transfers()
    const notify = await notifyAlipay(big)
    expect(notify).toMatchObject({ status: 413, text: 'fail' })
    const res = await fetch(`${server.url}/sandbox/cashier/R2026112000000000000`, {
      method: 'POST',
      body: big,
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(await transfers()).toBe(count)
  })
})
