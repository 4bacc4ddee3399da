/**
 * The bundled `api` function (dist/cloudfunctions/api/index.js, from `npm run bundle:functions`)
 * started as CloudBase starts it: a fresh module, the environment CloudBase sets, `main(event,
 * context)` called the way wx.cloud.callFunction calls it. The bundle loads wx-server-sdk from
 * node_modules, whose database requests go to a CloudBase emulator seeded with the demo data.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { collections, type WechatBindingDoc } from '../../cloudfunctions/core/documents'
import type { PrincipalDoc } from '../../cloudfunctions/core/principals'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import {
  registerEmulator,
  routeSdkToEmulators,
  unregisterEmulator,
} from '../../tools/cloudbase-emulator/install'
import type { ActionName, ActionResponse, ApiResult } from '../../types/api'
import { loadSnapshot, seedDemoSnapshot } from '../integration/seededDemo'

const bundle = resolve(__dirname, '../../dist/cloudfunctions/api/index.js')

const PERSONAL_PHONE = '13800138000'
const ZHANG = 'acc-p-01-zhangwei'
const UNIT = 'acc-u-shunda'
const BOUND_OPENID = 'o-cold-start-zhang'
const UNBOUND_OPENID = 'o-cold-start-stranger'

type Main = (event: unknown, context: unknown) => Promise<ApiResult>

let main: Main
let emulator: CloudbaseEmulator
const savedEnv = { ...process.env }
const apiLog: string[] = []
const consoleErrors: string[] = []
const spies: jest.SpyInstance[] = []
const print = console.log.bind(console)

/** What CloudBase hands a function invoked by wx.cloud.callFunction (the fields the SDK reads are env vars). */
const context = { function_name: 'api', namespace: '', memory_limit_in_mb: 256, time_limit_in_ms: 20_000 }

/** Calls main as the given WeChat user: CloudBase puts the caller's OPENID in WX_OPENID. */
function callAs(openid: string, event: Record<string, unknown>): Promise<ApiResult> {
  process.env.WX_OPENID = openid
  return main(event, context)
}

function data<A extends ActionName>(result: ApiResult, _action: A): ActionResponse<A> {
  if (!result.ok) throw new Error(`expected data, got ${JSON.stringify(result.error)}`)
  return result.data as ActionResponse<A>
}

beforeAll(async () => {
  if (!existsSync(bundle)) {
    throw new Error(
      'dist/cloudfunctions/api/index.js 不存在：请先运行 `npm run bundle:functions`（tsx tools/bundle-functions.ts），再运行本测试',
    )
  }
  const secrets: Secrets = {
    sessionKey: new Uint8Array(randomBytes(32)),
    dataKey: randomBytes(32),
    lookupKey: randomBytes(32),
  }
  // The bundle runs on the system clock, so the demo is seeded at the real now.
  const now = new Date()
  const snapshot = await seedDemoSnapshot(secrets, now)

  emulator = new CloudbaseEmulator()
  registerEmulator(emulator)
  loadSnapshot(emulator, snapshot)
  // Zhang's phone principal, bound to BOUND_OPENID as a WeChat login would bind it.
  const principal = (
    snapshot[collections.principals] as ReadonlyArray<PrincipalDoc & { [key: string]: unknown }>
  ).find((p) => p.kind === 'phone' && p.userType === 'personal' && p.lastAccountId === ZHANG)
  if (!principal || principal.kind !== 'phone')
    throw new Error('the demo seed has no phone principal for Zhang')
  const binding: WechatBindingDoc = {
    id: BOUND_OPENID,
    principalId: principal.id,
    accountId: ZHANG,
    userType: 'personal',
    loginPhoneHash: principal.phoneHash,
    boundAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
  }
  emulator.load({
    [collections.wechatBindings]: [
      ...(snapshot[collections.wechatBindings] ?? []),
      Object.freeze({ ...binding }),
    ],
  })

  // The environment CloudBase gives the function (cloudbaserc.json sets the keys and SMS_PROVIDER).
  Object.assign(process.env, {
    TCB_ENV: emulator.envId,
    SCF_NAMESPACE: emulator.envId,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SESSION_KEY: Buffer.from(secrets.sessionKey).toString('base64'),
    DATA_KEY: secrets.dataKey.toString('base64'),
    LOOKUP_KEY: secrets.lookupKey.toString('base64'),
    SMS_PROVIDER: 'outbox',
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
    WX_APPID: 'wx-cold-start-app',
    WX_OPENID: UNBOUND_OPENID,
  })
  delete process.env.WX_UNIONID

  // Before the bundle loads wx-server-sdk: its database requests must reach the emulator.
  routeSdkToEmulators()
  const started = performance.now()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(bundle) as { main?: Main }
  const coldRequireMs = performance.now() - started
  if (typeof loaded.main !== 'function') throw new Error('the api bundle exports no main')
  main = loaded.main
  print(`api bundle: cold require ${coldRequireMs.toFixed(0)} ms (${bundle})`)
  // The function logs one JSON line per call; keep them for the assertions, off the console,
  // and any error the SDK or the entry reports (a clean start reports none).
  spies.push(
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      apiLog.push(args.map(String).join(' '))
    }),
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      consoleErrors.push(args.map(String).join(' '))
    }),
  )
}, 60_000)

