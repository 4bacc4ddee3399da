/**
 * One simulated world: a fresh Store on either adapter (an in-memory SQLite database, or the
 * CloudBase adapter through the real wx-server-sdk on a fresh emulator), wrapped in the
 * fault-injecting proxy; the `api`, `payNotify` and `alipayNotify` entry points over it; the
 * WeChat Pay merchant (the emulator's cloudPay, through the real SDK) and the Alipay sandbox (the
 * real alipay-sdk over HTTP, real RSA2 signatures) behind fault-injecting gateways; a clock the
 * simulation moves. The data is small and fixed (three accounts, eight cards), so a world opens in
 * milliseconds and every scenario starts from the same state.
 */
import { randomBytes } from 'node:crypto'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { AlipayPaymentGateway } from '../../cloudfunctions/adapters/alipay/alipayPay'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type VehicleDoc,
  type WechatBindingDoc,
} from '../../cloudfunctions/core/documents'
import { postTransfers, type TransferInput } from '../../cloudfunctions/core/ledger'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { storeSchema } from '../../cloudfunctions/core/storeSchema'
import { createAlipayNotifyHandler } from '../../cloudfunctions/functions/alipayNotify/handler'
import { createApi, type Api, type Caller } from '../../cloudfunctions/functions/api/app'
import {
  createPayNotifyHandler,
  type PayNotifyAnswer,
} from '../../cloudfunctions/functions/payNotify/handler'
import { createScheduler, type Scheduler } from '../../cloudfunctions/functions/scheduler/handler'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { Store } from '../../cloudfunctions/ports/store'
import { openEmulatedCloudPay, type CloudPayEmulator } from '../../tools/cloudbase-emulator/cloudPay'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedDatabase, unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { AlipaySandbox } from '../../tools/sandbox-alipay/sandbox'
import { fen } from '../../types/money'
import { faultInjecting, type FaultyStore } from './faultyStore'
import { faultyGateway, type FaultyGateway } from './faultyGateway'

export const adapters = ['sqlite', 'cloudbase'] as const
export type Adapter = (typeof adapters)[number]

/** 10:00 Beijing time on a Monday: the recharge window is open. */
export const simulationStart = Date.parse('2026-11-30T02:00:00Z')

/**
 * Worlds of one process share the Alipay sandbox, whose daily bill lists every trade of a day: each
 * world lives in its own era (`era` × 16 days after simulationStart), so the statements the
 * scheduler reconciles hold its own trades only. Nothing in the rules depends on the date.
 */
export const eraDays = 16
/** Steps move a world's clock at most this far: the drain needs three more days, inside the era. */
export const eraStepDays = 12
/** Distinct eras a process can give out (about 1,750 years of them). */
export const eraCount = 40_000

export class SimClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms)
  }
  advance(ms: number): void {
    this.ms += ms
  }
}

export interface CardFixture {
  id: string
  vehicleId: string
  plate: string
  type: 'stored' | 'credit'
  status: 'issued' | 'lost' | 'frozen' | 'cancelled'
  /** history: the vehicle left the account or its card was cancelled. */
  scope: 'current' | 'history'
  /** 卡上未圈存金额 held before the ledger (an opening transfer). */
  unloaded: number
}

export interface AccountFixture {
  id: string
  userType: 'personal' | 'unit'
  name: string
  openid: string
  /** 可用余额 held before the ledger (an opening transfer). */
  funds: number
  cards: CardFixture[]
}

/**
 * solo: one current stored-value car (account recharges go to its card while it is 已发行) and a
 * cancelled one in history; fleet: three stored-value cars and a credit (记账卡) car; newcomer: no
 * funds and one stored-value car whose card is lost.
 */
