import dayjs from 'dayjs'
import timezone from 'dayjs/plugin/timezone'
import utc from 'dayjs/plugin/utc'
import { businessTimeZone, shanghaiDay, shanghaiMonth } from '../../cloudfunctions/core/businessTime'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type InvoiceDoc,
  type InvoiceSettingsDoc,
  type StatusListRecordDoc,
  type TagDoc,
  type TripDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { postTransfers, type TransferInput } from '../../cloudfunctions/core/ledger'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { rollupsOf } from '../../cloudfunctions/core/bills/rollups'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import type { CardStatus, CardType, PlateColor, TripScene, UserType } from '../../types/enums'
import { fen, type Fen } from '../../types/money'
import { createRandom, type Random } from './prng'
import { accountDemoLogins, demoPrincipals, zhouTaoDemo } from './seedAccounts'
import { seedEtcDemo } from './seedEtc'
import { seedDemoOperators } from './seedOperators'

dayjs.extend(utc)
dayjs.extend(timezone)

export interface DemoLogin {
  phone: string
  userType: UserType
  /** Chinese, for the start banner and the login page hint. */
  label: string
}
export type DemoLogins = DemoLogin[]

/**
 * 3: valid ID numbers and credit codes, 赵敏's bound phone, status lists within their cards' lives.
 * 4: account funds and cards' unloaded amounts as opening transfers of the ledger, not fields.
 * 5: 周涛 (three stored-value cars); the money a local database made (orders, allocations,
 *    reconciliation, exports) is cleared with the ledger it was posted to.
 * 6: bills: trips with deduction dates and invoices, two older months, and their bill rollups.
 */
const seedVersion = 6
const metaId = 'demoSeed'

export const demoLogins: DemoLogins = [
  {
    phone: '13800138000',
    userType: 'personal',
    label: '个人用户 张伟（记账卡 + 储值卡；同一手机号还可切换到 李秀英 的账户）',
  },
  { phone: '13900139000', userType: 'unit', label: '单位用户 杭州顺达物流有限公司（经办人，200 辆车）' },
  { phone: '13712342756', userType: 'personal', label: '个人用户 欧阳娜娜（储值卡）' },
  {
    phone: zhouTaoDemo.phone,
    userType: 'personal',
    label: `个人用户 ${zhouTaoDemo.name}（3 辆储值卡车辆，可用余额 0.00：充值到用户账户后平均预分配）`,
  },
  ...accountDemoLogins,
]

const highwayStations = [
  '杭州南',
  '杭州东',
  '杭州西',
  '余杭',
  '临安',
  '萧山',
  '萧山东',
  '富阳',
  '德清',
  '湖州',
  '湖州南',
  '嘉兴',
  '嘉兴东',
  '海宁',
  '桐乡',
  '绍兴',
  '绍兴东',
  '上虞',
  '诸暨',
  '义乌',
  '金华',
  '东阳',
  '宁波东',
  '宁波北',
  '慈溪',
  '余姚',
  '奉化',
  '台州南',
  '临海',
  '温岭',
  '温州南',
  '瑞安',
  '乐清',
  '衢州',
  '丽水',
  '舟山',
] as const
const parkingLots = [
  '杭州东站P1停车场',
  '西湖文化广场停车场',
  '萧山国际机场P2停车场',
  '杭州来福士停车场',
  '宁波栎社机场停车场',
  '义乌国际商贸城停车场',
  '绍兴北站停车场',
  '温州南站停车场',
  '嘉兴南湖天地停车场',
  '湖州万达广场停车场',
] as const
const tagModels = [
  { brand: '万集', model: 'WJ-OBU-BT02（蓝牙）' },
  { brand: '金溢', model: 'GV-OBU-2018（蓝牙）' },
  { brand: '聚利', model: 'JL-T10B（蓝牙）' },
  { brand: '埃特斯', model: 'ETS-OBU-BT100（蓝牙）' },
] as const
const outlets = [
  '收费站-临安',
  '收费站-杭州南',
  '收费站-萧山',
  '浙江省电子口岸有限公司',
  '浙江ETC服务网点-西湖',
  '中国银行杭州分行营业部',
] as const
const creditChannels = ['中国银行', '中国工商银行', '中国建设银行', '浙商银行', '中国农业银行'] as const
const plateLetters = 'ABCDEFGHJKLMNPQRSTUVWXYZ'

