/**
 * Bills, trips and refunds through the router on the seeded demo, on both Store adapters: the
 * 15th rule at the Shanghai midnight that decides it (jest runs in Los Angeles), every total
 * against a scan of the trips, paging to the end, bad input answered with typed errors or honest
 * empty results, and who may deliver trips.
 */
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { shanghaiDay } from '../../cloudfunctions/core/businessTime'
import { collections, type SessionDoc, type TripDoc } from '../../cloudfunctions/core/documents'
import { createOperator } from '../../cloudfunctions/core/operators/operatorAdmin'
import { signSessionToken } from '../../cloudfunctions/core/sessionTokens'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import { billSceneOfTrip } from '../../cloudfunctions/core/bills/scenes'
import { scanAll } from '../../cloudfunctions/core/bills/lists'
import { latestBillMonth } from '../../types/billRules'
import type { ActionName, ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { adapters, apiCalls, seedDemoPerSuite, TestClock, wechatCallers, type Adapter } from './seededDemo'

const start = new Date('2026-12-20T02:00:00Z') // 10:00 on 20 December in Shanghai
const demo = seedDemoPerSuite('bills', start)
const ZHANG = 'acc-p-01-zhangwei'
const UNIT = 'acc-u-shunda'
const CAPTCHA = 'AbC7'
const DAY_MS = 86_400_000

// each test reads every trip of an account through the adapter to check the answers against
jest.setTimeout(60_000)

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
  })
  const { call, ok } = apiCalls(api)
  const bind = wechatCallers(store, clock, 'bills', { validForMs: 400 * DAY_MS })
  const wechat = (accountId: string) => bind(accountId, accountId === UNIT ? 'unit' : 'personal')
  const http = (token: string | null): Caller => ({ platform: 'http', token, ip: '10.7.0.1' })
  const driverToken = async (accountId: string) => {
    const session: SessionDoc = {
      id: `s-bills-${accountId}`,
      principalId: `pr-bills-${accountId}`,
      accountId,
      userType: 'personal',
      loginPhoneHash: '',
      createdAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + DAY_MS).toISOString(),
      revokedAt: null,
    }
    await store.set(collections.sessions, session.id, { ...session })
    return (
      await signSessionToken(
        { accountId: session.principalId, sessionId: session.id },
        demo.secrets.sessionKey,
        clock.now(),
        86_400,
      )
    ).token
  }
  const operatorToken = async (loginName: string, roles: string[]) => {
    await createOperator(
      store,
      { loginName, name: '清分系统', roles, outletId: null, password: 'Clear2026x' },
      clock.now(),
    )
    const caller = http(null)
    const { captchaId } = await ok('auth.captcha', {}, caller)
    const login = await ok(
      'operator.login',
      { loginName, password: 'Clear2026x', captchaId, captchaText: CAPTCHA },
      caller,
    )
    return login.token
  }
  /** The account's trips, read straight from the store (what every expectation is checked against). */
  const trips = (accountId: string): Promise<TripDoc[]> =>
    scanAll<TripDoc>(store, {
      collection: collections.trips,
      where: [{ field: 'accountId', op: 'eq', value: accountId }],
      orderBy: { field: 'exitAt', direction: 'asc' },
    })
  return { store, clock, call, ok, wechat, http, driverToken, operatorToken, trips }
}
type World = Awaited<ReturnType<typeof makeWorld>>

function expectError(result: ApiResult, code: ErrorCode, field?: string) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(/[\u4e00-\u9fff]/)
  if (field) expect(Object.keys(result.error.fields ?? {})).toContain(field)
}

