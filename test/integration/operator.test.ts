/**
 * The operator role through the router, on both Store adapters: its own login and token, refused
 * wherever a driver's is expected and the other way round, disabled and reset by the provisioning
 * command's operations, and the reconciliation reports it reads.
 */
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import type { ReconciliationReportDoc } from '../../cloudfunctions/core/money/reconciliationDocuments'
import {
  createOperator,
  resetOperatorPassword,
  setOperatorDisabled,
} from '../../cloudfunctions/core/operators/operatorAdmin'
import { operatorTokenPrefix } from '../../cloudfunctions/core/operators/operatorTokens'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { demoOperator } from '../../tools/demo/seedOperators'
import { demoNicknames } from '../../tools/demo/seedAccounts'
import type { ActionName, ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { fen } from '../../types/money'
import { adapters, apiCalls, readAll, seedDemoPerSuite, TestClock, type Adapter } from './seededDemo'

const start = new Date('2025-06-15T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('operator', start)
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
  const http = (token: string | null = null, ip = '10.0.0.1'): Caller => ({ platform: 'http', token, ip })
  const { call, ok } = apiCalls(api, http)
  const captchaFor = async (caller: Caller) => (await ok('auth.captcha', {}, caller)).captchaId
  const opLogin = async (loginName: string, password: string, caller: Caller = http()) =>
    call(
      'operator.login',
      { loginName, password, captchaId: await captchaFor(caller), captchaText: CAPTCHA.toLowerCase() },
      caller,
    )
  const opToken = async (loginName = demoOperator.loginName, password = demoOperator.password) => {
    const result = await opLogin(loginName, password)
    if (!result.ok) throw new Error(`operator.login failed: ${JSON.stringify(result.error)}`)
    return result.data.token
  }
  const driverToken = async () => {
    const { nickname, password } = demoNicknames.zhangwei
    const caller = http()
    const login = await ok(
      'auth.loginByNickname',
      { nickname, password, userType: 'personal', captchaId: await captchaFor(caller), captchaText: CAPTCHA },
      caller,
    )
    if (!login.token) throw new Error('the driver login gave no token')
    return login.token
  }
  return { store, clock, http, call, ok, opLogin, opToken, driverToken }
}
type World = Awaited<ReturnType<typeof makeWorld>>

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok: ${JSON.stringify(result.data)}`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}

async function snapshot(store: Store, names: string[]): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of names) out[name] = await readAll(store, name)
  return out
}
const sessionState = [
  collections.sessions,
  collections.wechatBindings,
  collections.operatorSessions,
  collections.operators,
  collections.principals,
]

function report(
  provider: 'wechat' | 'alipay',
  day: string,
  over: Partial<ReconciliationReportDoc> = {},
): ReconciliationReportDoc {
  return {
    id: `${provider}:${day}`,
    provider,
    day,
    merchantId: provider === 'wechat' ? '1900000109' : '2088000000000001',
    state: 'complete',
    payments: { count: 12, total: fen(1_250_000) },
    refunds: { count: 1, total: fen(5_000) },
    matchedPayments: 11,
    matchedRefunds: 1,
    credited: [
      {
        orderNo: 'R202506140001',
        accountId: 'acc-p-01-zhangwei',
        providerTradeNo: '4200001',
        amount: fen(10_000),
      },
    ],
    lateRefunds: [],
    orphans: [
      {
        orderNo: 'X-unknown-1',
        providerTradeNo: '4200009',
        amount: fen(2_000),
        reason: 'UNKNOWN_ORDER',
        refundNo: 'F-orphan-1',
        paidAt: `${day}T03:00:00.000Z`,
      },
    ],
    discrepancies: [],
    totals: { credited: fen(10_000), lateRefunds: fen(0), orphans: fen(2_000) },
    generatedAt: '2025-06-15T01:00:00.000Z',
    ...over,
  }
}

describe.each(adapters)('on %s', (adapter) => {
  let w: World
  beforeEach(async () => {
    w = await makeWorld(adapter)
  })
  afterEach(() => w.store.close())

  describe('login, profile, logout', () => {
    test('the demo operator logs in with the captcha and gets an operator token of its own', async () => {
      const driverSessions = await readAll(w.store, collections.sessions)
      const result = await w.opLogin('OP-Demo', demoOperator.password)
      if (!result.ok) throw new Error(JSON.stringify(result.error))
      expect(result.data.token.startsWith(operatorTokenPrefix)).toBe(true)
      expect(Date.parse(result.data.expiresAt) - start.getTime()).toBe(12 * 3600_000)
      expect(result.data.operator).toEqual({
        loginName: 'op-demo',
        name: demoOperator.name,
        roles: ['reconciliation'],
        outletId: null,
      })
      const token = result.data.token
      const me = await w.ok('operator.me', {}, w.http(token))
      expect(me.operator.loginName).toBe('op-demo')
      // an operator session, not a driver's
      expect(await readAll(w.store, collections.sessions)).toEqual(driverSessions)
      const sessions = await readAll(w.store, collections.operatorSessions)
      expect(sessions).toHaveLength(1)
      expect(sessions[0]).toMatchObject({ operatorId: 'op-demo', revokedAt: null })

      await w.ok('operator.logout', {}, w.http(token))
      expectError(await w.call('operator.me', {}, w.http(token)), 'SESSION_INVALID')
    })

    test('the session ends after 12 hours', async () => {
      const token = await w.opToken()
      w.clock.advance(12 * 3600 - 1)
      await w.ok('operator.me', {}, w.http(token))
      w.clock.advance(2)
      expectError(await w.call('operator.me', {}, w.http(token)), 'SESSION_EXPIRED')
    })

    test('a wrong password and an unknown login name answer alike, and count', async () => {
      const wrong = await w.opLogin(demoOperator.loginName, 'Wrong2025x')
      const unknown = await w.opLogin('nobody-here', 'Wrong2025x')
      expectError(wrong, 'PASSWORD_INVALID')
      expectError(unknown, 'PASSWORD_INVALID')
      if (wrong.ok || unknown.ok) return
      expect(wrong.error.message).toBe('账号或密码错误，还可尝试9次')
      expect(unknown.error.message).toBe(wrong.error.message)
      expect(await readAll(w.store, collections.operatorSessions)).toEqual([])
    })

    test('a wrong captcha is refused before the password is looked at', async () => {
      const caller = w.http()
      const captchaId = (await w.ok('auth.captcha', {}, caller)).captchaId
      const result = await w.call(
        'operator.login',
        {
          loginName: demoOperator.loginName,
          password: demoOperator.password,
          captchaId,
          captchaText: 'zzzz',
        },
        caller,
      )
      expectError(result, 'CAPTCHA_INVALID')
      expect(await readAll(w.store, collections.operatorSessions)).toEqual([])
    })

    test('on WeChat (the outlet handset) the session serves the OPENID that logged in, and only there', async () => {
      const phone: Caller = { platform: 'wechat', openid: 'o-outlet-handset' }
      const captchaId = (await w.ok('auth.captcha', {}, phone)).captchaId
      const login = await w.ok(
        'operator.login',
        {
          loginName: demoOperator.loginName,
          password: demoOperator.password,
          captchaId,
          captchaText: CAPTCHA,
        },
        phone,
      )
      expect(login.token.startsWith(operatorTokenPrefix)).toBe(true)
      const [session] = await readAll<{ wechatCaller?: string | null }>(w.store, collections.operatorSessions)
      // bound to the caller by a keyed hash: the OPENID itself is not stored
      expect(session?.wechatCaller).toMatch(/^[\w-]{32,}$/)
      expect(JSON.stringify(session)).not.toContain('o-outlet-handset')

      const withToken = (caller: Caller): Caller =>
        caller.platform === 'wechat' ? { ...caller, operatorToken: login.token } : caller
      expect((await w.ok('operator.me', {}, withToken(phone))).operator.loginName).toBe(
        demoOperator.loginName,
      )
      // the OPENID alone is not an operator
      expectError(await w.call('operator.me', {}, phone), 'UNAUTHENTICATED')
      // the token from another WeChat user, or over HTTP, is refused
      expectError(
        await w.call('operator.me', {}, withToken({ platform: 'wechat', openid: 'o-someone-else' })),
        'SESSION_INVALID',
      )
      expectError(await w.call('operator.me', {}, w.http(login.token)), 'SESSION_INVALID')
      // logging out on the phone ends it there too
      await w.ok('operator.logout', {}, withToken(phone))
      expectError(await w.call('operator.me', {}, withToken(phone)), 'SESSION_INVALID')
    })

    test('an HTTP session and a driver token are refused to a WeChat caller presenting them', async () => {
      const phone: Caller = {
        platform: 'wechat',
        openid: 'o-outlet-handset',
        operatorToken: await w.opToken(),
      }
      expectError(await w.call('operator.me', {}, phone), 'SESSION_INVALID')
      expectError(
        await w.call(
          'operator.reconciliation.list',
          { provider: 'wechat' },
          { ...phone, operatorToken: await w.driverToken() },
        ),
        'FORBIDDEN',
      )
    })
  })

  describe('the two token kinds never pass as each other', () => {
    const operatorActions: Array<[ActionName, unknown]> = [
      ['operator.me', {}],
      ['operator.logout', {}],
      ['operator.reconciliation.list', { provider: 'wechat' }],
      ['operator.reconciliation.detail', { id: 'wechat:2025-06-14' }],
    ]
    const driverActions: Array<[ActionName, unknown]> = [
      ['account.me', {}],
      ['money.summary', {}],
      ['vehicles.list', {}],
      ['auth.accounts', {}],
      ['auth.refresh', {}],
      ['auth.logout', {}],
    ]

    test('no token: operator actions answer UNAUTHENTICATED', async () => {
      for (const [action, payload] of operatorActions) {
        expectError(await w.call(action, payload, w.http(null)), 'UNAUTHENTICATED')
      }
    })

    test('a driver token on operator actions is FORBIDDEN, and changes nothing', async () => {
      await w.store.set(collections.reconciliationReports, 'wechat:2025-06-14', {
        ...report('wechat', '2025-06-14'),
      })
      const token = await w.driverToken()
      const before = await snapshot(w.store, sessionState)
      for (const [action, payload] of operatorActions) {
        expectError(await w.call(action, payload, w.http(token)), 'FORBIDDEN')
      }
      // the driver token with the operator prefix is a forgery: the operator key refuses it
      expectError(await w.call('operator.me', {}, w.http(operatorTokenPrefix + token)), 'SESSION_INVALID')
      expect(await snapshot(w.store, sessionState)).toEqual(before)
      // and the driver's own session still works
      await w.ok('account.me', {}, w.http(token))
    })

    test('an operator token on driver actions is FORBIDDEN, and changes nothing', async () => {
      const token = await w.opToken()
      const before = await snapshot(w.store, sessionState)
      for (const [action, payload] of driverActions) {
        expectError(await w.call(action, payload, w.http(token)), 'FORBIDDEN')
      }
      // without its prefix the JWT is still not a driver's: another key, another audience
      const bare = token.slice(operatorTokenPrefix.length)
      for (const [action, payload] of driverActions) {
        expectError(await w.call(action, payload, w.http(bare)), 'SESSION_INVALID')
      }
      // and a bare JWT is no operator token either
      expectError(await w.call('operator.me', {}, w.http(bare)), 'FORBIDDEN')
      expect(await snapshot(w.store, sessionState)).toEqual(before)
      await w.ok('operator.me', {}, w.http(token))
    })
  })

  describe('what the provisioning command does takes effect at once', () => {
    test('a disabled operator is refused: its session ends, its right password only says so', async () => {
      const token = await w.opToken()
      const { revokedSessions } = await setOperatorDisabled(w.store, 'op-demo', true, w.clock.now())
      expect(revokedSessions).toBe(1)
      expectError(await w.call('operator.me', {}, w.http(token)), 'SESSION_INVALID')
      const right = await w.opLogin(demoOperator.loginName, demoOperator.password)
      expectError(right, 'FORBIDDEN')
      if (!right.ok) expect(right.error.message).toBe('该操作员账号已停用，请联系管理员')
      // without the password nothing tells a disabled operator from a wrong guess
      expectError(await w.opLogin(demoOperator.loginName, 'Wrong2025x'), 'PASSWORD_INVALID')
      expect((await readAll(w.store, collections.operatorSessions)).every((s) => s.revokedAt !== null)).toBe(
        true,
      )

      await setOperatorDisabled(w.store, 'op-demo', false, w.clock.now())
      await w.opToken()
    })

    test('a disabled operator whose session was somehow kept is still refused', async () => {
      const token = await w.opToken()
      await w.store.update(collections.operators, 'op-demo', { disabled: true })
      expectError(await w.call('operator.me', {}, w.http(token)), 'SESSION_INVALID')
    })

    test('a reset password ends the sessions; the old password no longer works', async () => {
      const token = await w.opToken()
      w.clock.advance(1)
      await resetOperatorPassword(w.store, 'op-demo', 'NewPass2026', w.clock.now())
      expectError(await w.call('operator.me', {}, w.http(token)), 'SESSION_INVALID')
      expectError(await w.opLogin(demoOperator.loginName, demoOperator.password), 'PASSWORD_INVALID')
      await w.opToken('op-demo', 'NewPass2026')
    })

    test('an operator without the reconciliation role cannot read the reports', async () => {
      await createOperator(
        w.store,
        {
          loginName: 'outlet-1',
          name: '网点员',
          roles: ['outlet'],
          outletId: 'outlet-xihu',
          password: 'Outlet2025',
        },
        w.clock.now(),
      )
      const token = await w.opToken('outlet-1', 'Outlet2025')
      expect((await w.ok('operator.me', {}, w.http(token))).operator).toEqual({
        loginName: 'outlet-1',
        name: '网点员',
        roles: ['outlet'],
        outletId: 'outlet-xihu',
      })
      expectError(
        await w.call('operator.reconciliation.list', { provider: 'wechat' }, w.http(token)),
        'FORBIDDEN',
      )
      expectError(
        await w.call('operator.reconciliation.detail', { id: 'wechat:2025-06-14' }, w.http(token)),
        'FORBIDDEN',
      )
    })
  })

  describe('reconciliation reports', () => {
    const days = ['2025-06-11', '2025-06-12', '2025-06-13', '2025-06-14']
    beforeEach(async () => {
      for (const day of days) {
        const over: Partial<ReconciliationReportDoc> =
          day === '2025-06-13'
            ? {
                discrepancies: [
                  {
                    kind: 'amount_mismatch',
                    orderNo: 'R202506130007',
                    providerTradeNo: '4200077',
                    refundNo: null,
                    expected: fen(10_000),
                    actual: fen(9_000),
                  },
                ],
              }
            : day === '2025-06-14'
              ? { state: 'running' }
              : {}
        await w.store.set(collections.reconciliationReports, `wechat:${day}`, {
          ...report('wechat', day, over),
        })
      }
      await w.store.set(collections.reconciliationReports, 'alipay:2025-06-14', {
        ...report('alipay', '2025-06-14'),
      })
    })

    test('one provider, newest day first, paged, with status and counts', async () => {
      const token = await w.opToken()
      const first = await w.ok(
        'operator.reconciliation.list',
        { provider: 'wechat', limit: 3 },
        w.http(token),
      )
      expect(first.total).toBe(4)
      expect(first.items.map((r) => [r.id, r.status])).toEqual([
        ['wechat:2025-06-14', 'running'],
        ['wechat:2025-06-13', 'discrepant'],
        ['wechat:2025-06-12', 'balanced'],
      ])
      expect(first.items[2]).toEqual({
        id: 'wechat:2025-06-12',
        provider: 'wechat',
        day: '2025-06-12',
        status: 'balanced',
        payments: { count: 12, total: 1_250_000 },
        refunds: { count: 1, total: 5_000 },
        matchedPayments: 11,
        matchedRefunds: 1,
        totals: { credited: 10_000, lateRefunds: 0, orphans: 2_000 },
        counts: { credited: 1, lateRefunds: 0, orphans: 1, discrepancies: 0 },
        generatedAt: '2025-06-15T01:00:00.000Z',
      })
      expect(first.nextCursor).not.toBeNull()
      const second = await w.ok(
        'operator.reconciliation.list',
        { provider: 'wechat', limit: 3, cursor: first.nextCursor ?? undefined },
        w.http(token),
      )
      expect(second.items.map((r) => r.id)).toEqual(['wechat:2025-06-11'])
      expect(second.nextCursor).toBeNull()

      const alipay = await w.ok('operator.reconciliation.list', { provider: 'alipay' }, w.http(token))
      expect(alipay.items.map((r) => r.id)).toEqual(['alipay:2025-06-14'])
      const range = await w.ok(
        'operator.reconciliation.list',
        { provider: 'wechat', from: '2025-06-12', to: '2025-06-13' },
        w.http(token),
      )
      expect(range.items.map((r) => r.day)).toEqual(['2025-06-13', '2025-06-12'])
      expect(range.total).toBe(2)
    })

    test('the refunds a report lists show where they stand now', async () => {
      const late = {
        orderNo: 'R202506120009',
        providerTradeNo: '4200099',
        amount: fen(3_000),
        refundNo: 'F202506120009',
      }
      await w.store.set(collections.reconciliationReports, 'wechat:2025-06-12', {
        ...report('wechat', '2025-06-12', { lateRefunds: [late] }),
      })
      await w.store.set(collections.orphanPayments, 'wechat:4200009', { status: 'refunded' })
      await w.store.set(collections.rechargeOrders, late.orderNo, { status: 'refunding' })
      const token = await w.opToken()
      const detail = await w.ok('operator.reconciliation.detail', { id: 'wechat:2025-06-12' }, w.http(token))
      expect(detail.orphans.map((o) => [o.providerTradeNo, o.refundStatus])).toEqual([
        ['4200009', 'refunded'],
      ])
      expect(detail.lateRefunds).toEqual([{ ...late, refundStatus: 'refunding' }])
    })

    test('the detail is the stored report, lists included; an unknown id is NOT_FOUND', async () => {
      const token = await w.opToken()
      const detail = await w.ok('operator.reconciliation.detail', { id: 'wechat:2025-06-13' }, w.http(token))
      const stored = report('wechat', '2025-06-13')
      expect(detail.status).toBe('discrepant')
      expect(detail.merchantId).toBe(stored.merchantId)
      expect(detail.credited).toEqual(stored.credited)
      expect(detail.orphans).toEqual(stored.orphans.map((o) => ({ ...o, refundStatus: 'unknown' })))
      expect(detail.discrepancies).toEqual([
        {
          kind: 'amount_mismatch',
          orderNo: 'R202506130007',
          providerTradeNo: '4200077',
          refundNo: null,
          expected: 10_000,
          actual: 9_000,
        },
      ])
      expectError(
        await w.call('operator.reconciliation.detail', { id: 'wechat:2025-01-01' }, w.http(token)),
        'NOT_FOUND',
      )
      expectError(
        await w.call('operator.reconciliation.detail', { id: '../etc' }, w.http(token)),
        'INVALID_INPUT',
      )
    })
  })
})