function hasBulkSet(
  store: Store,
): store is Store & { bulkSet(collection: string, docs: Array<Doc & { id: string }>): void } {
  return typeof (store as { bulkSet?: unknown }).bulkSet === 'function'
}

async function writeAll(store: Store, collection: string, docs: Array<Doc & { id: string }>): Promise<void> {
  if (hasBulkSet(store)) {
    store.bulkSet(collection, docs)
    return
  }
  // Other stores: modest transactions (CloudBase limits the size of one transaction).
  for (let i = 0; i < docs.length; i += 100) {
    const chunk = docs.slice(i, i + 100)
    await store.transaction(async (tx) => {
      for (const doc of chunk) await tx.set(collection, doc.id, doc)
    })
  }
}

/** What the seed writes: an older seed's documents here are cleared before a newer one writes. */
const demoCollections = [
  collections.accounts,
  collections.vehicles,
  collections.cards,
  collections.tags,
  collections.statusListRecords,
  collections.trips,
  collections.billRollups,
  collections.invoices,
  collections.invoiceTitles,
  // invoice settings and what issuing recorded go with the invoices they belong to
  collections.invoiceSettings,
  collections.invoicingModes,
  collections.invoiceRequests,
  collections.principals,
  // the demo's funds are opening transfers; ids like opening:user:<id> would clash with an older seed's
  collections.ledgerTransfers,
  collections.ledgerBalances,
  // what was done with that money locally goes with it, or orders would name transfers that are gone
  collections.rechargeOrders,
  collections.rechargeKeys,
  collections.allocations,
  collections.allocationRecords,
  collections.paymentNotices,
  collections.orphanPayments,
  collections.reconciliationReports,
  collections.exports,
  collections.exportSlots,
] as const

function canDrop(store: Store): store is Store & {
  dropCollection(name: string): void
  createCollection(name: string): void
} {
  const s = store as { dropCollection?: unknown; createCollection?: unknown }
  return typeof s.dropCollection === 'function' && typeof s.createCollection === 'function'
}

/**
 * Ids of the earlier seed's trips and records depend on the day it ran, so writing over it would
 * leave its documents beside the new ones (twice the trips, stale status lists): start empty.
 */
async function clearDemo(store: Store): Promise<void> {
  for (const name of demoCollections) {
    if (canDrop(store)) {
      store.dropCollection(name)
      store.createCollection(name)
      continue
    }
    for (;;) {
      const page = await store.query<Doc & { id: string }>(name, { limit: maxQueryLimit })
      if (page.items.length === 0) break
      for (let i = 0; i < page.items.length; i += 100) {
        const chunk = page.items.slice(i, i + 100)
        await store.transaction(async (tx) => {
          for (const doc of chunk) await tx.remove(name, doc.id)
        })
      }
    }
  }
}

class DemoBuilder {
  readonly accounts: AccountDoc[] = []
  readonly vehicles: VehicleDoc[] = []
  readonly cards: CardDoc[] = []
  readonly tags: TagDoc[] = []
  readonly statusList: StatusListRecordDoc[] = []
  readonly trips: TripDoc[] = []
  /** The two oldest months' trips (tripsFor): their own random source and ids. */
  private readonly olderRnd = createRandom(20240602)
  private olderSeq = 0
  readonly invoices: InvoiceDoc[] = []
  /** The demo's funds as the ledger opens them: account funds and cards' unloaded amounts. */
  readonly openings: TransferInput[] = []
  private readonly plates = new Set<string>()
  private readonly numbers = new Set<string>()
  private seq = 0

  constructor(
    readonly rnd: Random,
    readonly vault: PersonalDataVault,
    readonly now: Date,
  ) {}

  nextId(prefix: string): string {
    this.seq += 1
    return `${prefix}-${String(this.seq).padStart(6, '0')}`
  }

  /** An instant `daysAgo` days (plus a random time of day) before now. */
  pastInstant(minDaysAgo: number, maxDaysAgo: number): string {
    const ms = this.rnd.int(minDaysAgo * 86400, maxDaysAgo * 86400) * 1000
    return new Date(this.now.getTime() - ms).toISOString()
  }

  uniqueNumber(prefix: string, length: number): string {
    for (;;) {
      const value = prefix + this.rnd.digits(length - prefix.length)
      if (!this.numbers.has(value)) {
        this.numbers.add(value)
        return value
      }
    }
  }