export const fixtures: readonly AccountFixture[] = [
  {
    id: 'acc-sim-solo',
    userType: 'personal',
    name: '张伟',
    openid: 'o-sim-solo',
    funds: 2100,
    cards: [
      {
        id: 'card-solo-1',
        vehicleId: 'veh-solo-1',
        plate: '浙A10001',
        type: 'stored',
        status: 'issued',
        scope: 'current',
        unloaded: 20000,
      },
      {
        id: 'card-solo-old',
        vehicleId: 'veh-solo-old',
        plate: '浙A10009',
        type: 'stored',
        status: 'cancelled',
        scope: 'history',
        unloaded: 0,
      },
    ],
  },
  {
    id: 'acc-sim-fleet',
    userType: 'unit',
    name: '杭州顺达物流有限公司',
    openid: 'o-sim-fleet',
    funds: 1288000,
    cards: [
      {
        id: 'card-fleet-1',
        vehicleId: 'veh-fleet-1',
        plate: '浙B20001',
        type: 'stored',
        status: 'issued',
        scope: 'current',
        unloaded: 0,
      },
      {
        id: 'card-fleet-2',
        vehicleId: 'veh-fleet-2',
        plate: '浙B20002',
        type: 'stored',
        status: 'issued',
        scope: 'current',
        unloaded: 500,
      },
      {
        id: 'card-fleet-3',
        vehicleId: 'veh-fleet-3',
        plate: '浙B20003',
        type: 'stored',
        status: 'issued',
        scope: 'current',
        unloaded: 0,
      },
      {
        id: 'card-fleet-4',
        vehicleId: 'veh-fleet-4',
        plate: '浙B20004',
        type: 'credit',
        status: 'issued',
        scope: 'current',
        unloaded: 0,
      },
    ],
  },
  {
    id: 'acc-sim-newcomer',
    userType: 'personal',
    name: '欧阳娜娜',
    openid: 'o-sim-newcomer',
    funds: 0,
    cards: [
      {
        id: 'card-new-1',
        vehicleId: 'veh-new-1',
        plate: '浙C30001',
        type: 'stored',
        status: 'lost',
        scope: 'current',
        unloaded: 0,
      },
    ],
  },
]

/**
 * The Alipay sandbox serves many worlds (its key pairs take a while to make), a fresh one every
 * `worldsPerSandbox` worlds: its bills list every trade it holds, so an old one only gets slower.
 */
export interface SharedProviders {
  /** The sandbox and its gateway for the next world, its clock following that world's. */
  alipayFor(clock: Clock): Promise<{ sandbox: AlipaySandbox; gateway: AlipayPaymentGateway }>
  stop(): Promise<void>
}

const worldsPerSandbox = 100

export async function startSharedProviders(): Promise<SharedProviders> {
  let clock: Clock = { now: () => new Date(simulationStart) }
  const start = async () => {
    const sandbox = await AlipaySandbox.start({ now: () => clock.now() })
    const gateway = new AlipayPaymentGateway({
      ...sandbox.config(),
      notifyUrl: 'https://env-sim.service.tcloudbase.com/alipayNotify',
    })
    return { sandbox, gateway, worlds: 0 }
  }
  let current = await start()
  return {
    async alipayFor(next) {
      clock = next
      if (current.worlds >= worldsPerSandbox) {
        await current.sandbox.stop()
        current = await start()
      }
      current.worlds += 1
      return current
    },
    stop: () => current.sandbox.stop(),
  }
}

export interface World {
  adapter: Adapter
  clock: SimClock
  /** Steps do not move the clock past this instant (see eraDays). */
  clockLimit: number
  /** The store itself: the simulation's own reads and the issuer's card changes go here. */
  store: Store
  /** What the entry points get: the store behind the fault-injecting proxy. */
  faulty: FaultyStore
  api: Api
  payNotify(event: unknown, source: string | undefined): Promise<PayNotifyAnswer>
  alipayNotify(body: string): Promise<'success' | 'fail'>
  /** The scheduler function's entry (close expired orders, reconcile statements, pay refunds). */
  scheduler: Scheduler
  merchant: CloudPayEmulator
  sandbox: AlipaySandbox
  gateways: { wechat: FaultyGateway; alipay: FaultyGateway }
  callers: ReadonlyMap<string, Caller>
  /** Outcomes the notification handlers logged, e.g. '[payNotify] credited'. */
  notifyLog: string[]
  /** Unexpected failures the api logged (an injected crash is expected; anything else is a bug). */
  apiErrors: unknown[]
  close(): void
}

const secrets: Secrets = {
  sessionKey: new Uint8Array(randomBytes(32)),
  dataKey: randomBytes(32),
  lookupKey: randomBytes(32),
}
const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)

