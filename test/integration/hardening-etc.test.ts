/**
 * Issue 8 hardening of ETC management on the router, on both adapters: every demo login works
 * as the README's table says (赵敏 included), and the status-list date filter always has both
 * ends, at most a year, nothing after today by the server's Shanghai clock, one message each.
 */
import dayjs from 'dayjs'
import { createOutboxSms, listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'
import { collections, type CardDoc, type StatusListRecordDoc } from '../../cloudfunctions/core/documents'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc } from '../../cloudfunctions/ports/store'
import { creditOnlyDemo } from '../../tools/demo/seedEtc'
import { demoBindings, demoNicknames } from '../../tools/demo/seedAccounts'
import type { ApiResult, LoginResult, StatusListRow } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { adapters, apiCalls, readAll, TestClock, seedDemoPerSuite, type Adapter } from './seededDemo'

const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai, 19:00 the day before in Los Angeles
const demo = seedDemoPerSuite('hardening-etc', start)
const { secrets } = demo
const CAPTCHA = 'AbC7'

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets,
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
  })
  let ip = 0
  // a fresh address per login, so the per-address login limits never meet this suite
  const http = (token: string | null = null): Caller => ({ platform: 'http', token, ip: `10.8.0.${++ip}` })
  const { call, ok } = apiCalls(api, http)
  const smsLogin = async (phone: string, userType: 'personal' | 'unit') => {
    clock.advance(61)
    const caller = http()
    await ok('auth.sendSmsCode', { phone, userType }, caller)
    const code = (await listOutbox(store, 100)).find((m) => m.phone === phone)?.code
    return ok('auth.loginBySms', { phone, code, userType }, caller)
  }
  const nickLogin = async (nickname: string, password: string, userType: 'personal' | 'unit') => {
    const caller = http()
    const { captchaId } = await ok('auth.captcha', {}, caller)
    return ok(
      'auth.loginByNickname',
      { nickname, password, userType, captchaId, captchaText: CAPTCHA.toLowerCase() },
      caller,
    )
  }
  return { store, clock, http, call, ok, smsLogin, nickLogin }
}
type World = Awaited<ReturnType<typeof makeWorld>>

function home(login: LoginResult) {
  if (login.next !== 'home') throw new Error(`expected home, got ${login.next}`)
  return login
}

