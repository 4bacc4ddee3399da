import { createOutboxSms, listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import { createApi, type ApiLogEntry, type Caller } from '../../cloudfunctions/functions/api/app'
import { PlatformAuthError, type PlatformAuth } from '../../cloudfunctions/ports/platformAuth'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import type { ActionName, ActionResponse, ApiResult, LoginResult } from '../../types/api'
import { adapters, apiCalls, readAll, TestClock, seedDemoPerSuite, type Adapter } from './seededDemo'
import { errorCatalog, type ErrorCode } from '../../types/errors'

const start = new Date('2025-06-15T02:00:00Z')
const demo = seedDemoPerSuite('auth', start)
const { secrets } = demo

/** Tiny stand-ins for the platform port, only to drive the action logic (adapters have their own tests). */
const platformAuth: PlatformAuth = {
  wechatPhone: {
    async phoneNumberOf(code) {
      if (code === 'down') throw new PlatformAuthError('unavailable', 'down')
      if (code.startsWith('phone:')) return `+86 ${code.slice(6)}`
      throw new PlatformAuthError('rejected', 'bad code')
    },
  },
  alipayPhone: {
    async phoneNumberOf({ response, sign }) {
      if (sign !== 'good') throw new PlatformAuthError('badSignature', 'bad sign')
      return response
    },
  },
  alipayOAuth: {
    async userIdOf(authCode) {
      if (!authCode.startsWith('ali:')) throw new PlatformAuthError('rejected', 'bad code')
      return `2088${authCode.slice(4)}`
    },
  },
}

const CAPTCHA = 'AbC7'
async function makeWorld(adapter: Adapter, withPlatform = true) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const logs: ApiLogEntry[] = []
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets,
    log: (e) => logs.push(e),
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
    ...(withPlatform ? { platformAuth } : {}),
  })
  const http = (token: string | null = null, ip = '10.0.0.1'): Caller => ({ platform: 'http', token, ip })
  const { call, ok } = apiCalls(api, http)
  const captcha = async (caller: Caller = http()) => (await ok('auth.captcha', {}, caller)).captchaId
  const nickLogin = async (
    nickname: string,
    password: string,
    userType: 'personal' | 'unit' = 'personal',
    caller: Caller = http(),
  ) =>
    call(
      'auth.loginByNickname',
      { nickname, password, userType, captchaId: await captcha(caller), captchaText: CAPTCHA.toLowerCase() },
      caller,
    )
  const smsLogin = async (phone: string, userType: 'personal' | 'unit', caller: Caller = http()) => {
    clock.advance(61)
    await ok('auth.sendSmsCode', { phone, userType }, caller)
    const code = (await listOutbox(store, 100)).find((m) => m.phone === phone)?.code
    return ok('auth.loginBySms', { phone, code, userType }, caller)
  }
  return { store, clock, logs, http, call, ok, captcha, nickLogin, smsLogin }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function snapshot(store: Store): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of [
    collections.principals,
    collections.sessions,
    collections.wechatBindings,
    collections.alipayBindings,
    collections.smsCodes,
    collections.loginFailures,
    collections.accounts,
  ]) {
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
  for (const message of Object.values(result.error.fields ?? {})) expect(message).toMatch(chinese)
}
function data<A extends ActionName>(result: ApiResult<A>): ActionResponse<A> {
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.data
}
function home(login: LoginResult) {
  if (login.next !== 'home') throw new Error(`expected home, got ${login.next}`)
  return login
}

