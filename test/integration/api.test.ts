import { createOutboxSms, listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import { createApi, type ApiLogEntry, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { seedDemo } from '../../tools/demo/seed'
import type { ActionName, ApiResult, VehicleSummary } from '../../types/api'
import { adapters, apiCalls, readAll, TestClock, seedDemoPerSuite, type Adapter } from './seededDemo'
import { errorCatalog, type ErrorCode } from '../../types/errors'

const PERSONAL = '13800138000'
const UNIT = '13900139000'
const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai
const CAPTCHA = 'AbC7'
const demo = seedDemoPerSuite('api', start)
const { secrets } = demo

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  // idempotent: the copy is already seeded, so this only returns the logins
  await seedDemo(store, secrets, clock.now())
  const logs: ApiLogEntry[] = []
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets,
    log: (e) => logs.push(e),
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
  })
  let ipNo = 0
  const http = (token: string | null = null, ip = '10.0.0.1'): Caller => ({ platform: 'http', token, ip })
  const { call, ok } = apiCalls(api)
  /** A solved captcha: after three codes to one phone in a day, a send needs one. */
  const solved = async (caller: Caller) => ({
    captchaId: (await ok('auth.captcha', {}, caller)).captchaId,
    captchaText: CAPTCHA,
  })
  const latestCode = async (phone: string) =>
    (await listOutbox(store, 100)).find((m) => m.phone === phone)?.code
  const login = async (
    phone: string,
    userType: 'personal' | 'unit',
    caller: Caller = http(null, `10.1.0.${++ipNo}`),
  ) => {
    // past the per-phone cooldown of any earlier login in the same world
    clock.advance(61)
    await ok('auth.sendSmsCode', { phone, userType, ...(await solved(caller)) }, caller)
    const code = await latestCode(phone)
    if (!code) throw new Error('no code in outbox')
    const result = await ok('auth.loginBySms', { phone, code, userType }, caller)
    // The demo phones are bound already (seedAccounts.ts); binding has its own suite.
    if (result.next !== 'home') throw new Error(`login ended at ${result.next}`)
    return result
  }
  return { store, clock, api, logs, http, call, ok, login, latestCode, solved }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function snapshot(store: Store, names: string[]): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of names) out[name] = await readAll(store, name)
  return out
}
const mutable = [
  collections.sessions,
  collections.wechatBindings,
  collections.smsCodes,
  collections.rateLimits,
  collections.devOutbox,
  collections.accounts,
  collections.vehicles,
]

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
  for (const message of Object.values(result.error.fields ?? {})) expect(message).toMatch(chinese)
  expect(JSON.stringify(result)).not.toMatch(/\bat .+\.(ts|js):\d+/)
}

async function allVehicles(w: World, token: string, scope: 'current' | 'history', limit: number) {
  const seen: VehicleSummary[] = []
  const totals = new Set<number>()
  let cursor: string | undefined
  let pages = 0
  do {
    // every card status: the list's default (已发行 only) would hide lost and frozen cards
    const page = await w.ok(
      'vehicles.list',
      { scope, cardStatus: 'all', limit, ...(cursor ? { cursor } : {}) },
      w.http(token),
    )
    seen.push(...page.items)
    totals.add(page.total)
    cursor = page.nextCursor ?? undefined
    pages += 1
  } while (cursor && pages < 50)
  return { seen, totals, pages }
}

function forge(token: string): string {
  const [h, p, s] = token.split('.')
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  return `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'acc-u-shunda' })).toString('base64url')}.${s}`
}