  plate(cityLetters: string, newEnergy: boolean): string {
    for (;;) {
      const city = this.rnd.pick(cityLetters.split(''))
      const body = newEnergy
        ? `${this.rnd.pick(['D', 'F'])}${this.rnd.digits(5)}`
        : Array.from({ length: 5 }, (_, i) =>
            i < 2 && this.rnd.chance(0.3) ? this.rnd.pick(plateLetters.split('')) : this.rnd.digits(1),
          ).join('')
      const plate = `浙${city}${body}`
      if (!this.plates.has(plate)) {
        this.plates.add(plate)
        return plate
      }
    }
  }

  personal(id: string, name: string, idNumber: string, phone: string, unallocated: number): AccountDoc {
    const account: AccountDoc = {
      id,
      userType: 'personal',
      name,
      idType: '身份证',
      idNumber: this.vault.seal(idNumber),
      idNumberHash: this.vault.lookupHash('idNumber', idNumber),
      phone: this.vault.seal(phone),
      loginPhoneHash: this.vault.lookupHash('phone', phone),
      createdAt: this.pastInstant(900, 1500),
    }
    this.accounts.push(account)
    this.openUserFunds(account.id, unallocated)
    return account
  }

  /** 未预分配金额 held before the ledger: debit opening, credit the account's funds. */
  openUserFunds(accountId: string, amount: number): void {
    if (amount <= 0) return
    this.openings.push({
      id: `opening:user:${accountId}`,
      debit: { kind: 'opening' },
      credit: { kind: 'userFunds', accountId },
      amount: fen(amount),
      reason: 'opening',
      ref: 'demo-seed',
    })
  }

  /** 卡上未圈存金额 held before the ledger: debit opening, credit the card's unloaded amount. */
  openCardUnloaded(cardId: string, amount: number): void {
    if (amount <= 0) return
    this.openings.push({
      id: `opening:card:${cardId}`,
      debit: { kind: 'opening' },
      credit: { kind: 'cardUnloaded', cardId },
      amount: fen(amount),
      reason: 'opening',
      ref: 'demo-seed',
    })
  }

  vehicle(opts: {
    account: AccountDoc
    plate: string
    plateColor: PlateColor
    cardType: CardType
    cardStatus: CardStatus
    scope: 'current' | 'history'
    signedWith?: string | null
    balance?: number
    unloaded?: number
  }): VehicleDoc {
    const { account } = opts
    const vehicleId = this.nextId('veh')
    const cardId = this.nextId('card')
    const tagId = this.nextId('tag')
    const issuedAt = this.pastInstant(400, 1400)
    const updatedAt =
      opts.cardStatus === 'issued' && this.rnd.chance(0.5) ? issuedAt : this.pastInstant(20, 380)
    const base = {
      id: cardId,
      cardNo: this.uniqueNumber('3301', 20),
      accountId: account.id,
      vehicleId,
      status: opts.cardStatus,
      issuedAt,
      updatedAt,
    }
    const card: CardDoc =
      opts.cardType === 'credit'
        ? {
            ...base,
            type: 'credit',
            signing:
              opts.signedWith === null
                ? null
                : {
                    channel: opts.signedWith ?? this.rnd.pick(creditChannels),
                    signedAt: issuedAt,
                    status: opts.cardStatus === 'cancelled' ? 'unsigned' : 'signed',
                  },
          }
        : {
            ...base,
            type: 'stored',
            balance: fen(opts.balance ?? this.rnd.int(0, 80000)),
          }
    // drawn right after the balance, as it always was, so the random stream stays the same
    if (card.type === 'stored') {
      this.openCardUnloaded(cardId, opts.unloaded ?? (this.rnd.chance(0.3) ? this.rnd.int(1, 50) * 1000 : 0))
    }
    const model = this.rnd.pick(tagModels)
    const tag: TagDoc = {
      id: tagId,
      tagNo: this.uniqueNumber('3301', 16),
      accountId: account.id,
      vehicleId,
      brand: model.brand,
      model: model.model,
      outlet: this.rnd.pick(outlets),
      issuedAt,
      status: opts.cardStatus,
    }
    const vehicle: VehicleDoc = {
      id: vehicleId,
      accountId: account.id,
      plate: opts.plate,
      plateColor: opts.plateColor,
      scope: opts.scope,
      cardId,
      tagId,
      cardType: opts.cardType,
      cardStatus: opts.cardStatus,
      parkingAuthorized: this.rnd.chance(0.4),
      lastOperatedAt: this.rnd.chance(0.5) ? this.pastInstant(1, 200) : null,
      createdAt: issuedAt,
    }
    this.vehicles.push(vehicle)
    this.cards.push(card)
    this.tags.push(tag)
    if (opts.cardStatus === 'frozen' || opts.cardStatus === 'lost' || this.rnd.chance(0.04)) {
      const reason =
        opts.cardStatus === 'lost'
          ? '挂失'
          : opts.cardStatus === 'frozen'
            ? this.rnd.pick(['冻结', '保证金不够冻结'])
            : '欠费'
      const startAt = updatedAt
      this.statusList.push({
        id: this.nextId('sl'),
        cardId,
        accountId: account.id,
        reason,
        startAt,
        endAt: opts.cardStatus === 'issued' ? this.pastInstant(1, 15) : null,
      })
    }
    return vehicle
  }

