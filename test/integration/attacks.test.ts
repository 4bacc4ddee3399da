/**
 * Issue 8: the attacks made on the accounts release through its HTTP API, replayed against the
 * router on both Store adapters. Each test is the attacker's request sequence, then what must
 * hold: the attack is refused and the account (its password, sessions, secrets) is unchanged.
 */
import { createOutboxSms, listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import { residentIdCheckChar } from '../../cloudfunctions/core/idNumbers'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import type { ActionName, ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { adapters, apiCalls, readAll, seedDemoPerSuite, TestClock, type Adapter } from './seededDemo'

const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('attacks', start)
const { secrets } = demo

const CAPTCHA = 'AbC7'
const ZHANG = {
  nickname: 'zhangwei2019',
  password: 'Etc2019pass',
  name: '张伟',
  idNumber: '330106198503152716',
  phone: '13800138000',
  plate: '浙A8K2M7',
  principalId: 'nickname:personal:zhangwei2019',
}

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
  const { call, ok } = apiCalls(api, http)
  /** A captcha id for the caller, or a dead one when the caller may not have one now. */
  const captcha = async (caller: Caller): Promise<string> => {
    const result = await call('auth.captcha', {}, caller)
    return result.ok ? result.data.captchaId : 'refused'
  }
  const solved = async (caller: Caller) => ({ captchaId: await captcha(caller), captchaText: CAPTCHA })
  const textsTo = async (phone: string) => (await listOutbox(store, 200)).filter((m) => m.phone === phone)
  const nickLogin = async (nickname: string, password: string, caller: Caller) =>
    call(
      'auth.loginByNickname',
      { nickname, password, userType: 'personal', ...(await solved(caller)) },
      caller,
    )
  return { store, clock, http, call, ok, captcha, solved, textsTo, nickLogin }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function snapshot(store: Store, names: string[]): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of names) out[name] = await readAll(store, name)
  return out
}
/** What an account takeover or a leak would change. */
const accountState = [
  collections.principals,
  collections.sessions,
  collections.wechatBindings,
  collections.alipayBindings,
]

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok: ${JSON.stringify(result.data)}`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}
function codeOf(result: ApiResult): string {
  return result.ok ? 'ok' : result.error.code
}
/** How many answers had each outcome, e.g. { RESET_MISMATCH: 9, LOGIN_LOCKED: 2 }. */
function tally(results: ApiResult[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of results) out[codeOf(r)] = (out[codeOf(r)] ?? 0) + 1
  return out
}

/**
 * ID numbers an attacker enumerates knowing the region and birth date (3301061985 0315): the
 * three sequence digits with a valid check character; the holder's real one comes last.
 */
function idCandidates(count: number): string[] {
  const real = Number(ZHANG.idNumber.slice(14, 17))
  const out: string[] = []
  for (let seq = real - count + 1; seq <= real; seq++) {
    const first17 = ZHANG.idNumber.slice(0, 14) + String(seq).padStart(3, '0')
    out.push(first17 + residentIdCheckChar(first17))
  }
  expect(out[out.length - 1]).toBe(ZHANG.idNumber)
  return out
}

const identity = {
  nickname: ZHANG.nickname,
  userType: 'personal',
  userName: ZHANG.name,
  idType: '身份证',
}

describe.each(adapters)('on %s', (adapter) => {
  let w: World
  beforeEach(async () => {
    w = await makeWorld(adapter)
  })
  afterEach(() => w.store.close())

  describe('1. 重置密码: knowing the nickname, name and part of the ID number is no takeover', () => {
    test('the original 41 requests (every ID candidate + a new password) reset nothing', async () => {
      const attacker = w.http('203.0.113.7')
      const before = await snapshot(w.store, accountState)
      const results: ApiResult[] = []
      for (const idNumber of idCandidates(41)) {
        w.clock.advance(5)
        results.push(
          await w.call(
            'auth.resetPassword',
            {
              ...identity,
              idNumber,
              newPassword: 'Hacked2025',
              confirmPassword: 'Hacked2025',
              ...(await w.solved(attacker)),
            },
            attacker,
          ),
        )
      }
      expect(results.filter((r) => r.ok)).toEqual([])
      expect(await snapshot(w.store, accountState)).toEqual(before)
      expect(await w.textsTo(ZHANG.phone)).toEqual([])
      const owner = w.http('198.51.100.1')
      expectError(await w.nickLogin(ZHANG.nickname, 'Hacked2025', owner), 'PASSWORD_INVALID')
      expect((await w.nickLogin(ZHANG.nickname, ZHANG.password, owner)).ok).toBe(true)
    })

    test('from one address: ten wrong ID numbers lock the caller out, the right one included', async () => {
      const attacker = w.http('203.0.113.7')
      const before = await snapshot(w.store, accountState)
      const results: ApiResult[] = []
      for (const idNumber of idCandidates(12)) {
        w.clock.advance(60) // past the growing cross-caller delay, so only the caller limit applies
        results.push(
          await w.call(
            'auth.sendResetPasswordCode',
            { ...identity, idNumber, ...(await w.solved(attacker)) },
            attacker,
          ),
        )
      }
      expect(results.slice(0, 9).map(codeOf)).toEqual(Array(9).fill('RESET_MISMATCH'))
      expectError(results[9], 'LOGIN_LOCKED')
      // the right ID number, the 12th, is refused without being looked at
      expectError(results[11], 'LOGIN_LOCKED')
      expect(await w.textsTo(ZHANG.phone)).toEqual([])
      expect(await snapshot(w.store, accountState)).toEqual(before)
    })

    test('from many addresses: a growing delay, and the right ID only texts a code to the owner', async () => {
      const before = await snapshot(w.store, accountState)
      const candidates = idCandidates(60)
      const results: ApiResult[] = []
      for (const [i, idNumber] of candidates.slice(0, 59).entries()) {
        const attacker = w.http(`203.0.113.${i + 1}`)
        w.clock.advance(1)
        results.push(
          await w.call(
            'auth.sendResetPasswordCode',
            { ...identity, idNumber, ...(await w.solved(attacker)) },
            attacker,
          ),
        )
      }
      const counts = tally(results)
      // 59 requests in 59 seconds: only a handful are even checked, the rest wait
      expect(counts.RESET_MISMATCH).toBeLessThanOrEqual(12)
      expect(counts.LOGIN_THROTTLED).toBeGreaterThanOrEqual(59 - 12)
      expect(counts.ok).toBeUndefined()

      // Past the delay, the right ID number: the code goes to the owner's reserved phone only.
      w.clock.advance(300)
      const attacker = w.http('203.0.113.200')
      const sent = await w.call(
        'auth.sendResetPasswordCode',
        { ...identity, idNumber: ZHANG.idNumber, ...(await w.solved(attacker)) },
        attacker,
      )
      if (!sent.ok) throw new Error(JSON.stringify(sent.error))
      expect(sent.data).toMatchObject({ phone: '138****8000' })
      expect(JSON.stringify(sent.data)).not.toContain(ZHANG.phone)
      const texts = await w.textsTo(ZHANG.phone)
      expect(texts).toHaveLength(1)
      // Without the text, guessing the six digits: five tries and the code is dead.
      const guesses: ApiResult[] = []
      for (let i = 0; i < 6; i++) {
        const code = String(i).repeat(6) === texts[0].code ? '999999' : String(i).repeat(6)
        guesses.push(
          await w.call(
            'auth.resetPassword',
            {
              nickname: ZHANG.nickname,
              userType: 'personal',
              code,
              newPassword: 'Hacked2025',
              confirmPassword: 'Hacked2025',
            },
            attacker,
          ),
        )
      }
      expect(guesses.slice(0, 5).map(codeOf)).toEqual(Array(5).fill('SMS_CODE_INVALID'))
      expectError(guesses[5], 'SMS_CODE_EXPIRED')
      // not even the real code works once it is dead
      expectError(
        await w.call(
          'auth.resetPassword',
          {
            nickname: ZHANG.nickname,
            userType: 'personal',
            code: texts[0].code,
            newPassword: 'Hacked2025',
            confirmPassword: 'Hacked2025',
          },
          attacker,
        ),
        'SMS_CODE_EXPIRED',
      )
      expect(await snapshot(w.store, accountState)).toEqual(before)
    })
  })

  describe('2. 找回昵称: a plate and guessed phones reveal nothing', () => {
    const guessedPhones = (n: number) =>
      Array.from({ length: n }, (_, i) => `136${String(i).padStart(8, '0')}`)
    const leaks = (results: ApiResult[]) =>
      results.filter((r) => JSON.stringify(r).includes(ZHANG.nickname) || JSON.stringify(r).includes('*****'))

    test('the original 51 requests (50 guessed phones, then the right one) reveal no nickname', async () => {
      const attacker = w.http('203.0.113.7')
      const before = await snapshot(w.store, accountState)
      const results: ApiResult[] = []
      for (const phone of [...guessedPhones(50), ZHANG.phone]) {
        w.clock.advance(5)
        results.push(
          await w.call(
            'auth.recoverNickname',
            { plate: ZHANG.plate, phone, ...(await w.solved(attacker)) },
            attacker,
          ),
        )
      }
      expect(leaks(results)).toEqual([])
      expect(results.filter((r) => r.ok)).toEqual([])
      expect(await snapshot(w.store, accountState)).toEqual(before)
    })

    test('step 1 answers alike whatever matched, is limited per plate and per caller; no code, no nickname', async () => {
      const before = await snapshot(w.store, accountState)
      const one = w.http('203.0.113.7')
      const results: ApiResult[] = []
      // one address, then many addresses, against the same plate
      for (const [i, phone] of [...guessedPhones(50), ZHANG.phone].entries()) {
        w.clock.advance(61)
        const caller = i < 25 ? one : w.http(`203.0.114.${i}`)
        results.push(
          await w.call(
            'auth.sendRecoverNicknameCode',
            { plate: ZHANG.plate, phone, ...(await w.solved(caller)) },
            caller,
          ),
        )
      }
      const allowed = results.filter((r) => r.ok)
      expect(allowed.length).toBeGreaterThan(0)
      expect(allowed.length).toBeLessThanOrEqual(5)
      for (const [i, r] of results.entries()) {
        if (r.ok)
          expect(r.data).toEqual({
            phone: `136****${String(i).padStart(4, '0')}`,
            cooldownSeconds: 60,
            expiresInSeconds: 300,
          })
        else expectError(r, 'RATE_LIMITED')
      }
      // the right phone came too late: nothing was texted to it, and no code opens step 2
      expect(await w.textsTo(ZHANG.phone)).toEqual([])
      for (const code of ['000000', '123456', '654321']) {
        results.push(
          await w.call('auth.recoverNickname', { plate: ZHANG.plate, phone: ZHANG.phone, code }, one),
        )
      }
      expect(leaks(results)).toEqual([])
      expect(await snapshot(w.store, accountState)).toEqual(before)
    })

    test('a caller is limited across plates too', async () => {
      const attacker = w.http('203.0.113.9')
      const results: ApiResult[] = []
      for (let i = 0; i < 30; i++) {
        w.clock.advance(61)
        results.push(
          await w.call(
            'auth.sendRecoverNicknameCode',
            { plate: `浙B${String(10000 + i)}`, phone: guessedPhones(30)[i], ...(await w.solved(attacker)) },
            attacker,
          ),
        )
      }
      const counts = tally(results)
      expect(counts.ok).toBeGreaterThan(0)
      expect(counts.ok).toBeLessThanOrEqual(10)
      expect(counts.RATE_LIMITED).toBe(30 - counts.ok)
    })
  })

  describe('3. 修改密码: old-password guesses count toward the nickname lockout', () => {
    test('a held session guessing the old password is locked out before it finds it', async () => {
      const owner = w.http('198.51.100.1')
      const login = await w.nickLogin(ZHANG.nickname, ZHANG.password, owner)
      if (!login.ok) throw new Error(JSON.stringify(login.error))
      // someone else holds this session (a shared or stolen phone) and guesses the old password
      const held = w.http('203.0.113.7', login.data.token ?? null)
      const before = await snapshot(w.store, accountState)
      const results: ApiResult[] = []
      for (const guess of [...Array.from({ length: 11 }, (_, i) => `Guess${i}pass`), ZHANG.password]) {
        w.clock.advance(300)
        results.push(
          await w.call(
            'auth.changePassword',
            { oldPassword: guess, newPassword: 'Hacked2025', confirmPassword: 'Hacked2025' },
            held,
          ),
        )
      }
      expect(results.slice(0, 9).map(codeOf)).toEqual(Array(9).fill('PASSWORD_INVALID'))
      expectError(results[9], 'LOGIN_LOCKED')
      expectError(results[11], 'LOGIN_LOCKED')
      expect(await snapshot(w.store, accountState)).toEqual(before)
      // the same lockout as the login: that caller cannot log in with the password either
      expectError(await w.nickLogin(ZHANG.nickname, ZHANG.password, w.http('203.0.113.7')), 'LOGIN_LOCKED')
    })
  })

  describe('4. 图形验证码: creating captchas is limited per caller, and expired ones go', () => {
    test('300 captchas from one address in one instant: a few are made, the rest refused', async () => {
      const attacker = w.http('203.0.113.7')
      const results: ApiResult[] = []
      for (let i = 0; i < 300; i++) results.push(await w.call('auth.captcha', {}, attacker))
      const made = results.filter((r) => r.ok).length
      expect(made).toBeGreaterThan(0)
      expect(made).toBeLessThanOrEqual(20)
      for (const r of results.filter((x) => !x.ok)) expectError(r, 'RATE_LIMITED')
      expect((await readAll(w.store, collections.captchas)).length).toBe(made)
      // another caller is not affected
      expect((await w.call('auth.captcha', {}, w.http('198.51.100.1'))).ok).toBe(true)
    })

    test('expired captchas are removed as new ones are made, a bounded number each time', async () => {
      for (let i = 0; i < 30; i++) await w.ok('auth.captcha', {}, w.http(`203.0.113.${i + 1}`))
      expect((await readAll(w.store, collections.captchas)).length).toBe(30)
      w.clock.advance(301)
      const live = async () =>
        (await readAll<{ id: string; expiresAt: string }>(w.store, collections.captchas)).filter(
          (c) => Date.parse(c.expiresAt) > w.clock.now().getTime(),
        ).length
      await w.ok('auth.captcha', {}, w.http('198.51.100.1'))
      // at most 20 expired ones go per creation: 10 of the 30 are left, with the new one
      expect((await readAll(w.store, collections.captchas)).length).toBe(11)
      await w.ok('auth.captcha', {}, w.http('198.51.100.2'))
      expect((await readAll(w.store, collections.captchas)).length).toBe(2)
      expect(await live()).toBe(2)
    })
  })

  describe('5. what is typed into the nickname box is not stored', () => {
    test('a password typed as the nickname leaves no trace in the failure records', async () => {
      const owner = w.http('198.51.100.1')
      // the owner types the password into the nickname box, and the nickname into the password box
      expectError(await w.nickLogin(ZHANG.password, ZHANG.nickname, owner), 'PASSWORD_INVALID')
      await w.call(
        'auth.sendResetPasswordCode',
        { ...identity, nickname: ZHANG.password, idNumber: ZHANG.idNumber, ...(await w.solved(owner)) },
        owner,
      )
      const stored = JSON.stringify(
        await snapshot(w.store, [
          collections.loginFailures,
          collections.rateLimits,
          collections.smsCodes,
          collections.captchas,
        ]),
      ).toLowerCase()
      expect((await readAll(w.store, collections.loginFailures)).length).toBeGreaterThan(0)
      expect(stored).not.toContain(ZHANG.password.toLowerCase())
    })
  })

  describe('6. one daily SMS quota per phone, and a captcha after three sends', () => {
    test('ten requests from ten addresses cannot spend the quota; the owner still gets a code', async () => {
      const results: ApiResult[] = []
      for (let i = 0; i < 10; i++) {
        w.clock.advance(61)
        results.push(
          await w.call(
            'auth.sendSmsCode',
            { phone: ZHANG.phone, userType: 'personal' },
            w.http(`203.0.113.${i + 1}`),
          ),
        )
      }
      expect(results.slice(0, 3).map(codeOf)).toEqual(['ok', 'ok', 'ok'])
      for (const r of results.slice(3)) expectError(r, 'CAPTCHA_REQUIRED')
      expect(await w.textsTo(ZHANG.phone)).toHaveLength(3)

      // the owner, with the captcha, gets a code and logs in
      w.clock.advance(61)
      const owner = w.http('198.51.100.1')
      await w.ok(
        'auth.sendSmsCode',
        { phone: ZHANG.phone, userType: 'personal', ...(await w.solved(owner)) },
        owner,
      )
      const [latest] = await w.textsTo(ZHANG.phone)
      expect(
        (
          await w.call(
            'auth.loginBySms',
            { phone: ZHANG.phone, code: latest.code, userType: 'personal' },
            owner,
          )
        ).ok,
      ).toBe(true)
    })

    test('login, reset, recovery and legacy confirmation share the one daily quota of a phone', async () => {
      let n = 0
      const next = () => {
        w.clock.advance(61)
        n += 1
        return w.http(`203.0.115.${n}`)
      }
      const sends: Array<[string, (c: Caller) => Promise<ApiResult>]> = [
        ['login', (c) => w.call('auth.sendSmsCode', { phone: ZHANG.phone, userType: 'personal' }, c)],
        [
          'login+captcha',
          async (c) =>
            w.call(
              'auth.sendSmsCode',
              { phone: ZHANG.phone, userType: 'personal', ...(await w.solved(c)) },
              c,
            ),
        ],
        [
          'reset',
          async (c) =>
            w.call(
              'auth.sendResetPasswordCode',
              { ...identity, idNumber: ZHANG.idNumber, ...(await w.solved(c)) },
              c,
            ),
        ],
        [
          'recover',
          async (c) =>
            w.call(
              'auth.sendRecoverNicknameCode',
              { plate: ZHANG.plate, phone: ZHANG.phone, ...(await w.solved(c)) },
              c,
            ),
        ],
      ]
      const plan = [0, 0, 0, 2, 3, 1, 2, 3, 1, 1]
      for (const step of plan) {
        const [name, send] = sends[step]
        const result = await send(next())
        if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`)
      }
      expect(await w.textsTo(ZHANG.phone)).toHaveLength(10)
      for (const [, send] of sends) {
        const eleventh = await send(next())
        expectError(eleventh, 'RATE_LIMITED')
        if (!eleventh.ok) expect(eleventh.error.message).toContain('今日')
      }
      expect(await w.textsTo(ZHANG.phone)).toHaveLength(10)

      // the legacy confirmation code counts on its phone like any other
      const ouyang = w.http('198.51.100.3')
      const login = await w.nickLogin('ouyang_nn', 'Ouyang2020', ouyang)
      if (!login.ok) throw new Error(JSON.stringify(login.error))
      const held = w.http('198.51.100.3', login.data.token ?? null)
      for (let i = 0; i < 3; i++) {
        w.clock.advance(61)
        await w.ok('auth.sendLegacyBindingCode', {}, held)
      }
      w.clock.advance(61)
      expectError(await w.call('auth.sendLegacyBindingCode', {}, held), 'CAPTCHA_REQUIRED')
      expectError(
        await w.call('auth.sendSmsCode', { phone: '13712342756', userType: 'personal' }, next()),
        'CAPTCHA_REQUIRED',
      )
      expect((await w.call('auth.sendLegacyBindingCode', await w.solved(held), held)).ok).toBe(true)
      expect(await w.textsTo('13712342756')).toHaveLength(4)
    })
  })

  describe('12. over-long passwords get a clear message, never a cut', () => {
    const long = 'Ab1'.repeat(3334) // 10,002 characters

    test('a 10,000-character new password is refused as too long, and nothing changes', async () => {
      const owner = w.http('198.51.100.1')
      const login = await w.nickLogin(ZHANG.nickname, ZHANG.password, owner)
      if (!login.ok) throw new Error(JSON.stringify(login.error))
      const me = w.http('198.51.100.1', login.data.token ?? null)
      const before = await snapshot(w.store, [...accountState, collections.smsCodes])
      const cases: Array<[ActionName, unknown, string]> = [
        [
          'auth.changePassword',
          { oldPassword: ZHANG.password, newPassword: long, confirmPassword: long },
          'newPassword',
        ],
        [
          'auth.resetPassword',
          {
            nickname: ZHANG.nickname,
            userType: 'personal',
            code: '123456',
            newPassword: long,
            confirmPassword: long,
          },
          'newPassword',
        ],
        [
          'auth.loginByNickname',
          {
            nickname: ZHANG.nickname,
            password: long,
            userType: 'personal',
            captchaId: 'c',
            captchaText: 'abcd',
          },
          'password',
        ],
      ]
      for (const [action, payload, field] of cases) {
        const result = await w.call(action, payload, me)
        expectError(result, 'INVALID_INPUT')
        if (result.ok) continue
        const limit = field === 'password' ? 64 : 20
        expect(result.error.fields?.[field]).toContain(`最多${limit}位`)
        // the confirmation is not reported as a mismatch: it is too long as well
        expect(result.error.fields?.confirmPassword ?? '').not.toContain('不一致')
      }
      expect(await snapshot(w.store, [...accountState, collections.smsCodes])).toEqual(before)
    })
  })
})
