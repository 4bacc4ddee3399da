import dayjs from 'dayjs'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'
import {
  collections,
  type AuditLogDoc,
  type CardDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { creditOnlyDemo } from '../../tools/demo/seedEtc'
import { storedBalanceNote, type ActionName, type ApiResult } from '../../types/api'
import type { Page } from '../../types/common'
import {
  adapters,
  apiCalls,
  readAll,
  TestClock,
  seedDemoPerSuite,
  wechatCallers,
  type Adapter,
} from './seededDemo'
import { errorCatalog, type ErrorCode } from '../../types/errors'

const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('etc', start)
const { secrets } = demo
const ZHANG = 'acc-p-01-zhangwei'
const OUYANG = 'acc-p-03-ouyangnana'
const UNIT = 'acc-u-shunda'

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const api = createApi({ store, sms: createOutboxSms(store, clock), clock, secrets })
  const { call, ok } = apiCalls(api)
  const as = wechatCallers(store, clock, 'etc')
  return { store, clock, call, ok, as }
}
type World = Awaited<ReturnType<typeof makeWorld>>

function all<T>(store: Store, name: string): Promise<Array<T & Doc>> {
  return readAll<T & Doc>(store, name)
}
const business = [
  collections.accounts,
  collections.vehicles,
  collections.cards,
  collections.tags,
  collections.statusListRecords,
  collections.invoiceTitles,
  collections.auditLog,
]
async function snapshot(store: Store) {
  const out: Record<string, Doc[]> = {}
  for (const name of business) out[name] = await all(store, name)
  return out
}

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode, message?: string | RegExp) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
  if (message) expect(result.error.message).toMatch(message)
  for (const m of Object.values(result.error.fields ?? {})) expect(m).toMatch(chinese)
}

/** Pages through a list action with the same filters on every page. */
async function pageAll<A extends ActionName, T>(
  w: World,
  action: A,
  filters: Record<string, unknown>,
  caller: Caller,
  limit: number,
): Promise<{ items: T[]; totals: Set<number>; pages: number }> {
  const items: T[] = []
  const totals = new Set<number>()
  let cursor: string | undefined
  let pages = 0
  do {
    // The caller names the row type; the generic response union cannot be narrowed from A.
    const answer: unknown = await w.ok(action, { ...filters, limit, ...(cursor ? { cursor } : {}) }, caller)
    const page = answer as Page<T>
    items.push(...page.items)
    totals.add(page.total)
    cursor = page.nextCursor ?? undefined
    pages += 1
  } while (cursor && pages < 100)
  return { items, totals, pages }
}

/** No phone or ID number (11+ digits in a row) and none of the given plain values. */
const noUnmasked = (data: unknown, ...secretsToHide: string[]) => {
  const text = JSON.stringify(data)
  expect(text).not.toMatch(/\d{11}/)
  for (const s of secretsToHide) expect(text).not.toContain(s)
}