describe.each(adapters)('on %s', (adapter) => {
  describe('api router with the demo seed', () => {
    let w: World
    beforeAll(async () => {
      w = await makeWorld(adapter)
    }, 30_000)
    afterAll(() => w.store.close())

    test('personal SMS login over http: token, account and every account the phone reaches', async () => {
      const result = await w.login(PERSONAL, 'personal')
      expect(result.token).toEqual(expect.any(String))
      expect(result.account.displayName).toBe('张*')
      expect(result.accounts.map((a) => a.displayName).sort()).toEqual(['张*', '李**'].sort())
      expect(Date.parse(result.expiresAt)).toBeGreaterThan(w.clock.now().getTime())

      const me = await w.ok('account.me', {}, w.http(result.token ?? null))
      expect(me).toMatchObject({
        account: result.account,
        phone: '138****8000',
        vehicleCount: 2,
        showStoredValueMenu: true,
      })

      const current = await w.ok('vehicles.list', {}, w.http(result.token ?? null))
      expect(current.total).toBe(2)
      const byColor = Object.fromEntries(current.items.map((v) => [v.plateColor, v]))
      expect(byColor['蓝']).toMatchObject({
        plate: '浙A8K2M7',
        cardType: 'credit',
        signed: true,
        cardStatus: 'issued',
      })
      expect(byColor['渐变绿']).toMatchObject({ plate: '浙AD35288', cardType: 'stored', signed: null })
      for (const v of current.items) {
        expect(v.cardNo).toMatch(/^3301\*{5}\d{4}$/)
        expect(v.tagNo).toMatch(/^3301\*{5}\d{4}$/)
      }
      const history = await w.ok('vehicles.list', { scope: 'history' }, w.http(result.token ?? null))
      expect(history.items.map((v) => v.cardStatus)).toEqual(['cancelled'])
      const filtered = await w.ok('vehicles.list', { plate: '浙ad35288' }, w.http(result.token ?? null))
      expect(filtered.items.map((v) => v.plate)).toEqual(['浙AD35288'])
      expect(filtered.total).toBe(1)
    })

    test('unit SMS login pages through all 200 vehicles without gaps or repeats', async () => {
      const result = await w.login(UNIT, 'unit')
      expect(result.account).toMatchObject({ userType: 'unit', displayName: '杭州**物流有限公司' })
      const me = await w.ok('account.me', {}, w.http(result.token ?? null))
      expect(me).toMatchObject({ phone: '139****9000', vehicleCount: 200 })

      const { seen, totals, pages } = await allVehicles(w, result.token ?? '', 'current', 17)
      expect(seen).toHaveLength(200)
      expect(new Set(seen.map((v) => v.id)).size).toBe(200)
      expect([...totals]).toEqual([200])
      expect(pages).toBe(Math.ceil(200 / 17))
      const plates = seen.map((v) => v.plate)
      expect(plates).toEqual([...plates].sort())
      expect(seen.filter((v) => v.plateColor === '黄').length).toBeGreaterThan(150)
      for (const v of seen) expect(v.signed === null).toBe(v.cardType === 'stored')

      const history = await allVehicles(w, result.token ?? '', 'history', 50)
      expect(history.seen.length).toBeGreaterThan(0)
      expect(history.seen.every((v) => v.cardStatus === 'cancelled')).toBe(true)
    })

    test("another account's data never appears", async () => {
      const personal = await w.login(PERSONAL, 'personal')
      const unit = await w.login(UNIT, 'unit')
      const personalAll = await allVehicles(w, personal.token ?? '', 'current', 50)
      const unitAll = await allVehicles(w, unit.token ?? '', 'current', 50)
      const personalIds = new Set(personalAll.seen.map((v) => v.id))
      expect(unitAll.seen.some((v) => personalIds.has(v.id))).toBe(false)
      // a unit plate asked for by the personal user finds nothing
      const plate = unitAll.seen[0].plate
      expect((await w.ok('vehicles.list', { plate }, w.http(personal.token ?? null))).total).toBe(0)
      // the account cannot be chosen through the payload
      expectError(
        await w.call('vehicles.list', { accountId: 'acc-u-shunda' }, w.http(personal.token ?? null)),
        'INVALID_INPUT',
      )
      // a cursor from the unit's listing does not open the unit's vehicles to the personal user
      const unitPage = await w.ok('vehicles.list', { limit: 5 }, w.http(unit.token ?? null))
      const borrowed = await w.call(
        'vehicles.list',
        { cursor: unitPage.nextCursor },
        w.http(personal.token ?? null),
      )
      if (borrowed.ok) expect(borrowed.data.items.every((v) => personalIds.has(v.id))).toBe(true)
    })

    test('WeChat login binds the OPENID; identity then comes from it alone', async () => {
      const wechat: Caller = { platform: 'wechat', openid: 'o-test-openid-1' }
      const result = await w.login(PERSONAL, 'personal', wechat)
      expect(result.token).toBeUndefined()
      const me = await w.ok('account.me', {}, wechat)
      expect(me.account.displayName).toBe('张*')
      expectError(
        await w.call('account.me', {}, { platform: 'wechat', openid: 'o-someone-else' }),
        'UNAUTHENTICATED',
      )
      await w.ok('auth.logout', {}, wechat)
      expectError(await w.call('account.me', {}, wechat), 'UNAUTHENTICATED')
    })

    test('logout revokes the token', async () => {
      const { token } = await w.login(PERSONAL, 'personal')
      await w.ok('account.me', {}, w.http(token ?? null))
      expect(await w.ok('auth.logout', {}, w.http(token ?? null))).toEqual({ loggedOut: true })
      expectError(await w.call('account.me', {}, w.http(token ?? null)), 'SESSION_INVALID')
    })

    test('log entries carry no personal data', async () => {
      await w.login(PERSONAL, 'personal')
      expect(w.logs.length).toBeGreaterThan(0)
      const text = JSON.stringify(w.logs)
      expect(text).not.toContain(PERSONAL)
      expect(text).not.toContain('张伟')
      for (const entry of w.logs)
        expect(Object.keys(entry).sort()).toEqual(['action', 'ms', 'outcome', 'requestId'])
    })
  })

  describe('bad input answers a typed Chinese error and changes nothing', () => {
    let w: World
    let token: string
    beforeAll(async () => {
      w = await makeWorld(adapter)
      token = (await w.login(PERSONAL, 'personal')).token ?? ''
    }, 30_000)
    afterAll(() => w.store.close())

    const cases: Array<[string, () => Promise<ApiResult>, ErrorCode]> = [
      ['unknown action', () => w.call('vehicles.delete' as ActionName, {}, w.http(token)), 'UNKNOWN_ACTION'],
      ['envelope not an object', () => w.api.handle('account.me', w.http(token)), 'INVALID_INPUT'],
      ['envelope null', () => w.api.handle(null, w.http(token)), 'INVALID_INPUT'],
      ['action missing', () => w.api.handle({ payload: {} }, w.http(token)), 'INVALID_INPUT'],
      ['action too long', () => w.api.handle({ action: 'a'.repeat(65) }, w.http(token)), 'INVALID_INPUT'],
      ['action not a string', () => w.api.handle({ action: 42 }, w.http(token)), 'INVALID_INPUT'],
      ['payload not an object', () => w.call('auth.sendSmsCode', 'x', w.http()), 'INVALID_INPUT'],
      [
        'missing phone',
        () => w.call('auth.sendSmsCode', { userType: 'personal' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'malformed phone',
        () => w.call('auth.sendSmsCode', { phone: '12345', userType: 'personal' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'phone as number',
        () => w.call('auth.sendSmsCode', { phone: 13800138000, userType: 'personal' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'bad user type',
        () => w.call('auth.sendSmsCode', { phone: PERSONAL, userType: 'admin' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'extra field',
        () => w.call('auth.sendSmsCode', { phone: PERSONAL, userType: 'personal', openid: 'x' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'oversize string',
        () =>
          w.call(
            'auth.loginBySms',
            { phone: '1'.repeat(20000), code: '123456', userType: 'personal' },
            w.http(),
          ),
        'INVALID_INPUT',
      ],
      [
        'code with letters',
        () => w.call('auth.loginBySms', { phone: PERSONAL, code: '12a456', userType: 'personal' }, w.http()),
        'INVALID_INPUT',
      ],
      [
        'oversize payload',
        () =>
          w.call(
            'auth.sendSmsCode',
            { phone: PERSONAL, userType: 'personal', pad: 'x'.repeat(40_000) },
            w.http(),
          ),
        'PAYLOAD_TOO_LARGE',
      ],
      ['limit too big', () => w.call('vehicles.list', { limit: 500 }, w.http(token)), 'INVALID_INPUT'],
      ['limit as string', () => w.call('vehicles.list', { limit: '10' }, w.http(token)), 'INVALID_INPUT'],
      ['bad scope', () => w.call('vehicles.list', { scope: 'all' }, w.http(token)), 'INVALID_INPUT'],
      ['bad plate', () => w.call('vehicles.list', { plate: 'ABC' }, w.http(token)), 'INVALID_INPUT'],
      [
        'garbage cursor',
        () => w.call('vehicles.list', { cursor: '!!not-a-cursor' }, w.http(token)),
        'INVALID_INPUT',
      ],
      ['no token', () => w.call('account.me', {}, w.http(null)), 'UNAUTHENTICATED'],
      ['forged token', () => w.call('account.me', {}, w.http(forge(token))), 'SESSION_INVALID'],
      ['garbage token', () => w.call('vehicles.list', {}, w.http('abc.def.ghi')), 'SESSION_INVALID'],
      [
        'wrong sms code',
        () =>
          w.call('auth.loginBySms', { phone: '13600000000', code: '123456', userType: 'personal' }, w.http()),
        'SMS_CODE_INVALID',
      ],
    ]

    test.each(cases)('%s', async (_name, run, code) => {
      const before = await snapshot(w.store, mutable)
      const result = await run()
      expectError(result, code)
      if (code === 'INVALID_INPUT')
        expect(Object.keys(result.ok ? {} : (result.error.fields ?? {})).length).toBeGreaterThan(0)
      expect(await snapshot(w.store, mutable)).toEqual(before)
    })

    test('an expired token answers SESSION_EXPIRED and changes nothing', async () => {
      const before = await snapshot(w.store, mutable)
      w.clock.advance(8 * 24 * 3600)
      expectError(await w.call('account.me', {}, w.http(token)), 'SESSION_EXPIRED')
      expect(await snapshot(w.store, mutable)).toEqual(before)
    })
  })

  describe('SMS codes: registration privacy, rate limits, expiry and tries', () => {
    let w: World
    beforeEach(async () => {
      w = await makeWorld(adapter)
    }, 30_000)
    afterEach(() => w.store.close())

    test('the same answer whether or not the phone is registered; only registered phones get a text', async () => {
      const registered = await w.call(
        'auth.sendSmsCode',
        { phone: PERSONAL, userType: 'personal' },
        w.http(null, '1.1.1.1'),
      )
      const unknown = await w.call(
        'auth.sendSmsCode',
        { phone: '13611112222', userType: 'personal' },
        w.http(null, '1.1.1.2'),
      )
      w.clock.advance(61)
      const wrongType = await w.call(
        'auth.sendSmsCode',
        { phone: PERSONAL, userType: 'unit' },
        w.http(null, '1.1.1.3'),
      )
      for (const r of [registered, unknown, wrongType]) {
        expect(r.ok).toBe(true)
        if (r.ok) expect(r.data).toEqual({ cooldownSeconds: 60, expiresInSeconds: 300 })
      }
      const outbox = await listOutbox(w.store, 10)
      expect(outbox.map((m) => m.phone)).toEqual([PERSONAL])
      expect(outbox[0].code).toMatch(/^\d{6}$/)
      expect(outbox[0].text).toContain(outbox[0].code)
      // codes are stored hashed
      const stored = JSON.stringify(await snapshot(w.store, [collections.smsCodes]))
      expect(stored).not.toContain(outbox[0].code)
      // a phone that reaches no account gets the same error as a wrong code
      expectError(
        await w.call(
          'auth.loginBySms',
          { phone: PERSONAL, code: outbox[0].code, userType: 'unit' },
          w.http(),
        ),
        'SMS_CODE_INVALID',
      )
    })

    test('one send per phone per minute, ten per Shanghai day', async () => {
      const send = async (ip: string) =>
        w.call(
          'auth.sendSmsCode',
          { phone: PERSONAL, userType: 'personal', ...(await w.solved(w.http(null, ip))) },
          w.http(null, ip),
        )
      expect((await send('2.0.0.1')).ok).toBe(true)
      w.clock.advance(30)
      const early = await send('2.0.0.2')
      expectError(early, 'RATE_LIMITED')
      if (!early.ok) expect(early.error.message).toContain('30秒')
      w.clock.advance(31)
      expect((await send('2.0.0.3')).ok).toBe(true)
      for (let i = 3; i <= 10; i++) {
        w.clock.advance(61)
        expect((await send(`2.0.0.${i + 1}`)).ok).toBe(true)
      }
      w.clock.advance(61)
      const eleventh = await send('2.0.0.50')
      expectError(eleventh, 'RATE_LIMITED')
      if (!eleventh.ok) expect(eleventh.error.message).toContain('今日')
      expect((await listOutbox(w.store, 50)).length).toBe(10)
      // the next Shanghai day (midnight Beijing time = 16:00Z) opens again
      const now = w.clock.now()
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 16, 0, 5)
      w.clock.advance((midnight - now.getTime()) / 1000)
      expect((await send('2.0.0.60')).ok).toBe(true)
    })

    test('one caller cannot spray codes across many phones', async () => {
      const caller = w.http(null, '3.3.3.3')
      const phones = ['13611110001', '13611110002', '13611110003', '13611110004']
      const results = []
      for (const phone of phones)
        results.push(await w.call('auth.sendSmsCode', { phone, userType: 'personal' }, caller))
      expect(results.slice(0, 3).every((r) => r.ok)).toBe(true)
      expectError(results[3], 'RATE_LIMITED')
      // a WeChat caller is limited by its OPENID
      const wx: Caller = { platform: 'wechat', openid: 'o-spray' }
      const others = ['13722220001', '13722220002', '13722220003', '13722220004']
      for (const phone of others.slice(0, 3))
        expect((await w.call('auth.sendSmsCode', { phone, userType: 'unit' }, wx)).ok).toBe(true)
      expectError(
        await w.call('auth.sendSmsCode', { phone: others[3], userType: 'unit' }, wx),
        'RATE_LIMITED',
      )
      // a minute later the caller may send again
      w.clock.advance(61)
      expect((await w.call('auth.sendSmsCode', { phone: others[3], userType: 'unit' }, wx)).ok).toBe(true)
    })

    test('a code expires after five minutes', async () => {
      await w.ok('auth.sendSmsCode', { phone: PERSONAL, userType: 'personal' }, w.http())
      const code = await w.latestCode(PERSONAL)
      w.clock.advance(5 * 60)
      expectError(
        await w.call('auth.loginBySms', { phone: PERSONAL, code, userType: 'personal' }, w.http()),
        'SMS_CODE_EXPIRED',
      )
    })

    test('a code dies after five wrong tries and is single-use', async () => {
      await w.ok('auth.sendSmsCode', { phone: PERSONAL, userType: 'personal' }, w.http())
      const code = (await w.latestCode(PERSONAL)) ?? ''
      const wrong = code === '000000' ? '111111' : '000000'
      for (let i = 0; i < 5; i++) {
        expectError(
          await w.call('auth.loginBySms', { phone: PERSONAL, code: wrong, userType: 'personal' }, w.http()),
          'SMS_CODE_INVALID',
        )
      }
      expectError(
        await w.call('auth.loginBySms', { phone: PERSONAL, code, userType: 'personal' }, w.http()),
        'SMS_CODE_EXPIRED',
      )

      w.clock.advance(61)
      await w.ok('auth.sendSmsCode', { phone: PERSONAL, userType: 'personal' }, w.http())
      const fresh = (await w.latestCode(PERSONAL)) ?? ''
      expect(
        (await w.call('auth.loginBySms', { phone: PERSONAL, code: fresh, userType: 'personal' }, w.http()))
          .ok,
      ).toBe(true)
      expectError(
        await w.call('auth.loginBySms', { phone: PERSONAL, code: fresh, userType: 'personal' }, w.http()),
        'SMS_CODE_INVALID',
      )
    })
  })
})