  /**
   * Trips of one vehicle for each of the 12 months before now (Shanghai months), and (bills) the
   * two months before those, so 12 months of bills show even before the 16th. The older months
   * draw from a random source and id sequence of their own: the rest of the demo stays as it was.
   */
  tripsFor(vehicle: VehicleDoc, perMonth: [number, number]): TripDoc[] {
    const made: TripDoc[] = []
    const end = dayjs(this.now).tz(businessTimeZone)
    for (let m = 12; m < 14; m++) {
      const monthStart = end.subtract(m, 'month').startOf('month')
      const from = monthStart.valueOf()
      const to = monthStart.add(1, 'month').valueOf() - 60_000
      const count = this.olderRnd.int(perMonth[0], perMonth[1])
      for (let i = 0; i < count; i++) {
        this.olderSeq += 1
        const id = `trip-o-${String(this.olderSeq).padStart(6, '0')}`
        this.trips.push(
          this.trip(vehicle, from + Math.floor(this.olderRnd.next() * (to - from)), this.olderRnd, id),
        )
      }
    }
    for (let m = 0; m < 12; m++) {
      const monthStart = end.subtract(m, 'month').startOf('month')
      const from = monthStart.valueOf()
      const to = Math.min(monthStart.add(1, 'month').valueOf(), this.now.getTime()) - 60_000
      if (to <= from) continue
      const count = this.rnd.int(perMonth[0], perMonth[1])
      for (let i = 0; i < count; i++)
        made.push(this.trip(vehicle, from + Math.floor(this.rnd.next() * (to - from))))
    }
    this.trips.push(...made)
    return made
  }

  trip(vehicle: VehicleDoc, exitMs: number, rnd: Random = this.rnd, id?: string): TripDoc {
    const roll = rnd.next()
    const scene: TripScene = roll < 0.75 ? 'etcHighway' : roll < 0.85 ? 'nonEtcHighway' : 'nonHighway'
    const exitAt = new Date(exitMs)
    let entryStation: string | null = null
    let exitStation: string
    let entryAt: string | null = null
    let amount: Fen
    let discount: Fen = fen(0)
    if (scene === 'nonHighway') {
      exitStation = rnd.pick(parkingLots)
      const minutes = rnd.int(20, 600)
      entryAt = new Date(exitMs - minutes * 60_000).toISOString()
      amount = fen(Math.min(6000, Math.ceil(minutes / 60) * 500))
    } else {
      entryStation = rnd.pick(highwayStations)
      do exitStation = rnd.pick(highwayStations)
      while (exitStation === entryStation)
      const minutes = rnd.int(15, 240)
      entryAt = new Date(exitMs - minutes * 60_000).toISOString()
      // Trucks pay roughly twice what cars pay for the same distance.
      const perMinute = vehicle.plateColor === '黄' ? 90 : 45
      amount = fen(Math.max(500, Math.round((minutes * perMinute) / 10) * 10))
      if (scene === 'etcHighway') discount = fen(Math.round(amount * 0.05))
    }
    const refundRoll = rnd.next()
    const refundState = refundRoll < 0.015 ? 'refunded' : refundRoll < 0.022 ? 'refunding' : 'none'
    const refundAmount = refundState === 'none' ? 0 : Math.min(amount, rnd.int(1, 20) * 100)
    return {
      id: id ?? this.nextId('trip'),
      accountId: vehicle.accountId,
      vehicleId: vehicle.id,
      cardId: vehicle.cardId,
      plate: vehicle.plate,
      scene,
      entryStation,
      exitStation,
      entryAt,
      exitAt: exitAt.toISOString(),
      exitMonth: shanghaiMonth(exitAt),
      amount,
      discount,
      refundState,
      refundAmount: fen(refundAmount),
      // refunded: paid back 5 days on; refunding: applied for 3 days on (both never after now)
      refundAt:
        refundState === 'none'
          ? null
          : new Date(
              Math.min(exitMs + (refundState === 'refunded' ? 5 : 3) * 86400_000, this.now.getTime()),
            ).toISOString(),
      deductionDate: shanghaiDay(exitAt),
      invoiceId: null,
    }
  }