/** Every page of a list, following nextCursor. */
async function allPages<A extends ActionName, T>(
  w: World,
  action: A,
  payload: Record<string, unknown>,
  caller: Caller,
): Promise<{ items: T[]; totals: number[]; pages: number }> {
  const items: T[] = []
  const totals: number[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = (await w.ok(action, { ...payload, cursor, limit: 50 }, caller)) as unknown as {
      items: T[]
      total: number
      nextCursor: string | null
    }
    items.push(...page.items)
    totals.push(page.total)
    cursor = page.nextCursor ?? undefined
    pages += 1
  } while (cursor)
  return { items, totals, pages }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const netOf = (trips: TripDoc[]) =>
  sum(trips.map((t) => t.amount)) -
  sum(trips.filter((t) => t.refundState === 'refunded').map((t) => t.refundAmount))

describe.each(adapters)('on %s', (adapter) => {
  let w: World
  beforeEach(async () => {
    w = await makeWorld(adapter)
  })
  afterEach(() => w.store.close())

  describe('the 15th rule (Shanghai midnight, host in Los Angeles)', () => {
    test('across the year boundary: December 2026 shows from 16 January 2027 00:00 in Shanghai', async () => {
      const trips = await w.trips(ZHANG)
      // 23:59:59 on the 15th in Shanghai
      w.clock.advance((Date.parse('2027-01-15T15:59:59Z') - w.clock.now().getTime()) / 1000)
      const caller = await w.wechat(ZHANG)
      expectError(
        await w.call('bills.statistics', { period: 'month', from: '2026-12', to: '2026-12' }, caller),
        'INVALID_INPUT',
        'from',
      )
      const year = await w.ok('bills.statistics', { period: 'year', from: '2026', to: '2026' }, caller)
      expect(year.latestMonth).toBe('2026-11')
      const visible = trips.filter((t) => t.exitMonth >= '2026-01' && t.exitMonth <= '2026-11')
      expect(year.totals.net).toBe(netOf(visible))
      expect(year.totals.count).toBe(visible.length)
      for (const row of year.items)
        expect(row.net).toBe(netOf(visible.filter((t) => t.cardId === row.cardId)))

      w.clock.advance(1) // 00:00:00 on the 16th in Shanghai: 08:00 on the 15th in Los Angeles
      expect(new Date(w.clock.now()).getDate()).toBe(15)
      const december = await w.ok(
        'bills.statistics',
        { period: 'month', from: '2026-12', to: '2026-12' },
        caller,
      )
      expect(december.latestMonth).toBe('2026-12')
      const decTrips = trips.filter((t) => t.exitMonth === '2026-12')
      expect(decTrips.length).toBeGreaterThan(0)
      expect(december.totals.net).toBe(netOf(decTrips))
      const fullYear = await w.ok('bills.statistics', { period: 'year', from: '2026', to: '2026' }, caller)
      expect(fullYear.totals.net).toBe(netOf(trips.filter((t) => t.exitMonth.startsWith('2026-'))))
      // bill details follow the same rule
      const details = await w.ok('bills.details', { period: 'month', key: '2026-12', limit: 5 }, caller)
      expect(details.totals.net).toBe(netOf(decTrips))
    })

    test('across a month boundary: November 2026 shows from 16 December 00:00 in Shanghai', async () => {
      const caller = await w.wechat(ZHANG)
      w.clock.advance((Date.parse('2026-12-15T15:59:59Z') - w.clock.now().getTime()) / 1000)
      expect(latestBillMonth(shanghaiDay(w.clock.now()))).toBe('2026-10')
      expectError(
        await w.call('bills.details', { period: 'month', key: '2026-11' }, caller),
        'INVALID_INPUT',
        'key',
      )
      const quarter = await w.ok(
        'bills.statistics',
        { period: 'quarter', from: '2026-Q4', to: '2026-Q4' },
        caller,
      )
      const trips = await w.trips(ZHANG)
      expect(quarter.totals.net).toBe(netOf(trips.filter((t) => t.exitMonth === '2026-10')))
      w.clock.advance(1)
      const november = await w.ok('bills.details', { period: 'month', key: '2026-11', limit: 5 }, caller)
      expect(november.latestMonth).toBe('2026-11')
      expect(november.totals.net).toBe(netOf(trips.filter((t) => t.exitMonth === '2026-11')))
    })
  })

  describe('lists against a scan of the trips', () => {
    test('通行流水: every page, 共 N 条 and the statistics bar', async () => {
      const caller = await w.wechat(ZHANG)
      const range = { from: '2026-03-10', to: '2026-11-25' }
      const listed = await allPages<'trips.list', { id: string; amount: number; discount: number }>(
        w,
        'trips.list',
        { scene: 'etcHighway', ...range },
        caller,
      )
      const expected = (await w.trips(ZHANG)).filter(
        (t) =>
          t.scene === 'etcHighway' &&
          shanghaiDay(new Date(t.exitAt)) >= range.from &&
          shanghaiDay(new Date(t.exitAt)) <= range.to,
      )
      expect(listed.pages).toBeGreaterThan(1)
      expect(listed.items.map((t) => t.id).sort()).toEqual(expected.map((t) => t.id).sort())
      expect(new Set(listed.totals)).toEqual(new Set([expected.length]))
      const trips = await w.trips(ZHANG)
      // whole months, parts of months above and below half, one day, across the year end
      const ranges = [
        range,
        { from: '2026-06-20', to: '2026-07-05' },
        { from: '2025-12-31', to: '2026-01-01' },
        { from: '2025-12-20', to: '2026-12-20' },
        { from: '2026-02-01', to: '2026-04-30' },
      ]
      for (const scene of ['etcHighway', 'nonEtcHighway', 'nonHighway'] as const)
        for (const r of ranges) {
          const inRange = trips.filter((t) => {
            const day = shanghaiDay(new Date(t.exitAt))
            return t.scene === scene && day >= r.from && day <= r.to
          })
          const page = await w.ok('trips.list', { scene, ...r }, caller)
          expect([scene, r, page.statistics]).toEqual([
            scene,
            r,
            {
              count: inRange.length,
              amount: sum(inRange.map((t) => t.amount)),
              discount: sum(inRange.map((t) => t.discount)),
            },
          ])
          expect(page.total).toBe(inRange.length)
        }
    })

    test('账单明细: refunds are rows of their own and net in the totals', async () => {
      const caller = await w.wechat(ZHANG)
      const listed = await allPages<
        'bills.details',
        { id: string; scene: string; amount: number; tripId: string }
      >(w, 'bills.details', { period: 'year', key: '2026', scene: 'all' }, caller)
      const trips = (await w.trips(ZHANG)).filter((t) => t.exitMonth >= '2026-01' && t.exitMonth <= '2026-11')
      const refunded = trips.filter((t) => t.refundState === 'refunded')
      expect(refunded.length).toBeGreaterThan(0)
      expect(listed.items).toHaveLength(trips.length + refunded.length)
      expect(listed.totals[0]).toBe(trips.length + refunded.length)
      expect(
        listed.items
          .filter((r) => r.scene === 'refund')
          .map((r) => r.tripId)
          .sort(),
      ).toEqual(refunded.map((t) => t.id).sort())
      const first = await w.ok('bills.details', { period: 'year', key: '2026' }, caller)
      expect(first.refundsNetted).toBe(true)
      expect(first.totals.net).toBe(sum(listed.items.map((r) => r.amount)))
      expect(first.totals.net).toBe(netOf(trips))
      // one scene: the trips the core maps onto it
      const other = await w.ok(
        'bills.details',
        { period: 'year', key: '2026', scene: 'other', limit: 50 },
        caller,
      )
      const others = trips.filter((t) => billSceneOfTrip[t.scene] === 'other')
      expect(other.total).toBe(others.length)
      expect(other.totals.amount).toBe(sum(others.map((t) => t.amount)))
    })

    test('退费记录: totals total / refunded / refunding, by trip time and by refund time', async () => {
      const caller = await w.wechat(UNIT)
      const trips = (await w.trips(UNIT)).filter((t) => t.refundState !== 'none' && t.scene !== 'nonHighway')
      const first = await w.ok(
        'refunds.list',
        { scene: 'highway', tripFrom: '2026-01-01', tripTo: '2026-12-20' },
        caller,
      )
      const inRange = trips.filter((t) => shanghaiDay(new Date(t.exitAt)) >= '2026-01-01')
      const refunded = sum(inRange.filter((t) => t.refundState === 'refunded').map((t) => t.refundAmount))
      const refunding = sum(inRange.filter((t) => t.refundState === 'refunding').map((t) => t.refundAmount))
      expect(first.totals).toEqual({ total: refunded + refunding, refunded, refunding })
      expect(first.total).toBe(inRange.length)
      const byRefund = await w.ok(
        'refunds.list',
        { scene: 'highway', refundFrom: '2026-06-01', refundTo: '2026-06-30' },
        caller,
      )
      const june = trips.filter(
        (t) => t.refundAt !== null && shanghaiDay(new Date(t.refundAt)).startsWith('2026-06'),
      )
      expect(byRefund.total).toBe(june.length)
      expect(byRefund.trip).toBeNull()
    })

    test('trend: one point per visible month, vehicles ranked by net', async () => {
      const caller = await w.wechat(UNIT)
      const trend = await w.ok('bills.trend', { fromMonth: '2026-01', toMonth: '2026-12' }, caller)
      expect(trend.latestMonth).toBe('2026-11')
      expect(trend.months.map((m) => m.month)).toHaveLength(11)
      const trips = (await w.trips(UNIT)).filter((t) => t.exitMonth >= '2026-01' && t.exitMonth <= '2026-11')
      expect(sum(trend.months.map((m) => m.net))).toBe(netOf(trips))
      expect(trend.vehicles.length).toBeLessThanOrEqual(20)
      for (let i = 1; i < trend.vehicles.length; i++)
        expect(trend.vehicles[i - 1].net).toBeGreaterThanOrEqual(trend.vehicles[i].net)
    })

    test('trip detail: payment, invoice type and the invoice that covers it', async () => {
      const caller = await w.wechat(ZHANG)
      const invoiced = (await w.trips(ZHANG)).find((t) => t.invoiceId !== null)
      if (!invoiced) throw new Error('the demo has invoiced trips')
      const detail = await w.ok('trips.detail', { tripId: invoiced.id }, caller)
      expect(detail.invoice?.id).toBe(invoiced.invoiceId)
      expect(detail.invoice?.invoiceNo).toMatch(/^\d{20}$/)
      expect(detail.invoiceType).toBe('通行费电子发票')
      expect(detail.payment.paid).toBe(invoiced.amount)
      expect(detail.cardNo).toMatch(/^\d{4}\*{5}\d{4}$/)
    })
  })

  describe('bad input', () => {
    test('unbounded, future and reversed date filters are refused, each naming its field', async () => {
      const caller = await w.wechat(ZHANG)
      expectError(
        await w.call('trips.list', { scene: 'etcHighway', from: '2020-01-01', to: '2026-12-01' }, caller),
        'INVALID_INPUT',
        'to',
      )
      expectError(
        await w.call('trips.list', { scene: 'etcHighway', from: '2027-01-01' }, caller),
        'INVALID_INPUT',
        'from',
      )
      expectError(
        await w.call(
          'refunds.list',
          { scene: 'highway', refundFrom: '2026-12-01', refundTo: '2026-01-01' },
          caller,
        ),
        'INVALID_INPUT',
        'refundTo',
      )
      expectError(
        await w.call('refunds.list', { scene: 'highway', tripTo: '2030-01-01' }, caller),
        'INVALID_INPUT',
        'tripTo',
      )
      expectError(
        await w.call('bills.statistics', { period: 'month', from: '2024-01', to: '2026-11' }, caller),
        'INVALID_INPUT',
        'to',
      )
      expectError(
        await w.call('bills.statistics', { period: 'year', from: '2027', to: '2027' }, caller),
        'INVALID_INPUT',
        'from',
      )
      expectError(
        await w.call('bills.statistics', { period: 'year', from: '2026-Q1', to: '2026' }, caller),
        'INVALID_INPUT',
        'from',
      )
      expectError(
        await w.call('bills.trend', { fromMonth: '2024-01', toMonth: '2026-11' }, caller),
        'INVALID_INPUT',
        'toMonth',
      )
    })

    test('periods before the account existed are refused', async () => {
      const caller = await w.wechat(ZHANG)
      const account = await w.store.get<{ createdAt: string }>(collections.accounts, ZHANG)
      const year = Number(account?.createdAt.slice(0, 4)) - 1
      expectError(
        await w.call(
          'bills.statistics',
          { period: 'year', from: String(year - 1), to: String(year) },
          caller,
        ),
        'INVALID_INPUT',
        'to',
      )
      expectError(
        await w.call('bills.details', { period: 'year', key: String(year) }, caller),
        'INVALID_INPUT',
        'key',
      )
    })

    test("another account's vehicle, trip or plate: NOT_FOUND or an honest empty list", async () => {
      const caller = await w.wechat(ZHANG)
      const unitTrip = (await w.trips(UNIT))[0]
      expectError(await w.call('trips.detail', { tripId: unitTrip.id }, caller), 'NOT_FOUND')
      expectError(
        await w.call(
          'bills.trend',
          { fromMonth: '2026-01', toMonth: '2026-11', vehicleId: unitTrip.vehicleId },
          caller,
        ),
        'NOT_FOUND',
      )
      const stats = await w.ok(
        'bills.statistics',
        { period: 'year', from: '2026', to: '2026', plate: unitTrip.plate },
        caller,
      )
      expect(stats.items).toEqual([])
      expect(stats.total).toBe(0)
      const trips = await w.ok('trips.list', { scene: unitTrip.scene, plate: unitTrip.plate }, caller)
      expect(trips.items).toEqual([])
      expect(trips.statistics).toEqual({ count: 0, amount: 0, discount: 0 })
      expectError(
        await w.call('trips.list', { scene: 'etcHighway', cursor: 'not-a-cursor' }, caller),
        'INVALID_INPUT',
        'cursor',
      )
      expectError(
        await w.call('bills.statistics', { period: 'year', from: '2026', to: '2026', cursor: 'x' }, caller),
        'INVALID_INPUT',
        'cursor',
      )
    })
  })

  describe('who delivers trips', () => {
    const delivery = (cardNo: string) => ({
      trips: [
        {
          tripId: 'clearing-0001',
          cardNo,
          scene: 'etcHighway',
          entryStation: '杭州南',
          exitStation: '宁波东',
          entryAt: '2026-12-19T01:00:00.000Z',
          exitAt: '2026-12-19T02:30:00.000Z',
          amount: 6460,
          discount: 323,
          deductionDate: '2026-12-19',
        },
      ],
    })

    test('the clearing operator ingests; a driver (token or WeChat) and another operator role cannot', async () => {
      const card = (await w.trips(ZHANG))[0]
      const cardDoc = await w.store.get<{ cardNo: string }>(collections.cards, card.cardId)
      if (!cardDoc) throw new Error('card')
      const payload = delivery(cardDoc.cardNo)

      // a WeChat driver has no operator session at all; a driver token is the wrong kind
      expectError(await w.call('trips.ingest', payload, await w.wechat(ZHANG)), 'UNAUTHENTICATED')
      expectError(await w.call('trips.ingest', payload, w.http(await w.driverToken(ZHANG))), 'FORBIDDEN')
      expectError(
        await w.call('trips.ingest', payload, w.http(await w.operatorToken('recon-1', ['reconciliation']))),
        'FORBIDDEN',
      )
      expect(await w.store.get(collections.trips, 'clearing-0001')).toBeNull()

      const clearing = w.http(await w.operatorToken('clearing-1', ['clearing']))
      expect(await w.ok('trips.ingest', payload, clearing)).toMatchObject({ created: 1, failed: 0 })
      expect(await w.ok('trips.ingest', payload, clearing)).toMatchObject({ unchanged: 1 })
      expect(await w.ok('trips.ingest', delivery('33019999999999999999'), clearing)).toMatchObject({
        failed: 1,
        results: [{ tripId: 'clearing-0001', outcome: 'unknownCard' }],
      })
      const stored = await w.store.get<TripDoc & { [k: string]: unknown }>(collections.trips, 'clearing-0001')
      expect(stored).toMatchObject({
        accountId: ZHANG,
        cardId: card.cardId,
        exitMonth: '2026-12',
        invoiceId: null,
      })
      const listed = await w.ok(
        'trips.list',
        { scene: 'etcHighway', from: '2026-12-19', to: '2026-12-19' },
        await w.wechat(ZHANG),
      )
      expect(listed.items.map((t) => t.id)).toContain('clearing-0001')
      expectError(await w.call('trips.ingest', { trips: [] }, clearing), 'INVALID_INPUT')
    })
  })
})