async function seed(store: Store, now: Date): Promise<void> {
  const at = now.toISOString()
  const farFuture = new Date(now.getTime() + 365 * 86400_000).toISOString()
  const openings: TransferInput[] = []
  let cardNumbers = 0
  for (const account of fixtures) {
    const base = {
      id: account.id,
      name: account.name,
      idType: account.userType === 'personal' ? ('身份证' as const) : ('统一社会信用代码' as const),
      idNumber: vault.seal(`id-of-${account.id}`),
      idNumberHash: vault.lookupHash('idNumber', `id-of-${account.id}`),
      loginPhoneHash: `phone-${account.id}`,
      createdAt: at,
    }
    const doc: AccountDoc =
      account.userType === 'personal'
        ? { ...base, userType: 'personal', phone: vault.seal('13800000000') }
        : { ...base, userType: 'unit', agentName: '王经理', agentPhone: vault.seal('13900000000') }
    await store.set(collections.accounts, account.id, { ...doc })
    const binding: WechatBindingDoc = {
      id: account.openid,
      principalId: `pr-${account.id}`,
      accountId: account.id,
      userType: account.userType,
      loginPhoneHash: base.loginPhoneHash,
      boundAt: at,
      expiresAt: farFuture,
    }
    await store.set(collections.wechatBindings, account.openid, { ...binding })
    if (account.funds > 0) {
      openings.push({
        id: `opening:user:${account.id}`,
        debit: { kind: 'opening' },
        credit: { kind: 'userFunds', accountId: account.id },
        amount: fen(account.funds),
        reason: 'opening',
        ref: `opening-${account.id}`,
      })
    }
    for (const card of account.cards) {
      const vehicle: VehicleDoc = {
        id: card.vehicleId,
        accountId: account.id,
        plate: card.plate,
        plateColor: '蓝',
        scope: card.scope,
        cardId: card.id,
        tagId: null,
        cardType: card.type,
        cardStatus: card.status,
        parkingAuthorized: false,
        lastOperatedAt: null,
        createdAt: at,
      }
      const common = {
        id: card.id,
        cardNo: `33012026${String((cardNumbers += 1)).padStart(12, '0')}`,
        accountId: account.id,
        vehicleId: card.vehicleId,
        status: card.status,
        issuedAt: at,
        updatedAt: at,
      }
      const cardDoc: CardDoc =
        card.type === 'stored'
          ? { ...common, type: 'stored', balance: fen(0) }
          : { ...common, type: 'credit', signing: null }
      await store.set(collections.vehicles, vehicle.id, { ...vehicle })
      await store.set(collections.cards, card.id, { ...cardDoc })
      if (card.unloaded > 0) {
        openings.push({
          id: `opening:card:${card.id}`,
          debit: { kind: 'opening' },
          credit: { kind: 'cardUnloaded', cardId: card.id },
          amount: fen(card.unloaded),
          reason: 'opening',
          ref: `opening-${card.id}`,
        })
      }
    }
  }
  await store.transaction((tx) => postTransfers(tx, openings, now))
}

export async function openWorld(adapter: Adapter, shared: SharedProviders, era = 0): Promise<World> {
  const clock = new SimClock(simulationStart + era * eraDays * 86400_000)
  const clockLimit = clock.ms + eraStepDays * 86400_000
  const alipay = await shared.alipayFor(clock)
  let store: Store
  let release: () => void
  let emulator: CloudbaseEmulator | undefined
  if (adapter === 'sqlite') {
    const sqlite = openSqliteStore(':memory:')
    store = sqlite
    release = () => sqlite.close()
  } else {
    const opened = openEmulatedDatabase({ conflictMode: 'write' })
    emulator = opened.emulator
    for (const spec of storeSchema) opened.emulator.createCollection(spec.name)
    store = createCloudbaseStore(opened.database)
    const emulated = opened.emulator
    release = () => unregisterEmulator(emulated)
  }
  const pay = openEmulatedCloudPay({ now: () => clock.now(), emulator })
  const releaseStore = release
  release = () => {
    releaseStore()
    if (!emulator) unregisterEmulator(pay.emulator)
  }
  await seed(store, clock.now())

  const faulty = faultInjecting(store)
  const gateways = {
    wechat: faultyGateway(
      new WechatPayGateway(pay.cloudPay, { subMchId: pay.merchant.subMchId, envId: pay.emulator.envId }),
    ),
    alipay: faultyGateway(alipay.gateway),
  }
  const apiErrors: unknown[] = []
  const notifyLog: string[] = []
  const api = createApi({
    store: faulty,
    sms: createOutboxSms(faulty, clock),
    clock,
    secrets,
    payments: { gateways, sandboxCashier: (orderNo) => `/sandbox/cashier/${orderNo}` },
    logError: (_requestId, error) => apiErrors.push(error),
  })
  const payNotify = createPayNotifyHandler({
    store: faulty,
    clock,
    gateway: gateways.wechat,
    appId: pay.merchant.subAppId,
    log: (line) => notifyLog.push(line),
  })
  const alipayNotify = createAlipayNotifyHandler({
    store: faulty,
    clock,
    gateway: gateways.alipay,
    appId: alipay.sandbox.appId,
    alipayPublicKey: alipay.sandbox.config().alipayPublicKey,
    log: (line) => notifyLog.push(line),
  })
  const scheduler = createScheduler({
    store: faulty,
    clock,
    gateways,
    log: (line) => notifyLog.push(line),
  })
  const callers = new Map<string, Caller>(
    fixtures.map((account) => [account.id, { platform: 'wechat', openid: account.openid }]),
  )
  return {
    adapter,
    clock,
    clockLimit,
    store,
    faulty,
    api,
    payNotify,
    alipayNotify,
    scheduler,
    merchant: pay.merchant,
    sandbox: alipay.sandbox,
    gateways,
    callers,
    notifyLog,
    apiErrors,
    close: release,
  }
}