  monthlyInvoices(
    account: AccountDoc,
    vehicle: VehicleDoc,
    trips: TripDoc[],
    title: string,
    taxNumber: string | null,
  ) {
    const byMonth = new Map<string, TripDoc[]>()
    for (const t of trips)
      if (t.scene !== 'nonHighway') byMonth.set(t.exitMonth, [...(byMonth.get(t.exitMonth) ?? []), t])
    const current = shanghaiMonth(this.now)
    for (const [month, list] of byMonth) {
      if (month === current) continue
      const issuedAt = dayjs.tz(`${month}-01 10:00`, businessTimeZone).add(1, 'month').add(2, 'day').toDate()
      if (issuedAt > this.now) continue
      this.invoices.push({
        id: this.nextId('inv'),
        accountId: account.id,
        vehicleId: vehicle.id,
        kind: 'monthlyMerged',
        invoiceNo: this.uniqueNumber('2533', 20),
        title,
        taxNumber,
        amount: fen(list.reduce((sum, t) => sum + t.amount - t.discount, 0)),
        tripIds: list.map((t) => t.id),
        month,
        issuedAt: issuedAt.toISOString(),
        // invoices: the fields the invoice list filters and prints (the PDF is made on first request)
        ...demoInvoiceFields(vehicle, taxNumber),
      })
    }
  }

  singleTripInvoices(
    account: AccountDoc,
    vehicle: VehicleDoc,
    trips: TripDoc[],
    title: string,
    every: number,
  ) {
    trips
      .filter((t, i) => t.scene !== 'nonHighway' && i % every === 0)
      .forEach((t) => {
        this.invoices.push({
          id: this.nextId('inv'),
          accountId: account.id,
          vehicleId: vehicle.id,
          kind: 'singleTrip',
          invoiceNo: this.uniqueNumber('2533', 20),
          title,
          taxNumber: null,
          amount: fen(t.amount - t.discount),
          tripIds: [t.id],
          month: t.exitMonth,
          issuedAt: new Date(Math.min(Date.parse(t.exitAt) + 86400_000, this.now.getTime())).toISOString(),
          ...demoInvoiceFields(vehicle, null),
        })
      })
  }
}

/** What the invoices core keeps on an invoice besides the original fields; its PDF is made lazily. */
function demoInvoiceFields(vehicle: VehicleDoc, taxNumber: string | null): Partial<InvoiceDoc> {
  return {
    plate: vehicle.plate,
    status: 'issued',
    invoiceCode: '033002400111',
    titleKind: taxNumber === null ? 'personal' : 'company',
    pdfKey: null,
    reissue: null,
    replacesId: null,
  }
}

/**
 * 开票设置 as the seed's table shows them (省内单程一张票 关闭, 单月合并票 开启, an e-mail, 自动发送 开启)
 * on 张伟's credit car, and single-trip invoices on his stored-value car. Other vehicles have none
 * (the defaults); the default titles are copied in when the settings are first listed.
 */