function expectError(result: ApiResult, code: ErrorCode, message: string, fields?: Record<string, string>) {
  if (result.ok) throw new Error(`expected ${code} (${message}), got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toBe(message)
  if (fields) expect(result.error.fields).toEqual(fields)
}

const shanghaiDay = (at: Date | string) => dayjs(at).tz(businessTimeZone).format('YYYY-MM-DD')

describe.each(adapters)('on %s', (adapter) => {
  describe('demo logins, as the README table lists them', () => {
    let w: World
    beforeEach(async () => {
      w = await makeWorld(adapter)
    })
    afterEach(() => w.store.close())

    test('赵敏: SMS 13600136000 goes straight home to her credit card, without the stored-value menu', async () => {
      const login = home(await w.smsLogin(creditOnlyDemo.phone, 'personal'))
      expect(login.account).toEqual({
        id: creditOnlyDemo.accountId,
        userType: 'personal',
        displayName: '赵*',
      })
      const token = w.http(login.token ?? null)
      const me = await w.ok('account.me', {}, token)
      expect(me).toMatchObject({ phone: '136****6000', vehicleCount: 1, showStoredValueMenu: false })
      expect(me.validVehicles.items.map((v) => [v.plate, v.cardType])).toEqual([
        [creditOnlyDemo.plate, 'credit'],
      ])
      expect((await w.ok('auth.accounts', {}, token)).accounts.map((a) => a.id)).toEqual([
        creditOnlyDemo.accountId,
      ])
    })

    test('the other SMS logins: bound phones go home; 陈静 binds with the table’s data first', async () => {
      const bound: Array<[string, 'personal' | 'unit', string]> = [
        ['13800138000', 'personal', 'acc-p-01-zhangwei'],
        ['13900139000', 'unit', 'acc-u-shunda'],
        ['13712342756', 'personal', 'acc-p-03-ouyangnana'],
      ]
      for (const [phone, userType, accountId] of bound)
        expect(home(await w.smsLogin(phone, userType)).account.id).toBe(accountId)

      const chen = demoBindings.find((b) => b.phone === '13588886666')
      if (!chen) throw new Error('陈静 is missing from demoBindings')
      const login = await w.smsLogin('13588886666', 'personal')
      expect(login.next).toBe('bind')
      const { login: _how, phone: _phone, ...proof } = chen
      const done = home(await w.ok('auth.bind', proof, w.http(login.token ?? null)))
      expect(done.account.id).toBe('acc-p-04-chenjing')
    })

    test('nickname logins: bound, legacy-bound (SMS confirm), and the unit that binds with its credit code', async () => {
      const { zhangwei, ouyang, shunda } = demoNicknames
      expect(home(await w.nickLogin(zhangwei.nickname, zhangwei.password, 'personal')).account.id).toBe(
        'acc-p-01-zhangwei',
      )

      const legacy = await w.nickLogin(ouyang.nickname, ouyang.password, 'personal')
      if (legacy.next !== 'confirmLegacy') throw new Error(legacy.next)
      const legacyToken = w.http(legacy.token ?? null)
      await w.ok('auth.sendLegacyBindingCode', {}, legacyToken)
      const code = (await listOutbox(w.store, 100)).find((m) => m.phone === '13712342756')?.code
      expect(home(await w.ok('auth.confirmLegacyBinding', { code }, legacyToken)).account.id).toBe(
        'acc-p-03-ouyangnana',
      )

      const unit = demoBindings.find((b) => b.userType === 'unit')
      if (!unit) throw new Error('the unit is missing from demoBindings')
      const login = await w.nickLogin(shunda.nickname, shunda.password, 'unit')
      expect(login.next).toBe('bind')
      const { login: _how, phone: _phone, ...proof } = unit
      expect(home(await w.ok('auth.bind', proof, w.http(login.token ?? null))).account.id).toBe(
        'acc-u-shunda',
      )
    })
  })

  describe('status-list date filter', () => {
    let w: World
    let zhang: Caller
    let cardId: string
    let records: StatusListRecordDoc[]
    beforeAll(async () => {
      w = await makeWorld(adapter)
      zhang = w.http(home(await w.smsLogin('13800138000', 'personal')).token ?? null)
      cardId = (await w.ok('cards.list', { type: 'credit' }, zhang)).items[0].id
      records = (await readAll<StatusListRecordDoc & Doc>(w.store, collections.statusListRecords))
        .filter((r) => r.cardId === cardId)
        .sort((a, b) => (a.startAt < b.startAt ? 1 : -1))
    })
    afterAll(() => w.store.close())
    const list = (filters: Record<string, unknown>) =>
      w.call('cards.statusList', { cardId, limit: 50, ...filters }, zhang)
    const bad = async (filters: Record<string, unknown>, message: string, fields: Record<string, string>) =>
      expectError(await list(filters), 'INVALID_INPUT', message, fields)
    const startDays = (items: StatusListRow[]) => items.map((r) => shanghaiDay(r.startAt))

    test('no dates: the year up to today (Shanghai), echoed; older records need an older range', async () => {
      const page = await w.ok('cards.statusList', { cardId, limit: 50 }, zhang)
      expect({ from: page.from, to: page.to }).toEqual({ from: '2024-06-15', to: '2025-06-15' })
      const inYear = records.filter((r) => shanghaiDay(r.startAt) >= '2024-06-15')
      expect(inYear.length).toBeGreaterThan(0)
      expect(inYear.length).toBeLessThan(records.length)
      expect(page.items.map((r) => r.id)).toEqual(inYear.map((r) => r.id))
      expect(page.total).toBe(inYear.length)

      const older = records.filter((r) => shanghaiDay(r.startAt) < '2024-06-15')
      const before = await w.ok('cards.statusList', { cardId, to: '2024-06-14', limit: 50 }, zhang)
      expect({ from: before.from, to: before.to }).toEqual({ from: '2023-06-14', to: '2024-06-14' })
      expect(before.items.map((r) => r.id)).toEqual(
        older.filter((r) => shanghaiDay(r.startAt) >= '2023-06-14').map((r) => r.id),
      )
    })

    test('a start date alone runs to today and is bounded like any range', async () => {
      const recent = await w.ok('cards.statusList', { cardId, from: '2025-03-01', limit: 50 }, zhang)
      expect({ from: recent.from, to: recent.to }).toEqual({ from: '2025-03-01', to: '2025-06-15' })
      expect(startDays(recent.items).every((d) => d >= '2025-03-01' && d <= '2025-06-15')).toBe(true)
      await bad({ from: '2020-01-01' }, '查询时间范围不能超过1年', { to: '查询时间范围不能超过1年' })
      await bad({ from: '2024-06-14' }, '查询时间范围不能超过1年', { to: '查询时间范围不能超过1年' })
      expect((await list({ from: '2024-06-15' })).ok).toBe(true)
    })

    test('the future is refused, each end with its own message (2099, 9999-12-31 twice, tomorrow)', async () => {
      const both = { from: '开始日期不能晚于今天', to: '结束日期不能晚于今天' }
      await bad({ from: '2099-01-01', to: '2099-06-01' }, '开始日期不能晚于今天', both)
      await bad({ from: '9999-12-31', to: '9999-12-31' }, '开始日期不能晚于今天', both)
      await bad({ from: '2025-06-01', to: '2025-06-16' }, '结束日期不能晚于今天', {
        to: '结束日期不能晚于今天',
      })
      await bad({ to: '2099-01-01' }, '结束日期不能晚于今天', { to: '结束日期不能晚于今天' })
      await bad({ from: '2025-06-16' }, '开始日期不能晚于今天', { from: '开始日期不能晚于今天' })
    })

    test('order and span keep their own messages', async () => {
      await bad({ from: '2025-03-02', to: '2025-03-01' }, '开始日期不能晚于结束日期', {
        to: '开始日期不能晚于结束日期',
      })
      await bad({ from: '2024-03-01', to: '2025-03-02' }, '查询时间范围不能超过1年', {
        to: '查询时间范围不能超过1年',
      })
      expect((await list({ from: '2024-03-01', to: '2025-03-01' })).ok).toBe(true)
    })

    test('"today" is the server clock’s Shanghai day, whatever the host zone', async () => {
      try {
        // 2025-06-15 23:30 in Shanghai: the 16th is still the future
        w.clock.advance((start.getTime() - w.clock.now().getTime()) / 1000 + 13.5 * 3600)
        await bad({ to: '2025-06-16' }, '结束日期不能晚于今天', { to: '结束日期不能晚于今天' })
        // an hour later it is the 16th in Shanghai (still the 15th in Los Angeles and UTC)
        w.clock.advance(3600)
        const page = await w.ok('cards.statusList', { cardId, to: '2025-06-16' }, zhang)
        expect(page.to).toBe('2025-06-16')
        expect((await w.ok('cards.statusList', { cardId }, zhang)).to).toBe('2025-06-16')
      } finally {
        w.clock.advance((start.getTime() - w.clock.now().getTime()) / 1000)
      }
    })

    test('the records lie between the card’s issue and now, year by year back to the issue', async () => {
      const detail = await w.ok('cards.detail', { cardId }, zhang)
      const issued = detail.card.issuedAt
      const seen: StatusListRow[] = []
      let to = '2025-06-15'
      while (to >= shanghaiDay(issued)) {
        const page = await w.ok('cards.statusList', { cardId, to, limit: 50 }, zhang)
        seen.push(...page.items)
        to = dayjs(page.from).subtract(1, 'day').format('YYYY-MM-DD')
      }
      expect(seen.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort())
      for (const r of seen) {
        expect(r.startAt >= issued).toBe(true)
        expect(Date.parse(r.startAt)).toBeLessThanOrEqual(w.clock.now().getTime())
        if (r.endAt) expect(Date.parse(r.endAt)).toBeLessThanOrEqual(w.clock.now().getTime())
      }
      // and none before it: the card this one replaced holds the older part of the history
      const cards = await readAll<CardDoc & Doc>(w.store, collections.cards)
      const all = await readAll<StatusListRecordDoc & Doc>(w.store, collections.statusListRecords)
      for (const r of all) {
        const card = cards.find((c) => c.id === r.cardId)
        expect(card && Date.parse(r.startAt) >= Date.parse(card.issuedAt)).toBe(true)
      }
    })
  })
})