afterAll(() => {
  for (const spy of spies) spy.mockRestore()
  if (emulator) unregisterEmulator(emulator)
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
  Object.assign(process.env, savedEnv)
})

test('an unauthenticated action answers with data; the code is in the emulator’s outbox', async () => {
  const started = performance.now()
  const sent = await callAs(UNBOUND_OPENID, {
    action: 'auth.sendSmsCode',
    payload: { phone: PERSONAL_PHONE, userType: 'personal' },
  })
  print(`api bundle: first call (init + auth.sendSmsCode) ${(performance.now() - started).toFixed(0)} ms`)
  expect(data(sent, 'auth.sendSmsCode')).toEqual({ cooldownSeconds: 60, expiresInSeconds: 300 })
  const outbox = emulator.documents(collections.devOutbox)
  expect(outbox).toEqual([
    expect.objectContaining({ phone: PERSONAL_PHONE, code: expect.stringMatching(/^\d{6}$/) }),
  ])
  expect(emulator.documents(collections.smsCodes)).toHaveLength(1)
  expect(JSON.stringify(emulator.documents(collections.smsCodes))).not.toContain(String(outbox[0].code))
  // the OPENID is not bound: account actions are refused
  const me = await callAs(UNBOUND_OPENID, { action: 'account.me', payload: {} })
  expect(me).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  // one log line per call, without the phone or the OPENID
  const lines = apiLog.filter((line) => line.includes('"type":"api"'))
  expect(lines.length).toBeGreaterThanOrEqual(2)
  expect(lines.join('\n')).not.toContain(PERSONAL_PHONE)
  expect(lines.join('\n')).not.toContain(UNBOUND_OPENID)
  expect(consoleErrors).toEqual([])
})

test('an authed action answers for the account bound to the OPENID of getWXContext()', async () => {
  const me = data(await callAs(BOUND_OPENID, { action: 'account.me', payload: {} }), 'account.me')
  expect(me.account).toMatchObject({ id: ZHANG, displayName: '张*' })
  expect(me).toMatchObject({ phone: '138****8000', vehicleCount: 2 })
  const profile = data(
    await callAs(BOUND_OPENID, { action: 'account.profile', payload: {} }),
    'account.profile',
  )
  expect(profile).toEqual(me.profile)
  expect(profile).toMatchObject({ userType: 'personal', name: '张*' })
})

test('identity claimed in the event is ignored; claimed in the payload it is refused', async () => {
  // callFunction adds userInfo; a forged event may carry anything beside action and payload
  const claims = {
    userInfo: { openId: UNBOUND_OPENID, appId: 'wx-other' },
    openid: UNBOUND_OPENID,
    OPENID: UNBOUND_OPENID,
    accountId: UNIT,
  }
  const me = data(await callAs(BOUND_OPENID, { action: 'account.me', payload: {}, ...claims }), 'account.me')
  expect(me.account.id).toBe(ZHANG)
  // the other way round: an unbound caller naming the bound OPENID gets nothing
  const stranger = await callAs(UNBOUND_OPENID, {
    action: 'account.me',
    payload: {},
    userInfo: { openId: BOUND_OPENID },
    openid: BOUND_OPENID,
  })
  expect(stranger).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  // an account named in the payload is refused, never honoured
  const named = await callAs(BOUND_OPENID, { action: 'account.me', payload: { accountId: UNIT } })
  expect(named).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  expect(JSON.stringify(named)).not.toContain('杭州')
  expect(consoleErrors).toEqual([])
})