describe.each(adapters)('on %s', (adapter) => {
  describe('user center', () => {
    let w: World
    beforeAll(async () => {
      w = await makeWorld(adapter)
    })
    afterAll(() => w.store.close())

    test('personal: masked basic info, credit vehicle with signing, stored without; menu shown', async () => {
      const me = await w.ok('account.me', {}, await w.as(ZHANG))
      expect(me).toMatchObject({
        account: { id: ZHANG, displayName: '张*' },
        phone: '138****8000',
        vehicleCount: 2,
        showStoredValueMenu: true,
        profile: {
          userType: 'personal',
          userTypeLabel: '个人用户',
          name: '张*',
          idType: '身份证',
          idNumber: expect.stringMatching(/^330\*{11}\d{3}[\dX]$/),
          phone: '138****8000',
          agentName: null,
        },
      })
      expect(me.validVehicles.total).toBe(2)
      const credit = me.validVehicles.items.find((v) => v.cardType === 'credit')
      const stored = me.validVehicles.items.find((v) => v.cardType === 'stored')
      expect(credit).toMatchObject({
        plate: '浙A8K2M7',
        signed: true,
        signing: { channel: '中国银行', status: 'signed' },
      })
      expect(credit?.tagNo).toMatch(/^\d{4}\*{5}\d{4}$/)
      expect(stored).toMatchObject({ plate: '浙AD35288', signed: null, signing: null, tagStatus: 'issued' })
      noUnmasked(me, '张伟')
      expect(await w.ok('account.profile', {}, await w.as(ZHANG))).toEqual(me.profile)
    })

    test('stored-value menu: shown for a stored card without funds, hidden with neither', async () => {
      expect((await w.ok('account.me', {}, await w.as(OUYANG))).showStoredValueMenu).toBe(true)
      const zhao = await w.ok('account.me', {}, await w.as(creditOnlyDemo.accountId))
      expect(zhao).toMatchObject({ showStoredValueMenu: false, vehicleCount: 1, profile: { name: '赵*' } })
      expect(zhao.validVehicles.items[0]).toMatchObject({
        plate: creditOnlyDemo.plate,
        cardType: 'credit',
        signing: { channel: '微信', status: 'signed' },
      })
    })

    test('unit: agent masked, 200 valid vehicles, the user-center page continues in vehicles.list', async () => {
      const unit = await w.as(UNIT, 'unit')
      const me = await w.ok('account.me', {}, unit)
      expect(me.profile).toEqual({
        userType: 'unit',
        userTypeLabel: '单位用户',
        name: '杭州**物流有限公司',
        idType: '统一社会信用代码',
        idNumber: expect.stringMatching(/^913\*{11}[0-9A-Z]{4}$/),
        phone: '139****9000',
        agentName: '王**',
      })
      expect(me).toMatchObject({ vehicleCount: 200, showStoredValueMenu: true })
      expect(me.validVehicles.items).toHaveLength(10)
      expect(me.validVehicles.total).toBe(200)
      const seen = new Set(me.validVehicles.items.map((v) => v.id))
      let cursor = me.validVehicles.nextCursor
      while (cursor) {
        const page = await w.ok(
          'vehicles.list',
          { scope: 'current', cardStatus: 'all', cursor, limit: 50 },
          unit,
        )
        for (const v of page.items) seen.add(v.id)
        cursor = page.nextCursor
      }
      expect(seen.size).toBe(200)
      noUnmasked(me, '王建国', '顺达', 'MA2B3C')
    })
  })

  describe('vehicles', () => {
    let w: World
    let unit: Caller
    let zhang: Caller
    beforeAll(async () => {
      w = await makeWorld(adapter)
      unit = await w.as(UNIT, 'unit')
      zhang = await w.as(ZHANG)
    })
    afterAll(() => w.store.close())

    test('current list defaults to issued cards and pages the fleet without gaps or repeats', async () => {
      const fleet = (await all<VehicleDoc>(w.store, collections.vehicles)).filter((v) => v.accountId === UNIT)
      const issued = fleet.filter((v) => v.scope === 'current' && v.cardStatus === 'issued')
      const first = await w.ok('vehicles.list', { limit: 7 }, unit)
      expect(first.cardStatus).toBe('issued')
      const { items, totals, pages } = await pageAll<
        'vehicles.list',
        { id: string; plate: string; cardStatus: string }
      >(w, 'vehicles.list', {}, unit, 7)
      expect([...totals]).toEqual([issued.length])
      expect(items).toHaveLength(issued.length)
      expect(new Set(items.map((v) => v.id)).size).toBe(issued.length)
      expect(pages).toBe(Math.ceil(issued.length / 7))
      expect(items.every((v) => v.cardStatus === 'issued')).toBe(true)
      const plates = items.map((v) => v.plate)
      expect(plates).toEqual([...plates].sort())

      const everything = await pageAll(w, 'vehicles.list', { cardStatus: 'all' }, unit, 50)
      expect([...everything.totals]).toEqual([200])
      // a filter is kept across pages: lost cards only, three a page
      const lost = fleet.filter((v) => v.scope === 'current' && v.cardStatus === 'lost')
      const lostPages = await pageAll<'vehicles.list', { cardStatus: string }>(
        w,
        'vehicles.list',
        { cardStatus: 'lost' },
        unit,
        3,
      )
      expect(lostPages.items).toHaveLength(lost.length)
      expect(lostPages.items.every((v) => v.cardStatus === 'lost')).toBe(true)

      const history = await pageAll<'vehicles.list', { cardStatus: string }>(
        w,
        'vehicles.list',
        { scope: 'history' },
        unit,
        4,
      )
      expect([...history.totals]).toEqual([fleet.filter((v) => v.scope === 'history').length])
      expect(history.items.every((v) => v.cardStatus === 'cancelled')).toBe(true)

      const plate = issued[0].plate
      const byPlate = await w.ok('vehicles.list', { plate: plate.toLowerCase() }, unit)
      expect(byPlate.items.map((v) => v.plate)).toEqual([plate])
    })

    test('detail: card and tag with history, signing, invoice titles (masked)', async () => {
      const list = await w.ok('vehicles.list', {}, zhang)
      const credit = list.items.find((v) => v.plate === '浙A8K2M7')
      const stored = list.items.find((v) => v.plate === '浙AD35288')
      if (!credit || !stored) throw new Error('demo vehicles missing')
      const detail = await w.ok('vehicles.detail', { vehicleId: credit.id }, zhang)
      expect(detail.vehicle).toMatchObject({ plate: '浙A8K2M7', plateColor: '蓝', scope: 'current' })
      expect(detail.card).toMatchObject({ type: 'credit', status: 'issued', inStatusList: true })
      expect(detail.cardHistory).toHaveLength(1)
      expect(detail.cardHistory[0]).toMatchObject({ status: 'cancelled', canViewDetail: false })
      expect(detail.cardHistory[0].cardNo).toMatch(/^1811\*{5}\d{4}$/)
      expect(detail.signing).toMatchObject({ channel: '中国银行', status: 'signed' })
      expect(detail.invoiceTitles).toEqual([
        expect.objectContaining({ title: '张*', taxNumber: null, isDefault: true }),
        expect.objectContaining({
          title: '杭州云帆信息科技有限公司',
          taxNumber: '913***********X12K',
          isDefault: false,
        }),
      ])
      const storedDetail = await w.ok('vehicles.detail', { vehicleId: stored.id }, zhang)
      expect(storedDetail.signing).toBeNull()
      expect(storedDetail.tag).toMatchObject({ status: 'issued' })
      expect(storedDetail.tagHistory).toEqual([
        expect.objectContaining({ status: 'cancelled', brand: '金溢', outlet: '收费站-杭州南' }),
      ])
      noUnmasked(detail, '张伟', '91330108MA27XYX12K')
    })
  })

  describe('cards', () => {
    let w: World
    let unit: Caller
    let zhang: Caller
    beforeAll(async () => {
      w = await makeWorld(adapter)
      unit = await w.as(UNIT, 'unit')
      zhang = await w.as(ZHANG)
    })
    afterAll(() => w.store.close())

    test('credit tab: default issued, status-list filter, cancelled cards refuse detail', async () => {
      const credit = await w.ok('cards.list', { type: 'credit' }, zhang)
      expect(credit).toMatchObject({ type: 'credit', stored: null, total: 1 })
      expect(credit.items[0]).toMatchObject({
        plate: '浙A8K2M7',
        status: 'issued',
        inStatusList: true,
        canViewDetail: true,
        balance: null,
        balanceHidden: false,
      })
      expect((await w.ok('cards.list', { type: 'credit', statusList: 'listed' }, zhang)).total).toBe(1)
      expect((await w.ok('cards.list', { type: 'credit', statusList: 'normal' }, zhang)).total).toBe(0)

      const cancelled = await w.ok('cards.list', { type: 'credit', status: 'cancelled' }, zhang)
      expect(cancelled.items.length).toBeGreaterThanOrEqual(2)
      for (const card of cancelled.items) {
        expect(card.canViewDetail).toBe(false)
        expectError(await w.call('cards.detail', { cardId: card.id }, zhang), 'CARD_CANCELLED', '已注销')
        expectError(await w.call('cards.statusList', { cardId: card.id }, zhang), 'CARD_CANCELLED')
      }
      const detail = await w.ok('cards.detail', { cardId: credit.items[0].id }, zhang)
      expect(detail).toMatchObject({
        card: { plate: '浙A8K2M7', plateColor: '蓝', type: 'credit' },
        signing: { channel: '中国银行', status: 'signed' },
      })
    })

    test('stored tab: balances hidden until shown, unallocated balance and the lag note', async () => {
      const stored = await w.ok('cards.list', { type: 'stored' }, zhang)
      expect(stored.stored).toEqual({ unallocatedBalance: 2100, note: storedBalanceNote })
      expect(stored.items).toHaveLength(1)
      expect(stored.items[0]).toMatchObject({
        plate: '浙AD35288',
        balance: null,
        unloaded: null,
        balanceHidden: true,
      })
      expect(JSON.stringify(stored)).not.toContain('35680')
      const shown = await w.ok('cards.balances', { cardIds: [stored.items[0].id] }, zhang)
      expect(shown.items).toEqual([
        expect.objectContaining({ cardId: stored.items[0].id, balance: 35680, unloaded: 20000 }),
      ])

      const credit = await w.ok('cards.list', { type: 'credit' }, zhang)
      expectError(
        await w.call('cards.balances', { cardIds: [credit.items[0].id] }, zhang),
        'INVALID_INPUT',
        '记账卡',
      )

      // a cancelled stored card of the fleet: no balances, no detail
      const cards = await all<CardDoc>(w.store, collections.cards)
      const dead = cards.find((c) => c.accountId === UNIT && c.type === 'stored' && c.status === 'cancelled')
      const live = cards.find((c) => c.accountId === UNIT && c.type === 'stored' && c.status === 'issued')
      if (!dead || !live) throw new Error('fleet lacks stored cards')
      expectError(
        await w.call('cards.balances', { cardIds: [live.id, dead.id] }, unit),
        'CARD_CANCELLED',
        '已注销状态的通行卡无法查看余额和详情',
      )
      expectError(await w.call('cards.detail', { cardId: dead.id }, unit), 'CARD_CANCELLED')
    })

    test('fleet tabs page without repeats; card number filter; bad card numbers refused', async () => {
      const cards = (await all<CardDoc>(w.store, collections.cards)).filter((c) => c.accountId === UNIT)
      for (const type of ['credit', 'stored'] as const) {
        const expected = cards.filter((c) => c.type === type && c.status === 'issued')
        const { items, totals } = await pageAll<'cards.list', { id: string; status: string }>(
          w,
          'cards.list',
          { type },
          unit,
          9,
        )
        expect([...totals]).toEqual([expected.length])
        expect(new Set(items.map((c) => c.id))).toEqual(new Set(expected.map((c) => c.id)))
        expect(items.every((c) => c.status === 'issued')).toBe(true)
      }
      const listed = cards.filter((c) => c.type === 'credit' && c.inStatusList === true)
      const listedPages = await pageAll(
        w,
        'cards.list',
        { type: 'credit', status: 'all', statusList: 'listed' },
        unit,
        2,
      )
      expect(listedPages.items).toHaveLength(listed.length)

      const one = cards.find((c) => c.type === 'stored' && c.status === 'issued')
      if (!one) throw new Error('no stored card')
      const found = await w.ok('cards.list', { type: 'stored', cardNo: one.cardNo }, unit)
      expect(found.items.map((c) => c.id)).toEqual([one.id])
      expect(found.items[0].cardNo).toBe(`${one.cardNo.slice(0, 4)}*****${one.cardNo.slice(-4)}`)
      expect(JSON.stringify(found)).not.toContain(one.cardNo)

      expectError(
        await w.call('cards.list', { type: 'credit', cardNo: '1234' }, unit),
        'INVALID_INPUT',
        '通行卡卡号应为20位数字',
      )
      expectError(
        await w.call('cards.list', { type: 'credit', cardNo: 'a'.repeat(20) }, unit),
        'INVALID_INPUT',
      )
      expectError(await w.call('cards.list', { type: 'debit' }, unit), 'INVALID_INPUT')
      expectError(await w.call('cards.list', { type: 'credit', plate: '浙' }, unit), 'INVALID_INPUT', '车牌')
      expectError(await w.call('cards.list', { type: 'credit', limit: 0 }, unit), 'INVALID_INPUT', '每页')
      expectError(
        await w.call('cards.list', { type: 'credit', limit: 51 }, unit),
        'INVALID_INPUT',
        '每页最多50条',
      )
      expectError(await w.call('cards.balances', { cardIds: [] }, unit), 'INVALID_INPUT')
    })

    test('status list: newest first, current flag, Shanghai date filter, bad dates refused', async () => {
      const credit = await w.ok('cards.list', { type: 'credit' }, zhang)
      const cardId = credit.items[0].id
      // no dates: the year up to today (older records take an explicit range: hardening-etc.test.ts)
      const records = await w.ok('cards.statusList', { cardId, limit: 50 }, zhang)
      expect(records.total).toBe(4)
      expect(records.items[0]).toMatchObject({ current: true, endAt: null, reason: '冻结' })
      expect(records.items.slice(1).every((r) => !r.current && r.endAt !== null)).toBe(true)
      expect(records.items.map((r) => r.reason)).toContain('保证金不够冻结')
      const starts = records.items.map((r) => r.startAt)
      expect(starts).toEqual([...starts].sort().reverse())

      // the day of the second record (Shanghai) only
      const day = dayjs(records.items[1].startAt).tz(businessTimeZone).format('YYYY-MM-DD')
      const oneDay = await w.ok('cards.statusList', { cardId, from: day, to: day }, zhang)
      expect(oneDay.items.map((r) => r.id)).toEqual([records.items[1].id])
      const from = dayjs(start).tz(businessTimeZone).subtract(100, 'day').format('YYYY-MM-DD')
      const recent = await w.ok('cards.statusList', { cardId, from }, zhang)
      expect(recent.total).toBe(2)
      const paged = await pageAll<'cards.statusList', { id: string }>(
        w,
        'cards.statusList',
        { cardId },
        zhang,
        4,
      )
      expect(paged.items.map((r) => r.id)).toEqual(records.items.map((r) => r.id))

      const bad = async (payload: Record<string, unknown>, message: string) =>
        expectError(await w.call('cards.statusList', { cardId, ...payload }, zhang), 'INVALID_INPUT', message)
      await bad({ from: '2025-02-30' }, '日期不存在')
      await bad({ from: '2025/01/01' }, '日期格式不正确')
      await bad({ to: 20250101 }, '日期格式不正确')
      await bad({ from: '2025-03-02', to: '2025-03-01' }, '开始日期不能晚于结束日期')
      await bad({ from: '2024-03-01', to: '2025-03-02' }, '不能超过1年')
      expect(
        (await w.call('cards.statusList', { cardId, from: '2024-03-01', to: '2025-03-01' }, zhang)).ok,
      ).toBe(true)
      await bad({ limit: 100 }, '每页最多50条')
      await bad({ limit: 2.5 }, '整数')
    })
  })

  describe('tags', () => {
    let w: World
    let unit: Caller
    beforeAll(async () => {
      w = await makeWorld(adapter)
      unit = await w.as(UNIT, 'unit')
    })
    afterAll(() => w.store.close())

    test('list filters (default issued, number, plate, status) and detail', async () => {
      const tags = (await all<TagDoc>(w.store, collections.tags)).filter((t) => t.accountId === UNIT)
      const issued = tags.filter((t) => t.status === 'issued')
      const { items, totals } = await pageAll<'tags.list', { id: string; issuedAt: string; status: string }>(
        w,
        'tags.list',
        {},
        unit,
        15,
      )
      expect([...totals]).toEqual([issued.length])
      expect(new Set(items.map((t) => t.id)).size).toBe(issued.length)
      expect(items.every((t) => t.status === 'issued')).toBe(true)
      const dates = items.map((t) => t.issuedAt)
      expect(dates).toEqual([...dates].sort().reverse())

      const one = issued[3]
      const byNo = await w.ok('tags.list', { tagNo: one.tagNo }, unit)
      expect(byNo.items.map((t) => t.id)).toEqual([one.id])
      expect(JSON.stringify(byNo)).not.toContain(one.tagNo)
      const vehicle = await w.store.get<VehicleDoc & Doc>(collections.vehicles, one.vehicleId)
      const byPlate = await w.ok('tags.list', { plate: vehicle?.plate, status: 'all' }, unit)
      expect(byPlate.items.map((t) => t.id)).toContain(one.id)
      expect(byPlate.items.every((t) => t.plate === vehicle?.plate)).toBe(true)

      const cancelled = await w.ok('tags.list', { status: 'cancelled', limit: 50 }, unit)
      expect(cancelled.items.map((t) => t.id)).toContain('tag-etc-fleet-old')

      const detail = await w.ok('tags.detail', { tagId: one.id }, unit)
      expect(detail.tag).toMatchObject({
        id: one.id,
        brand: one.brand,
        model: one.model,
        outlet: one.outlet,
        issuedAt: one.issuedAt,
        status: 'issued',
        plate: vehicle?.plate,
        plateColor: vehicle?.plateColor,
      })
      expect(detail.tag.tagNo).toBe(`${one.tagNo.slice(0, 4)}*****${one.tagNo.slice(-4)}`)

      expectError(await w.call('tags.list', { tagNo: '3301' }, unit), 'INVALID_INPUT', '标签编号应为16位数字')
      expectError(await w.call('tags.list', { status: 'broken' }, unit), 'INVALID_INPUT')
      expectError(
        await w.call('tags.detail', { tagId: 'tag-does-not-exist' }, unit),
        'NOT_FOUND',
        '记录不存在',
      )
      expectError(await w.call('tags.detail', { tagId: '../etc' }, unit), 'INVALID_INPUT')
    })
  })

  describe('extended (parking) authorization', () => {
    let w: World
    let unit: Caller
    beforeAll(async () => {
      w = await makeWorld(adapter)
      unit = await w.as(UNIT, 'unit')
    })
    afterAll(() => w.store.close())

    test('list: current vehicles with state and last operation time', async () => {
      const { items, totals } = await pageAll<
        'parking.list',
        { vehicleId: string; lastOperatedAt: string | null }
      >(w, 'parking.list', {}, unit, 50)
      expect([...totals]).toEqual([200])
      expect(new Set(items.map((v) => v.vehicleId)).size).toBe(200)
      // the demo batch: several vehicles share one operation time
      const times = items.map((v) => v.lastOperatedAt).filter((t): t is string => t !== null)
      expect(
        Math.max(...[...new Set(times)].map((t) => times.filter((x) => x === t).length)),
      ).toBeGreaterThanOrEqual(8)
    })

    test('batch on, then again (idempotent, still audited), per-vehicle off', async () => {
      w.clock.advance(3600)
      const before = await pageAll<
        'parking.list',
        { vehicleId: string; authorized: boolean; lastOperatedAt: string | null }
      >(w, 'parking.list', {}, unit, 50)
      const selected = before.items.slice(20, 140) // 120 vehicles: three transaction chunks
      const wasOff = selected.filter((v) => !v.authorized).length
      expect(wasOff).toBeGreaterThan(0)
      const result = await w.ok(
        'parking.set',
        { batchKey: 'etc-batch-on-1', vehicleIds: selected.map((v) => v.vehicleId), authorized: true },
        unit,
      )
      const now = w.clock.now().toISOString()
      expect(result).toMatchObject({
        state: 'done',
        changed: wasOff,
        unchanged: selected.length - wasOff,
        operatedAt: now,
      })
      expect(result.items.map((v) => v.vehicleId)).toEqual(selected.map((v) => v.vehicleId))
      expect(result.items.every((v) => v.authorized)).toBe(true)
      for (const [i, v] of selected.entries()) {
        expect(result.items[i].lastOperatedAt).toBe(v.authorized ? v.lastOperatedAt : now)
      }
      const audits = (await all<AuditLogDoc & Doc>(w.store, collections.auditLog)).filter(
        (a) => a.action === 'parking.set',
      )
      expect(audits).toHaveLength(selected.length)
      expect(audits.filter((a) => a.changed)).toHaveLength(wasOff)
      for (const a of audits) {
        expect(a).toMatchObject({
          accountId: UNIT,
          via: 'wechat',
          at: now,
          after: { parkingAuthorized: true },
        })
        expect(a.principalHash).toEqual(expect.any(String))
        expect(a.sessionHash).toMatch(/^\S{16,}$/)
        expect(JSON.stringify(a)).not.toContain('o-etc-')
      }
      // the list shows the new state and time
      const after = await pageAll<
        'parking.list',
        { vehicleId: string; authorized: boolean; lastOperatedAt: string | null }
      >(w, 'parking.list', {}, unit, 50)
      const byId = new Map(after.items.map((v) => [v.vehicleId, v]))
      for (const v of selected) expect(byId.get(v.vehicleId)?.authorized).toBe(true)
      for (const v of before.items.slice(0, 20)) expect(byId.get(v.vehicleId)).toEqual(v)

      // again: nothing moves, last operation times stay, the request is still audited
      w.clock.advance(60)
      const again = await w.ok(
        'parking.set',
        { batchKey: 'etc-batch-on-2', vehicleIds: selected.map((v) => v.vehicleId), authorized: true },
        unit,
      )
      expect(again).toMatchObject({ changed: 0, unchanged: selected.length })
      expect(again.items).toEqual(result.items)
      expect((await all(w.store, collections.auditLog)).length).toBe(selected.length * 2)

      // the per-vehicle switch
      w.clock.advance(60)
      const single = await w.ok(
        'parking.set',
        { batchKey: 'etc-switch-off-1', vehicleIds: [selected[0].vehicleId], authorized: false },
        unit,
      )
      expect(single.items[0]).toEqual({
        ...result.items[0],
        authorized: false,
        lastOperatedAt: w.clock.now().toISOString(),
      })
    })

    test('refusals change nothing: foreign or history vehicle in the batch, bad sizes', async () => {
      const zhangCredit = (await all<VehicleDoc & Doc>(w.store, collections.vehicles)).find(
        (v) => v.accountId === ZHANG && v.scope === 'current',
      )
      const history = (await all<VehicleDoc & Doc>(w.store, collections.vehicles)).find(
        (v) => v.accountId === UNIT && v.scope === 'history',
      )
      const mine = (await w.ok('parking.list', { limit: 5 }, unit)).items.map((v) => v.vehicleId)
      if (!zhangCredit || !history) throw new Error('demo data missing')
      const snap = await snapshot(w.store)
      expectError(
        await w.call(
          'parking.set',
          { batchKey: 'etc-refused-1', vehicleIds: [...mine, zhangCredit.id], authorized: false },
          unit,
        ),
        'NOT_FOUND',
        '记录不存在',
      )
      expectError(
        await w.call(
          'parking.set',
          { batchKey: 'etc-refused-2', vehicleIds: [...mine, history.id], authorized: false },
          unit,
        ),
        'VEHICLE_NOT_CURRENT',
      )
      expectError(
        await w.call(
          'parking.set',
          {
            batchKey: 'etc-refused-3',
            vehicleIds: Array.from({ length: 201 }, (_, i) => `veh-${i}`),
            authorized: true,
          },
          unit,
        ),
        'INVALID_INPUT',
        '一次最多选择200辆车',
      )
      expectError(
        await w.call('parking.set', { batchKey: 'etc-refused-4', vehicleIds: [], authorized: true }, unit),
        'INVALID_INPUT',
        '请选择车辆',
      )
      expectError(
        await w.call('parking.set', { batchKey: 'etc-refused-5', vehicleIds: mine, authorized: 'yes' }, unit),
        'INVALID_INPUT',
      )
      expectError(await w.call('parking.list', { plate: '浙A' }, unit), 'INVALID_INPUT', '车牌号码格式不正确')
      expect(await snapshot(w.store)).toEqual(snap)
    })
  })

  describe('another account’s ids answer NOT_FOUND and change nothing', () => {
    let w: World
    let zhang: Caller
    let unitIds: {
      vehicle: string
      card: string
      storedCard: string
      tag: string
      plate: string
      cardNo: string
      tagNo: string
    }
    beforeAll(async () => {
      w = await makeWorld(adapter)
      zhang = await w.as(ZHANG)
      const vehicles = (await all<VehicleDoc & Doc>(w.store, collections.vehicles)).filter(
        (v) => v.accountId === UNIT,
      )
      const cards = (await all<CardDoc & Doc>(w.store, collections.cards)).filter((c) => c.accountId === UNIT)
      const tags = (await all<TagDoc & Doc>(w.store, collections.tags)).filter((t) => t.accountId === UNIT)
      const vehicle = vehicles.find((v) => v.scope === 'current' && v.cardStatus === 'issued')
      const credit = cards.find((c) => c.type === 'credit' && c.status === 'issued')
      const stored = cards.find((c) => c.type === 'stored' && c.status === 'issued')
      if (!vehicle || !credit || !stored) throw new Error('demo data missing')
      unitIds = {
        vehicle: vehicle.id,
        card: credit.id,
        storedCard: stored.id,
        tag: tags[0].id,
        plate: vehicle.plate,
        cardNo: stored.cardNo,
        tagNo: tags[0].tagNo,
      }
    })
    afterAll(() => w.store.close())

    const byId: Array<[string, () => [ActionName, Record<string, unknown>]]> = [
      ['vehicles.detail', () => ['vehicles.detail', { vehicleId: unitIds.vehicle }]],
      ['cards.detail', () => ['cards.detail', { cardId: unitIds.card }]],
      ['cards.balances', () => ['cards.balances', { cardIds: [unitIds.storedCard] }]],
      ['cards.statusList', () => ['cards.statusList', { cardId: unitIds.card }]],
      ['tags.detail', () => ['tags.detail', { tagId: unitIds.tag }]],
      [
        'parking.set on',
        () => ['parking.set', { batchKey: 'foreign-on-01', vehicleIds: [unitIds.vehicle], authorized: true }],
      ],
      [
        'parking.set off',
        () => [
          'parking.set',
          { batchKey: 'foreign-off-1', vehicleIds: [unitIds.vehicle], authorized: false },
        ],
      ],
    ]
    test.each(byId)('%s', async (_name, make) => {
      const [action, payload] = make()
      const snap = await snapshot(w.store)
      const result = await w.call(action, payload, zhang)
      expectError(result, 'NOT_FOUND', '记录不存在')
      expect(JSON.stringify(result)).not.toContain(unitIds.plate)
      expect(await snapshot(w.store)).toEqual(snap)
    })

    const byFilter: Array<[string, () => [ActionName, Record<string, unknown>]]> = [
      ['vehicles.list by plate', () => ['vehicles.list', { plate: unitIds.plate, cardStatus: 'all' }]],
      ['cards.list by plate', () => ['cards.list', { type: 'credit', plate: unitIds.plate, status: 'all' }]],
      [
        'cards.list by card number',
        () => ['cards.list', { type: 'stored', cardNo: unitIds.cardNo, status: 'all' }],
      ],
      ['tags.list by tag number', () => ['tags.list', { tagNo: unitIds.tagNo, status: 'all' }]],
      ['tags.list by plate', () => ['tags.list', { plate: unitIds.plate, status: 'all' }]],
      ['parking.list by plate', () => ['parking.list', { plate: unitIds.plate }]],
    ]
    test.each(byFilter)('%s finds nothing', async (_name, make) => {
      const [action, payload] = make()
      const snap = await snapshot(w.store)
      const page = (await w.ok(action, payload, zhang)) as Page<unknown>
      expect(page).toMatchObject({ items: [], total: 0, nextCursor: null })
      expect(await snapshot(w.store)).toEqual(snap)
    })

    test('parking.set of all vehicles matching another account’s plate switches nothing', async () => {
      const snap = await snapshot(w.store)
      const result = await w.ok(
        'parking.set',
        { batchKey: 'foreign-plate1', allMatching: { plate: unitIds.plate }, authorized: false },
        zhang,
      )
      expect(result).toMatchObject({ state: 'done', total: 0, processed: 0, changed: 0, items: [] })
      expect(JSON.stringify(result)).not.toContain(unitIds.plate)
      const after = await snapshot(w.store)
      expect({ ...after, [collections.auditLog]: [] }).toEqual({ ...snap, [collections.auditLog]: [] })
      expect(after[collections.auditLog]).toEqual(snap[collections.auditLog])
    })

    test('account.me / account.profile speak only of the session’s account; payload ids are refused', async () => {
      const me = await w.ok('account.me', {}, zhang)
      expect(me.account.id).toBe(ZHANG)
      expect(me.validVehicles.items.every((v) => !v.plate.startsWith('浙') || v.id !== unitIds.vehicle)).toBe(
        true,
      )
      expectError(await w.call('account.me', { accountId: UNIT }, zhang), 'INVALID_INPUT')
      expectError(await w.call('account.profile', { accountId: UNIT }, zhang), 'INVALID_INPUT')
      expectError(await w.call('cards.list', { type: 'stored', accountId: UNIT }, zhang), 'INVALID_INPUT')
      // the stored tab shows the caller's own unallocated balance, not the fleet's
      expect((await w.ok('cards.list', { type: 'stored' }, zhang)).stored?.unallocatedBalance).toBe(2100)
      // a cursor borrowed from the fleet's listing still lists only the caller's own cards
      const fleetPage = await w.ok('cards.list', { type: 'credit', limit: 2 }, await w.as(UNIT, 'unit'))
      const borrowed = await w.call('cards.list', { type: 'credit', cursor: fleetPage.nextCursor }, zhang)
      if (borrowed.ok) expect(borrowed.data.items.every((c) => c.plate === '浙A8K2M7')).toBe(true)
    })
  })
})