function demoInvoiceSettings(vehicles: VehicleDoc[]): InvoiceSettingsDoc[] {
  const values: Record<
    string,
    Pick<InvoiceSettingsDoc, 'singleTrip' | 'monthlyMerged' | 'email' | 'autoSend'>
  > = {
    浙A8K2M7: { singleTrip: false, monthlyMerged: true, email: '123456789@163.com', autoSend: true },
    浙AD35288: { singleTrip: true, monthlyMerged: false, email: '123456789@163.com', autoSend: false },
  }
  return vehicles
    .filter((v) => v.accountId === 'acc-p-01-zhangwei' && v.scope === 'current' && values[v.plate])
    .map((v) => ({
      id: v.id,
      accountId: v.accountId,
      vehicleId: v.id,
      plate: v.plate,
      plateColor: v.plateColor,
      cardType: v.cardType,
      scope: v.scope,
      ...values[v.plate],
      defaultTitle: '',
      defaultTitleId: null,
      updatedAt: v.createdAt,
    }))
}

function build(secrets: Secrets, now: Date): DemoBuilder {
  const b = new DemoBuilder(
    createRandom(20240601),
    new PersonalDataVault(secrets.dataKey, secrets.lookupKey),
    now,
  )

  // 张伟: one credit-card car signed with 中国银行, one new-energy car on a stored-value card.
  const zhang = b.personal('acc-p-01-zhangwei', '张伟', '330106198503152716', '13800138000', 2100)
  const zhangCredit = b.vehicle({
    account: zhang,
    plate: '浙A8K2M7',
    plateColor: '蓝',
    cardType: 'credit',
    cardStatus: 'issued',
    scope: 'current',
    signedWith: '中国银行',
  })
  const zhangStored = b.vehicle({
    account: zhang,
    plate: '浙AD35288',
    plateColor: '渐变绿',
    cardType: 'stored',
    cardStatus: 'issued',
    scope: 'current',
    balance: 35680,
    unloaded: 20000,
  })
  b.vehicle({
    account: zhang,
    plate: '浙A3B6C1',
    plateColor: '蓝',
    cardType: 'credit',
    cardStatus: 'cancelled',
    scope: 'history',
    signedWith: '中国银行',
  })
  b.monthlyInvoices(zhang, zhangCredit, b.tripsFor(zhangCredit, [8, 16]), '张伟', null)
  b.singleTripInvoices(zhang, zhangStored, b.tripsFor(zhangStored, [6, 12]), '张伟', 4)

  // The same phone reaches a second personal account (his mother's), for account switching.
  const li = b.personal('acc-p-02-lixiuying', '李秀英', '330106195907214529', '13800138000', 0)
  const liCar = b.vehicle({
    account: li,
    plate: '浙A62Q90',
    plateColor: '蓝',
    cardType: 'credit',
    cardStatus: 'issued',
    scope: 'current',
    signedWith: '中国工商银行',
  })
  b.tripsFor(liCar, [2, 6])

  const ouyang = b.personal('acc-p-03-ouyangnana', '欧阳娜娜', '330302199211080028', '13712342756', 0)
  const ouyangCar = b.vehicle({
    account: ouyang,
    plate: '浙CD80321',
    plateColor: '渐变绿',
    cardType: 'stored',
    cardStatus: 'issued',
    scope: 'current',
    balance: 1250,
    unloaded: 0,
  })
  b.tripsFor(ouyangCar, [3, 8])

  // A logistics fleet: 200 current vehicles, mostly yellow-plated trucks across 浙A–浙L.
  const unitName = '杭州顺达物流有限公司'
  const creditCode = '91330106MA2B3C4D5D'
  const unit: AccountDoc = {
    id: 'acc-u-shunda',
    userType: 'unit',
    name: unitName,
    idType: '统一社会信用代码',
    idNumber: b.vault.seal(creditCode),
    idNumberHash: b.vault.lookupHash('idNumber', creditCode),
    agentName: '王建国',
    agentPhone: b.vault.seal('13900139000'),
    loginPhoneHash: b.vault.lookupHash('phone', '13900139000'),
    createdAt: b.pastInstant(1500, 2000),
  }
  b.accounts.push(unit)
  b.openUserFunds(unit.id, 1288000)
  const cities = 'ABCDEFGHJKL'
  for (let i = 0; i < 215; i++) {
    const history = i >= 200
    const colorRoll = b.rnd.next()
    const plateColor: PlateColor = colorRoll < 0.85 ? '黄' : colorRoll < 0.95 ? '蓝' : '黄绿双拼'
    const statusRoll = b.rnd.next()
    const cardStatus: CardStatus = history
      ? 'cancelled'
      : statusRoll < 0.04
        ? 'lost'
        : statusRoll < 0.07
          ? 'frozen'
          : 'issued'
    const vehicle = b.vehicle({
      account: unit,
      plate: b.plate(cities, plateColor === '黄绿双拼'),
      plateColor,
      cardType: b.rnd.chance(0.8) ? 'credit' : 'stored',
      cardStatus,
      scope: history ? 'history' : 'current',
      signedWith: b.rnd.chance(0.92) ? b.rnd.pick(['浙商银行', '中国工商银行', '中国建设银行']) : null,
    })
    if (history) continue
    const trips = b.tripsFor(vehicle, [1, 7])
    if (i < 20) b.monthlyInvoices(unit, vehicle, trips, unitName, creditCode)
  }

  // Last, so the random stream of the data above stays as it was: a phone user who must bind.
  const chen = b.personal('acc-p-04-chenjing', '陈静', '330106199006183022', '13588886666', 0)
  b.vehicle({
    account: chen,
    plate: '浙A7M3K9',
    plateColor: '蓝',
    cardType: 'credit',
    cardStatus: 'issued',
    scope: 'current',
    signedWith: '浙商银行',
  })

  // After 陈静, so every record above stays as it was: the money demo. Three stored-value cars, all
  // 已发行, 可用余额 0.00 and small unloaded amounts: recharge to the account, then 平均分配.
  const zhou = b.personal(zhouTaoDemo.accountId, zhouTaoDemo.name, zhouTaoDemo.idNumber, zhouTaoDemo.phone, 0)
  for (const car of zhouTaoDemo.cars) {
    b.vehicle({
      account: zhou,
      plate: car.plate,
      plateColor: car.plateColor,
      cardType: 'stored',
      cardStatus: 'issued',
      scope: 'current',
      balance: car.balance,
      unloaded: car.unloaded,
    })
  }
  return b
}