describe.each(adapters)('on %s', (adapter) => {
  describe('nickname login', () => {
    let w: World
    beforeEach(async () => {
      w = await makeWorld(adapter)
    })
    afterEach(() => w.store.close())

    test('bound nickname goes home; the token reaches the account', async () => {
      const login = home(data(await w.nickLogin('ZhangWei2019', 'Etc2019pass')))
      expect(login.account.displayName).toBe('张*')
      expect(login.principal).toEqual({ kind: 'nickname', userType: 'personal', display: 'zhangwei2019' })
      const me = await w.ok('account.me', {}, w.http(login.token ?? null))
      expect(me.account.id).toBe('acc-p-01-zhangwei')
    })

    test('wrong password and unknown nickname answer the same; wrong user type too', async () => {
      const a = await w.nickLogin('zhangwei2019', 'wrongpass1')
      const b = await w.nickLogin('nobody-here', 'wrongpass1')
      const c = await w.nickLogin('zhangwei2019', 'Etc2019pass', 'unit')
      expectError(a, 'PASSWORD_INVALID')
      expectError(b, 'PASSWORD_INVALID')
      expectError(c, 'PASSWORD_INVALID')
    })

    test('captcha: single use, expires after 5 minutes, case-insensitive, wrong answer burns it', async () => {
      const id = await w.captcha()
      const payload = {
        nickname: 'zhangwei2019',
        password: 'Etc2019pass',
        userType: 'personal',
        captchaId: id,
      }
      expect(data(await w.call('auth.loginByNickname', { ...payload, captchaText: 'abc7' })).next).toBe(
        'home',
      )
      expectError(
        await w.call('auth.loginByNickname', { ...payload, captchaText: 'abc7' }),
        'CAPTCHA_INVALID',
      )

      const late = await w.captcha()
      w.clock.advance(301)
      expectError(
        await w.call('auth.loginByNickname', { ...payload, captchaId: late, captchaText: CAPTCHA }),
        'CAPTCHA_INVALID',
      )
      const wrong = await w.captcha()
      expectError(
        await w.call('auth.loginByNickname', { ...payload, captchaId: wrong, captchaText: 'zzzz' }),
        'CAPTCHA_INVALID',
      )
      expectError(
        await w.call('auth.loginByNickname', { ...payload, captchaId: wrong, captchaText: CAPTCHA }),
        'CAPTCHA_INVALID',
      )
      const stored = JSON.stringify((await w.store.query(collections.captchas, { limit: 100 })).items)
      expect(stored).not.toContain(CAPTCHA)
      expect(stored).not.toContain(CAPTCHA.toLowerCase())
    })

    test('10 failures from one caller lock that caller out for 15 minutes; others only wait the delay', async () => {
      const attacker = w.http(null, '10.9.9.9')
      const owner = w.http(null, '10.1.1.1')
      let last: ApiResult | null = null
      for (let i = 1; i <= 10; i++) {
        last = await w.nickLogin('zhangwei2019', `badpass${i}`, 'personal', attacker)
        w.clock.advance(300) // past any cross-caller delay
      }
      expectError(last as ApiResult, 'LOGIN_LOCKED')
      const locked = await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', attacker)
      expectError(locked, 'LOGIN_LOCKED')
      if (!locked.ok) expect(locked.error.message).toMatch(/\d+分钟/)
      // The owner from a fresh caller is not locked out.
      expect(data(await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', owner)).next).toBe('home')
      // After 15 minutes the attacker's lock is over.
      w.clock.advance(15 * 60)
      expect(data(await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', attacker)).next).toBe('home')
    })

    test('failures across callers add a growing delay the server enforces, then the owner gets in', async () => {
      for (let i = 0; i < 5; i++) {
        expectError(
          await w.nickLogin('zhangwei2019', 'badpass1', 'personal', w.http(null, `10.5.0.${i}`)),
          'PASSWORD_INVALID',
        )
      }
      expectError(
        await w.nickLogin('zhangwei2019', 'badpass1', 'personal', w.http(null, '10.5.1.1')),
        'PASSWORD_INVALID',
      )
      // 6 failures: the next attempt from anyone waits 1 s, then 2 s after the 7th…
      const early = await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', w.http(null, '10.7.7.7'))
      expectError(early, 'LOGIN_THROTTLED')
      if (!early.ok) expect(early.error.message).toContain('1秒')
      w.clock.advance(1)
      expectError(
        await w.nickLogin('zhangwei2019', 'badpass1', 'personal', w.http(null, '10.5.1.2')),
        'PASSWORD_INVALID',
      )
      w.clock.advance(1)
      expectError(
        await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', w.http(null, '10.7.7.7')),
        'LOGIN_THROTTLED',
      )
      w.clock.advance(1)
      // A throttled attempt spends nothing (captcha stays usable) and the owner gets in after the delay.
      expect(
        data(await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', w.http(null, '10.7.7.7'))).next,
      ).toBe('home')
    })

    test('legacy-bound nickname confirms with an SMS code to the reserved phone', async () => {
      const login = data(await w.nickLogin('ouyang_nn', 'Ouyang2020'))
      if (login.next !== 'confirmLegacy') throw new Error(login.next)
      expect(login.legacyPhone).toBe('137****2756')
      const token = w.http(login.token ?? null)
      expectError(await w.call('account.me', {}, token), 'BINDING_REQUIRED')
      expect((await w.ok('auth.sendLegacyBindingCode', {}, token)).phone).toBe('137****2756')
      const code = (await listOutbox(w.store, 10)).find((m) => m.phone === '13712342756')?.code ?? ''
      expectError(
        await w.call('auth.confirmLegacyBinding', { code: code === '000000' ? '111111' : '000000' }, token),
        'SMS_CODE_INVALID',
      )
      const done = home(data(await w.call('auth.confirmLegacyBinding', { code }, token)))
      expect(done.account.displayName).toBe('欧阳**')
      expect((await w.ok('account.me', {}, token)).account.id).toBe('acc-p-03-ouyangnana')
      // Next login goes straight home.
      expect(data(await w.nickLogin('ouyang_nn', 'Ouyang2020')).next).toBe('home')
    })

    test('unit nickname binds by unit name + credit code; mismatch changes nothing', async () => {
      const login = data(await w.nickLogin('shunda_wl', 'Shunda2018', 'unit'))
      if (login.next !== 'bind') throw new Error(login.next)
      expect(login.idTypes).toEqual(['统一社会信用代码', '组织机构代码证'])
      const token = w.http(login.token ?? null)
      const before = await snapshot(w.store)
      expectError(
        await w.call(
          'auth.bind',
          {
            userType: 'unit',
            name: '杭州顺达物流有限公司',
            idType: '统一社会信用代码',
            idNumber: '91330106MA2B3C4D5X',
          },
          token,
        ),
        'INVALID_INPUT',
      )
      expectError(
        await w.call(
          'auth.bind',
          {
            userType: 'unit',
            name: '杭州顺达物流有限公司',
            idType: '身份证',
            idNumber: '330106199006183022',
          },
          token,
        ),
        'INVALID_INPUT',
      )
      expect(await snapshot(w.store)).toEqual(before)
      expectError(
        await w.call(
          'auth.bind',
          {
            userType: 'unit',
            name: '杭州别家物流有限公司',
            idType: '统一社会信用代码',
            idNumber: '91330106MA2B3C4D5D',
          },
          token,
        ),
        'BINDING_MISMATCH',
      )
      const bound = home(
        data(
          await w.call(
            'auth.bind',
            {
              userType: 'unit',
              name: '杭州顺达物流有限公司',
              idType: '统一社会信用代码',
              idNumber: '91330106ma2b3c4d5d',
            },
            token,
          ),
        ),
      )
      expect(bound.account.id).toBe('acc-u-shunda')
      expect((await w.ok('account.me', {}, token)).account.id).toBe('acc-u-shunda')
    })

    test('recover nickname: a code to the phone, then the nickname and masked cards; a wrong phone gets no code', async () => {
      const before = await snapshot(w.store)
      const asked = await w.ok('auth.sendRecoverNicknameCode', {
        plate: '浙a8k2m7',
        phone: '13800138000',
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      expect(asked).toEqual({ phone: '138****8000', cooldownSeconds: 60, expiresInSeconds: 300 })
      // a phone that does not match gets the same answer, and no text
      const other = await w.ok('auth.sendRecoverNicknameCode', {
        plate: '浙A8K2M7',
        phone: '13900139000',
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      expect(other).toEqual({ phone: '139****9000', cooldownSeconds: 60, expiresInSeconds: 300 })
      const texts = await listOutbox(w.store, 10)
      expect(texts.map((m) => m.phone)).toEqual(['13800138000'])
      expect(texts[0].text).toContain('找回')
      // one code stored (hashed), for the phone that matched; nothing else changed
      const { smsCodes, ...rest } = await snapshot(w.store)
      const { smsCodes: noCodes, ...restBefore } = before
      expect(rest).toEqual(restBefore)
      expect(smsCodes.length).toBe(noCodes.length + 1)
      expect(JSON.stringify(smsCodes)).not.toContain(texts[0].code)

      const code = texts[0].code
      expectError(
        await w.call('auth.recoverNickname', {
          plate: '浙A8K2M7',
          phone: '13900139000',
          code,
        }),
        'SMS_CODE_INVALID',
      )
      const found = await w.ok('auth.recoverNickname', { plate: '浙A8K2M7', phone: '13800138000', code })
      expect(found.nickname).toBe('zhangwei2019')
      expect(found.cardNos.length).toBeGreaterThan(0)
      for (const no of found.cardNos) expect(no).toMatch(/^\d{4}\*{5}\d{4}$/)
      // single use
      expectError(
        await w.call('auth.recoverNickname', { plate: '浙A8K2M7', phone: '13800138000', code }),
        'SMS_CODE_INVALID',
      )
    })

    test('reset password: registered details send a code to the reserved phone; code + new password reset it', async () => {
      const old = home(data(await w.nickLogin('zhangwei2019', 'Etc2019pass')))
      const base = { nickname: 'zhangwei2019', userType: 'personal', userName: '张伟', idType: '身份证' }
      const before = await snapshot(w.store)
      // format errors cost nothing: no captcha, no failure counted
      expectError(
        await w.call('auth.sendResetPasswordCode', {
          ...base,
          idNumber: '330106198503152718',
          captchaId: await w.captcha(),
          captchaText: CAPTCHA,
        }),
        'INVALID_INPUT',
      )
      expectError(
        await w.call('auth.resetPassword', {
          nickname: 'zhangwei2019',
          userType: 'personal',
          code: '123456',
          newPassword: 'weakpass',
          confirmPassword: 'weakpass',
        }),
        'INVALID_INPUT',
      )
      expectError(
        await w.call('auth.resetPassword', {
          nickname: 'zhangwei2019',
          userType: 'personal',
          code: '123456',
          newPassword: 'NewPass2025',
          confirmPassword: 'NewPass2026',
        }),
        'INVALID_INPUT',
      )
      expect(await snapshot(w.store)).toEqual(before)
      const mismatch = await w.call('auth.sendResetPasswordCode', {
        ...base,
        userName: '李秀英',
        idNumber: '330106198503152716',
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      expectError(mismatch, 'RESET_MISMATCH')
      if (!mismatch.ok) expect(mismatch.error.message).toContain('还可尝试9次')
      expect(await listOutbox(w.store, 10)).toEqual([])

      const sent = await w.ok('auth.sendResetPasswordCode', {
        ...base,
        idNumber: '330106198503152716',
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      expect(sent).toEqual({ phone: '138****8000', cooldownSeconds: 60, expiresInSeconds: 300 })
      const [text] = await listOutbox(w.store, 1)
      expect(text.phone).toBe('13800138000')
      expect(text.text).toContain('重置')
      const wrong = text.code === '000000' ? '111111' : '000000'
      const step2 = {
        nickname: 'ZhangWei2019',
        userType: 'personal',
        newPassword: 'NewPass2025',
        confirmPassword: 'NewPass2025',
      }
      expectError(await w.call('auth.resetPassword', { ...step2, code: wrong }), 'SMS_CODE_INVALID')
      // the code is for this nickname only
      expectError(
        await w.call('auth.resetPassword', { ...step2, nickname: 'ouyang_nn', code: text.code }),
        'SMS_CODE_INVALID',
      )
      expect(await w.ok('auth.resetPassword', { ...step2, code: text.code })).toEqual({ reset: true })
      expectError(await w.call('account.me', {}, w.http(old.token ?? null)), 'SESSION_INVALID')
      expectError(await w.nickLogin('zhangwei2019', 'Etc2019pass'), 'PASSWORD_INVALID')
      expect(data(await w.nickLogin('zhangwei2019', 'NewPass2025')).next).toBe('home')
      // single use
      expectError(await w.call('auth.resetPassword', { ...step2, code: text.code }), 'SMS_CODE_INVALID')
    })

    test('reset password for a unit texts the agent phone; with no reserved phone left, the outlet is named', async () => {
      const base = {
        nickname: 'shunda_wl',
        userType: 'unit',
        userName: '杭州顺达物流有限公司',
        idType: '统一社会信用代码',
        idNumber: '91330106MA2B3C4D5D',
      }
      expect(
        (
          await w.ok('auth.sendResetPasswordCode', {
            ...base,
            captchaId: await w.captcha(),
            captchaText: CAPTCHA,
          })
        ).phone,
      ).toBe('139****9000')
      expect((await listOutbox(w.store, 1))[0].phone).toBe('13900139000')
      // the account closed since: no phone to text, and the way to change it is said plainly
      await w.store.remove(collections.accounts, 'acc-u-shunda')
      w.clock.advance(61)
      const result = await w.call('auth.sendResetPasswordCode', {
        ...base,
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      expectError(result, 'RESERVED_PHONE_UNAVAILABLE')
      if (!result.ok) expect(result.error.message).toContain('营业网点')
    })

    test('change password revokes every other session of the nickname, keeps this one', async () => {
      const other = home(
        data(await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', w.http(null, '10.2.2.2'))),
      )
      const wechat: Caller = { platform: 'wechat', openid: 'o-zhang' }
      data(await w.nickLogin('zhangwei2019', 'Etc2019pass', 'personal', wechat))
      const mine = home(data(await w.nickLogin('zhangwei2019', 'Etc2019pass')))
      const me = w.http(mine.token ?? null)
      const before = await snapshot(w.store)
      expectError(
        await w.call(
          'auth.changePassword',
          { oldPassword: 'Etc2019pass', newPassword: 'short1', confirmPassword: 'short1' },
          me,
        ),
        'INVALID_INPUT',
      )
      expectError(
        await w.call(
          'auth.changePassword',
          { oldPassword: 'Etc2019pass', newPassword: 'NewPass2025', confirmPassword: 'NewPass2024' },
          me,
        ),
        'INVALID_INPUT',
      )
      expect(await snapshot(w.store)).toEqual(before)
      // a wrong old password counts toward the nickname lockout, and changes nothing else
      const wrongOld = await w.call(
        'auth.changePassword',
        { oldPassword: 'wrong', newPassword: 'NewPass2025', confirmPassword: 'NewPass2025' },
        me,
      )
      expectError(wrongOld, 'PASSWORD_INVALID')
      if (!wrongOld.ok) expect(wrongOld.error.fields?.oldPassword).toBe('原密码错误，还可尝试9次')
      const { loginFailures, ...rest } = await snapshot(w.store)
      const { loginFailures: noFailures, ...restBefore } = before
      expect(rest).toEqual(restBefore)
      expect(loginFailures.length).toBe(noFailures.length + 2)
      const changed = await w.ok(
        'auth.changePassword',
        { oldPassword: 'Etc2019pass', newPassword: 'NewPass2025', confirmPassword: 'NewPass2025' },
        me,
      )
      expect(changed).toEqual({ changed: true, revokedSessions: 2 })
      expectError(await w.call('account.me', {}, w.http(other.token ?? null)), 'SESSION_INVALID')
      expectError(await w.call('account.me', {}, wechat), 'UNAUTHENTICATED')
      expect((await w.ok('account.me', {}, me)).account.id).toBe('acc-p-01-zhangwei')
      // Phone principals have no password.
      const phone = home(await w.smsLogin('13800138000', 'personal'))
      expectError(
        await w.call(
          'auth.changePassword',
          { oldPassword: 'x', newPassword: 'NewPass2025', confirmPassword: 'NewPass2025' },
          w.http(phone.token ?? null),
        ),
        'FORBIDDEN',
      )
    })

    test('no password, phone, ID number or captcha answer in the call log', async () => {
      await w.nickLogin('zhangwei2019', 'Etc2019pass')
      await w.nickLogin('zhangwei2019', 'badpass99')
      await w.ok('auth.sendResetPasswordCode', {
        nickname: 'zhangwei2019',
        userType: 'personal',
        userName: '张伟',
        idType: '身份证',
        idNumber: '330106198503152716',
        captchaId: await w.captcha(),
        captchaText: CAPTCHA,
      })
      const [reset] = await listOutbox(w.store, 1)
      await w.ok('auth.resetPassword', {
        nickname: 'zhangwei2019',
        userType: 'personal',
        code: reset.code,
        newPassword: 'NewPass2025',
        confirmPassword: 'NewPass2025',
      })
      await w.smsLogin('13800138000', 'personal')
      const text = JSON.stringify(w.logs)
      for (const secret of [
        'Etc2019pass',
        'badpass99',
        'NewPass2025',
        '13800138000',
        '330106198503152716',
        '张伟',
        CAPTCHA,
      ]) {
        expect(text).not.toContain(secret)
      }
    })
  })

  describe('phone logins, binding, switching and sessions', () => {
    let w: World
    beforeEach(async () => {
      w = await makeWorld(adapter)
    })
    afterEach(() => w.store.close())

    test('a phone user must bind on first login; mismatch then success; then home', async () => {
      const login = await w.smsLogin('13588886666', 'personal')
      if (login.next !== 'bind') throw new Error(login.next)
      expect(login.principal.display).toBe('135****6666')
      const token = w.http(login.token ?? null)
      expectError(await w.call('account.me', {}, token), 'BINDING_REQUIRED')
      const before = await snapshot(w.store)
      expectError(
        await w.call(
          'auth.bind',
          { userType: 'personal', name: '陈静', idType: '身份证', idNumber: '330106199006183021' },
          token,
        ),
        'INVALID_INPUT',
      )
      expectError(
        await w.call(
          'auth.bind',
          { userType: 'personal', name: '陈静', idType: '身份证', idNumber: '330106199002303020' },
          token,
        ),
        'INVALID_INPUT',
      )
      expectError(
        await w.call(
          'auth.bind',
          { userType: 'personal', name: '陈'.repeat(61), idType: '身份证', idNumber: '330106199006183022' },
          token,
        ),
        'INVALID_INPUT',
      )
      expect(await snapshot(w.store)).toEqual(before)
      expectError(
        await w.call(
          'auth.bind',
          { userType: 'personal', name: '陈晶', idType: '身份证', idNumber: '330106199006183022' },
          token,
        ),
        'BINDING_MISMATCH',
      )
      // Someone else's valid ID does not bind this phone.
      expectError(
        await w.call(
          'auth.bind',
          { userType: 'personal', name: '张伟', idType: '身份证', idNumber: '330106198503152716' },
          token,
        ),
        'BINDING_MISMATCH',
      )
      const bound = home(
        data(
          await w.call(
            'auth.bind',
            { userType: 'personal', name: '陈静', idType: '身份证', idNumber: '330106199006183022' },
            token,
          ),
        ),
      )
      expect(bound.account.id).toBe('acc-p-04-chenjing')
      expect((await w.ok('account.me', {}, token)).account.id).toBe('acc-p-04-chenjing')
      expect((await w.smsLogin('13588886666', 'personal')).next).toBe('home')
    })

    test('switch account among reachable ones; unreachable id → NOT_FOUND and nothing changes', async () => {
      const login = home(await w.smsLogin('13800138000', 'personal'))
      const token = w.http(login.token ?? null)
      expect((await w.ok('auth.accounts', {}, token)).accounts.map((a) => a.id)).toEqual([
        'acc-p-01-zhangwei',
        'acc-p-02-lixiuying',
      ])
      const before = await snapshot(w.store)
      for (const accountId of ['acc-u-shunda', 'acc-p-03-ouyangnana', 'nope']) {
        expectError(await w.call('auth.switchAccount', { accountId }, token), 'NOT_FOUND')
      }
      expect(await snapshot(w.store)).toEqual(before)
      const switched = await w.ok('auth.switchAccount', { accountId: 'acc-p-02-lixiuying' }, token)
      expect(switched.account.displayName).toBe('李**')
      expect((await w.ok('account.me', {}, token)).account.id).toBe('acc-p-02-lixiuying')
      // The choice is remembered for the next login.
      expect(home(await w.smsLogin('13800138000', 'personal')).account.id).toBe('acc-p-02-lixiuying')
    })

    test('refresh rotates the token; logout revokes; bad tokens are refused', async () => {
      const login = home(await w.smsLogin('13900139000', 'unit'))
      const old = w.http(login.token ?? null)
      const fresh = await w.ok('auth.refresh', {}, old)
      expect(fresh.token).toEqual(expect.any(String))
      expect(fresh.token).not.toBe(login.token)
      expectError(await w.call('account.me', {}, old), 'SESSION_INVALID')
      const now = w.http(fresh.token ?? null)
      expect((await w.ok('account.me', {}, now)).account.id).toBe('acc-u-shunda')
      await w.ok('auth.logout', {}, now)
      expectError(await w.call('account.me', {}, now), 'SESSION_INVALID')
      expectError(await w.call('auth.refresh', {}, now), 'SESSION_INVALID')
      expectError(await w.call('auth.accounts', {}, w.http('forged.token.here')), 'SESSION_INVALID')
      expectError(await w.call('auth.accounts', {}, w.http()), 'UNAUTHENTICATED')
    })

    test('WeChat phone login: the number must be a reserved/agent phone; identity from OPENID', async () => {
      const wechat: Caller = { platform: 'wechat', openid: 'o-wx-1' }
      const login = home(
        data(
          await w.call('auth.loginByWechatPhone', { code: 'phone:13900139000', userType: 'unit' }, wechat),
        ),
      )
      expect(login.token).toBeUndefined()
      expect(login.account.id).toBe('acc-u-shunda')
      expect((await w.ok('account.me', {}, wechat)).account.id).toBe('acc-u-shunda')
      const before = await snapshot(w.store)
      expectError(
        await w.call('auth.loginByWechatPhone', { code: 'phone:13600000000', userType: 'personal' }, wechat),
        'PHONE_NOT_REGISTERED',
      )
      expectError(
        await w.call('auth.loginByWechatPhone', { code: 'phone:13900139000', userType: 'personal' }, wechat),
        'PHONE_NOT_REGISTERED',
      )
      expectError(
        await w.call('auth.loginByWechatPhone', { code: 'garbage', userType: 'unit' }, wechat),
        'PLATFORM_AUTH_FAILED',
      )
      expectError(
        await w.call('auth.loginByWechatPhone', { code: 'down', userType: 'unit' }, wechat),
        'LOGIN_METHOD_UNAVAILABLE',
      )
      expect(await snapshot(w.store)).toEqual(before)
    })

    test('Alipay phone login, alipaySession and resume on the next launch', async () => {
      const caller = w.http(null, '10.3.3.3')
      expectError(
        await w.call(
          'auth.loginByAlipayPhone',
          { response: '13800138000', sign: 'bad', userType: 'personal' },
          caller,
        ),
        'PLATFORM_AUTH_FAILED',
      )
      const login = home(
        data(
          await w.call(
            'auth.loginByAlipayPhone',
            { response: '13800138000', sign: 'good', userType: 'personal' },
            caller,
          ),
        ),
      )
      expect(data(await w.call('auth.resumeAlipay', { authCode: 'ali:777' }, caller))).toEqual({
        resumed: false,
      })
      const kept = await w.ok('auth.alipaySession', { authCode: 'ali:777' }, w.http(login.token ?? null))
      expectError(await w.call('account.me', {}, w.http(login.token ?? null)), 'SESSION_INVALID')
      expect((await w.ok('account.me', {}, w.http(kept.token))).account.id).toBe('acc-p-01-zhangwei')
      const resumed = data(await w.call('auth.resumeAlipay', { authCode: 'ali:777' }, caller))
      if (!resumed.resumed) throw new Error('not resumed')
      const again = home(resumed.login)
      expect((await w.ok('account.me', {}, w.http(again.token ?? null))).account.id).toBe('acc-p-01-zhangwei')
      // Another Alipay user does not resume someone else's session.
      expect(data(await w.call('auth.resumeAlipay', { authCode: 'ali:888' }, caller))).toEqual({
        resumed: false,
      })
    })

    test('without the platform port those logins answer 该登录方式暂不可用', async () => {
      const bare = await makeWorld(adapter, false)
      try {
        const result = await bare.call(
          'auth.loginByWechatPhone',
          { code: 'phone:13900139000', userType: 'unit' },
          { platform: 'wechat', openid: 'o' },
        )
        expectError(result, 'LOGIN_METHOD_UNAVAILABLE')
        if (!result.ok) expect(result.error.message).toBe('该登录方式暂不可用')
      } finally {
        bare.store.close()
      }
    })

    test('bad input is refused with Chinese messages and changes nothing', async () => {
      const before = await snapshot(w.store)
      const cases: Array<[ActionName, unknown]> = [
        [
          'auth.loginByNickname',
          {
            nickname: 'a'.repeat(33),
            password: 'x',
            captchaId: 'c',
            captchaText: 'abcd',
            userType: 'personal',
          },
        ],
        [
          'auth.loginByNickname',
          {
            nickname: 'zhangwei2019',
            password: 'x'.repeat(65),
            captchaId: 'c',
            captchaText: 'abcd',
            userType: 'personal',
          },
        ],
        [
          'auth.loginByNickname',
          {
            nickname: 'zhangwei2019',
            password: 'x',
            captchaId: 'c',
            captchaText: 'abcd',
            userType: 'personal',
            userId: 'acc-u-shunda',
          },
        ],
        [
          'auth.sendRecoverNicknameCode',
          { plate: '浙A8K2M7', phone: '1380013800', captchaId: 'c', captchaText: 'abcd' },
        ],
        [
          'auth.sendRecoverNicknameCode',
          { plate: 'ABC', phone: '13800138000', captchaId: 'c', captchaText: 'abcd' },
        ],
        ['auth.recoverNickname', { plate: '浙A8K2M7', phone: '13800138000', code: '12345' }],
        [
          'auth.sendResetPasswordCode',
          {
            nickname: 'zhangwei2019',
            userType: 'personal',
            userName: '张伟',
            idType: '身份证',
            idNumber: '330106198503152716',
            newPassword: 'NewPass2025',
            captchaId: 'c',
            captchaText: 'abcd',
          },
        ],
        ['auth.sendSmsCode', { phone: '13800138000', userType: 'personal', captchaId: 'c' }],
        ['auth.loginByWechatPhone', { code: 'x'.repeat(513), userType: 'personal' }],
        ['auth.switchAccount', { accountId: 'x'.repeat(65) }],
        ['auth.bind', { userType: 'personal', name: '', idType: '身份证', idNumber: '330106198503152716' }],
        [
          'auth.bind',
          { userType: 'personal', name: '张伟', idType: '驾驶证', idNumber: '330106198503152716' },
        ],
      ]
      for (const [action, payload] of cases) expectError(await w.call(action, payload), 'INVALID_INPUT')
      expect(await snapshot(w.store)).toEqual(before)
    })
  })
})
