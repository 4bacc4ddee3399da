/**
 * Password guessing at the operator login, replayed against the router on both Store adapters, in
 * the manner of attacks.test.ts: each test is the attacker's request sequence, then what must hold
 * (refused, and the operator's account and sessions unchanged).
 */
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { demoNicknames } from '../../tools/demo/seedAccounts'
import { demoOperator } from '../../tools/demo/seedOperators'
import type { ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { adapters, apiCalls, readAll, seedDemoPerSuite, TestClock, type Adapter } from './seededDemo'

const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('operator-attacks', start)
const { secrets } = demo
const CAPTCHA = 'AbC7'
const OP = demoOperator

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
  const http = (ip = '10.0.0.1', token: string | null = null): Caller => ({ platform: 'http', token, ip })
  const { call } = apiCalls(api, http)
  const captcha = async (caller: Caller): Promise<string> => {
    const result = await call('auth.captcha', {}, caller)
    return result.ok ? result.data.captchaId : 'refused'
  }
  const opLogin = async (loginName: string, password: string, caller: Caller) =>
    call(
      'operator.login',
      { loginName, password, captchaId: await captcha(caller), captchaText: CAPTCHA },
      caller,
    )
  return { store, clock, http, call, captcha, opLogin }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function snapshot(store: Store): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of [collections.operators, collections.operatorSessions, collections.sessions]) {
    out[name] = await readAll(store, name)
  }
  return out
}

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}
function tally(results: ApiResult[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of results) {
    const code = r.ok ? 'ok' : r.error.code
    out[code] = (out[code] ?? 0) + 1
  }
  return out
}
const guesses = (n: number) => Array.from({ length: n }, (_, i) => `Guess${1000 + i}x`)

describe.each(adapters)('on %s', (adapter) => {
  let w: World
  beforeEach(async () => {
    w = await makeWorld(adapter)
  })
  afterEach(() => w.store.close())

  test('per caller and target: ten wrong passwords from one address lock it out, the right one included', async () => {
    const attacker = w.http('203.0.113.7')
    const before = await snapshot(w.store)
    const results: ApiResult[] = []
    for (const password of guesses(10)) {
      w.clock.advance(61) // past the growing delay: only the per-caller lock is tested here
      results.push(await w.opLogin(OP.loginName, password, attacker))
    }
    expect(tally(results)).toEqual({ PASSWORD_INVALID: 9, LOGIN_LOCKED: 1 })
    w.clock.advance(61)
    const right = await w.opLogin(OP.loginName, OP.password, attacker)
    expectError(right, 'LOGIN_LOCKED')
    if (!right.ok) expect(right.error.message).toMatch(/^密码错误次数过多，请\d+分钟后再试$/)
    // nothing of the account changed, and no session was opened
    expect(await snapshot(w.store)).toEqual(before)
    // the refused attempt spent no captcha: the one it asked for is still there
    const live = (await readAll(w.store, collections.captchas)).length
    expect(live).toBe(1)

    // the owner from another address, and the attacker once the lock has passed
    w.clock.advance(61)
    const owner = await w.opLogin(OP.loginName, OP.password, w.http('198.51.100.20'))
    expect(owner.ok).toBe(true)
    w.clock.advance(15 * 60)
    expect((await w.opLogin(OP.loginName, OP.password, attacker)).ok).toBe(true)
  })

  test('per target: guesses from many addresses meet a growing delay; a refused one changes nothing', async () => {
    const before = await snapshot(w.store)
    const ips = Array.from({ length: 8 }, (_, i) => `192.0.2.${i + 1}`)
    const results: ApiResult[] = []
    for (const [i, ip] of ips.entries()) {
      results.push(await w.opLogin(OP.loginName, `Spray${i}pass`, w.http(ip)))
    }
    // the sixth failure (past the five free ones) makes every caller wait: no time passed, so the rest are throttled
    expect(tally(results)).toEqual({ PASSWORD_INVALID: 6, LOGIN_THROTTLED: 2 })
    const throttled = results[7]
    if (!throttled.ok) expect(throttled.error.message).toMatch(/^登录尝试过于频繁，请\d+秒后再试$/)
    expect(await snapshot(w.store)).toEqual(before)

    // even the right password waits out the delay, then the owner gets in
    expectError(await w.opLogin(OP.loginName, OP.password, w.http('198.51.100.20')), 'LOGIN_THROTTLED')
    w.clock.advance(2)
    expect((await w.opLogin(OP.loginName, OP.password, w.http('198.51.100.20'))).ok).toBe(true)
  })

  test('per caller across names: one address spraying login names is stopped after 20 failures', async () => {
    const attacker = w.http('203.0.113.99')
    const results: ApiResult[] = []
    for (let i = 0; i < 20; i++) {
      w.clock.advance(4) // under the captcha limit of 20 a minute
      results.push(await w.opLogin(`staff-${i}`, 'Spray2025x', attacker))
    }
    expect(tally(results)).toEqual({ PASSWORD_INVALID: 20 })
    const before = await snapshot(w.store)
    w.clock.advance(4)
    const refused = await w.opLogin(OP.loginName, OP.password, attacker)
    expectError(refused, 'RATE_LIMITED')
    expect(await snapshot(w.store)).toEqual(before)
    // another address is not affected; the attacker's hour passes
    expect((await w.opLogin(OP.loginName, OP.password, w.http('198.51.100.20'))).ok).toBe(true)
    w.clock.advance(3600)
    expect((await w.opLogin(OP.loginName, OP.password, attacker)).ok).toBe(true)
  })

  test('what is typed as the login name is not stored, and operator and driver counters are apart', async () => {
    const attacker = w.http('203.0.113.50')
    const typed = demoNicknames.zhangwei.password // a password typed into the name box by mistake
    for (let i = 0; i < 10; i++) {
      w.clock.advance(61)
      await w.opLogin(typed, 'Whatever1x', attacker)
      w.clock.advance(61)
      await w.opLogin(demoNicknames.zhangwei.nickname, 'Whatever1x', attacker)
    }
    const failures = JSON.stringify(await readAll(w.store, collections.loginFailures))
    expect(failures).not.toContain(typed)
    expect(failures.toLowerCase()).not.toContain(typed.toLowerCase())
    expect(failures).not.toContain(demoNicknames.zhangwei.nickname)
    // the driver nickname of the same name is not locked by operator guesses
    const driver = await w.call(
      'auth.loginByNickname',
      {
        ...demoNicknames.zhangwei,
        userType: 'personal',
        captchaId: await w.captcha(attacker),
        captchaText: CAPTCHA,
      },
      attacker,
    )
    expect(driver.ok).toBe(true)
  })
})