/**
 * Writes the demo world once (and again, over it, when seedVersion changes): 6 personal accounts
 * (one phone reaching two of them), a logistics company with 200 vehicles, a year of trips,
 * refunds and invoices. Idempotent: a second call only returns the logins.
 */
export async function seedDemo(store: Store, secrets: Secrets, now: Date): Promise<DemoLogins> {
  // before the version check: a database seeded before operators existed gets the demo operator too
  await seedDemoOperators(store, now)
  const done = await store.get(collections.meta, metaId)
  if (done && done.version === seedVersion) return demoLogins
  if (done) await clearDemo(store)
  const b = build(secrets, now)
  await writeAll(
    store,
    collections.accounts,
    b.accounts.map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.vehicles,
    b.vehicles.map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.cards,
    b.cards.map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.tags,
    b.tags.map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.statusListRecords,
    b.statusList.map((d) => ({ ...d })),
  )
  // the invoices the demo issued cover their trips (trip detail links them)
  const invoiceOf = new Map<string, string>()
  for (const invoice of b.invoices) for (const tripId of invoice.tripIds) invoiceOf.set(tripId, invoice.id)
  await writeAll(
    store,
    collections.trips,
    b.trips.map((d) => ({ ...d, invoiceId: invoiceOf.get(d.id) ?? null })),
  )
  // Bill rollups by the bulk path: the same core function ingestion applies one trip at a time
  // (core/bills/rollups.ts), over every demo trip at once, instead of 30,000 transactions.
  await writeAll(
    store,
    collections.billRollups,
    rollupsOf(b.trips).map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.invoices,
    b.invoices.map((d) => ({ ...d })),
  )
  await writeAll(
    store,
    collections.invoiceSettings,
    demoInvoiceSettings(b.vehicles).map((d) => ({ ...d })),
  )
  // Each opening transfer writes itself and one projection: 50 per transaction stays modest.
  for (let i = 0; i < b.openings.length; i += 50) {
    const chunk = b.openings.slice(i, i + 50)
    await store.transaction((tx) => postTransfers(tx, chunk, now))
  }
  // ETC management additions (card/tag history, signing, titles, parking): tools/demo/seedEtc.ts
  const etc = await seedEtcDemo(store, secrets, now)
  await writeAll(
    store,
    collections.principals,
    await demoPrincipals(b.vault, [...b.accounts, ...etc.accounts], now),
  )
  await store.set(collections.meta, metaId, {
    version: seedVersion,
    seededAt: now.toISOString(),
    trips: b.trips.length,
  })
  return demoLogins
}
