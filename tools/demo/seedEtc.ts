import dayjs from 'dayjs'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type CreditCardDoc,
  type InvoiceTitleDoc,
  type StatusListRecordDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import { createRandom } from './prng'

/**
 * ETC-management additions to the demo world (seed 001 §2.4–2.5), written after the base seed:
 * card and tag history (replacements), signing channels, invoice titles per vehicle, parking
 * authorization batches, status-list histories like the seed's detail screen, the denormalised
 * `inStatusList` flag of every card, and one credit-only account without funds (the stored-value
 * menu stays hidden for it). Deterministic: a fixed PRNG and times relative to `now`.
 */

/** Credit-only personal account with no funds: proves the stored-value menu can be hidden. */
export const creditOnlyDemo = {
  accountId: 'acc-p-04-zhaomin',
  phone: '13600136000',
  name: '赵敏',
  /** Passes the GB 11643 check digit, as every ID number the app accepts must. */
  idNumber: '330105199001011233',
  plate: '浙B7N2Q5',
} as const

/** A company title on 张伟's credit car; a GB 32100 code (no I, O, S, V, Z) with its check character. */
export const companyTitleDemo = {
  title: '杭州云帆信息科技有限公司',
  taxNumber: '91330108MA27XYX12K',
} as const

const signingChannels = ['中国银行', '中国工商银行', '支付宝', '微信'] as const

/**
 * The seed's status-list screen (§2.5.2), as days before now: [start, end|null, reason]. Records
 * that start before the current card was issued belong to the card it replaced.
 */
const statusHistory: Array<[number, number | null, string]> = [
  [30, null, '冻结'],
  [95, 94, '保证金不够冻结'],
  [200, 199.8, '冻结'],
  [290, 289.6, '冻结'],
  [370, 368.8, '冻结'],
  [475, 473.5, '冻结'],
  [540, 539.6, '冻结'],
  [755, 754.6, '冻结'],
  [960, 959, '冻结'],
]

type Row = Doc & { id: string }

function hasBulkSet(store: Store): store is Store & { bulkSet(collection: string, docs: Row[]): void } {
  return typeof (store as { bulkSet?: unknown }).bulkSet === 'function'
}

async function writeAll(store: Store, collection: string, docs: Row[]): Promise<void> {
  if (docs.length === 0) return
  if (hasBulkSet(store)) {
    store.bulkSet(collection, docs)
    return
  }
  for (let i = 0; i < docs.length; i += 100) {
    const chunk = docs.slice(i, i + 100)
    await store.transaction(async (tx) => {
      for (const doc of chunk) await tx.set(collection, doc.id, doc)
    })
  }
}

async function readAll<T>(store: Store, collection: string): Promise<Array<T & Row>> {
  const out: Array<T & Row> = []
  let after: string | undefined
  do {
    const page = await store.query<T & Row>(collection, { limit: maxQueryLimit, after })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

/** Writes the additions; answers the accounts it adds (their login principals come later). */
export async function seedEtcDemo(
  store: Store,
  secrets: Secrets,
  now: Date,
): Promise<{ accounts: AccountDoc[] }> {
  const rnd = createRandom(20250415)
  const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)
  const at = (daysAgo: number) => new Date(now.getTime() - Math.round(daysAgo * 86400_000)).toISOString()
  const digits = (prefix: string, length: number) => prefix + rnd.digits(length - prefix.length)

  const accounts = new Map<string, AccountDoc>(
    (await readAll<AccountDoc>(store, collections.accounts)).map((a) => [a.id, a]),
  )
  const vehicles = await readAll<VehicleDoc>(store, collections.vehicles)
  const cards = new Map<string, CardDoc>(
    (await readAll<CardDoc>(store, collections.cards)).map((c) => [c.id, c]),
  )
  const tags = new Map<string, TagDoc>((await readAll<TagDoc>(store, collections.tags)).map((t) => [t.id, t]))
  const records: StatusListRecordDoc[] = await readAll<StatusListRecordDoc>(
    store,
    collections.statusListRecords,
  )
  const newVehicles: VehicleDoc[] = []
  const titles: InvoiceTitleDoc[] = []
  const touchedVehicles = new Map<string, VehicleDoc>()

  const byPlate = (accountId: string, plate: string) =>
    vehicles.find((v) => v.accountId === accountId && v.plate === plate)

  // 张伟's credit car: the card was replaced (old card cancelled, signing ended) and the new
  // card carries the seed's status-list history, the latest record still open.
  const zhangCredit = byPlate('acc-p-01-zhangwei', '浙A8K2M7')
  const zhangCreditCard = zhangCredit ? cards.get(zhangCredit.cardId) : undefined
  if (zhangCredit && zhangCreditCard?.type === 'credit') {
    const issued = Date.parse(zhangCreditCard.issuedAt)
    const old: CreditCardDoc = {
      id: 'card-etc-zhang-old',
      cardNo: digits('1811', 20),
      accountId: zhangCredit.accountId,
      vehicleId: zhangCredit.id,
      status: 'cancelled',
      issuedAt: new Date(issued - 3 * 365 * 86400_000).toISOString(),
      updatedAt: zhangCreditCard.issuedAt,
      type: 'credit',
      signing: {
        channel: '中国银行',
        signedAt: new Date(issued - 3 * 365 * 86400_000).toISOString(),
        status: 'unsigned',
      },
    }
    cards.set(old.id, old)
    for (const [i, [start, end, reason]] of statusHistory.entries()) {
      const startAt = at(start)
      const onOld = Date.parse(startAt) < issued
      // a record lies in its card's life: none before the old card's issue, none after its end
      if (onOld && Date.parse(startAt) < Date.parse(old.issuedAt)) continue
      const endAt = end === null ? null : at(end)
      records.push({
        id: `sl-etc-zhang-${String(i + 1).padStart(2, '0')}`,
        cardId: onOld ? old.id : zhangCreditCard.id,
        accountId: zhangCredit.accountId,
        reason,
        startAt,
        endAt: onOld && (endAt === null || Date.parse(endAt) > issued) ? old.updatedAt : endAt,
      })
    }
  }

  // 张伟's stored-value car: the first OBU was replaced (old tag cancelled).
  const zhangStored = byPlate('acc-p-01-zhangwei', '浙AD35288')
  const zhangTag = zhangStored?.tagId ? tags.get(zhangStored.tagId) : undefined
  if (zhangStored && zhangTag) {
    tags.set('tag-etc-zhang-old', {
      ...zhangTag,
      id: 'tag-etc-zhang-old',
      tagNo: digits('3302', 16),
      brand: '金溢',
      model: 'GV-OBU-2015（插卡式）',
      outlet: '收费站-杭州南',
      issuedAt: new Date(Date.parse(zhangTag.issuedAt) - 2 * 365 * 86400_000).toISOString(),
      status: 'cancelled',
    })
  }

  // The fleet: all four signing channels, one vehicle with both card and tag replaced, a batch
  // of parking authorizations switched on at one moment (the seed shows shared times), one off.
  const fleet = vehicles
    .filter((v) => v.accountId === 'acc-u-shunda' && v.scope === 'current')
    .sort((a, b) => (a.plate < b.plate ? -1 : 1))
  let creditNo = 0
  for (const v of fleet) {
    const card = cards.get(v.cardId)
    if (card?.type === 'credit' && card.signing) {
      cards.set(card.id, {
        ...card,
        signing: { ...card.signing, channel: signingChannels[creditNo % signingChannels.length] },
      })
      creditNo += 1
    }
  }
  const batchAt = dayjs(now).tz(businessTimeZone).subtract(9, 'day').hour(14).minute(10).second(47)
  fleet.slice(0, 8).forEach((v) => {
    touchedVehicles.set(v.id, { ...v, parkingAuthorized: true, lastOperatedAt: batchAt.toISOString() })
  })
  const offAt = batchAt.subtract(5, 'day').subtract(3, 'hour')
  fleet.slice(8, 10).forEach((v) => {
    touchedVehicles.set(v.id, { ...v, parkingAuthorized: false, lastOperatedAt: offAt.toISOString() })
  })
  const replaced = fleet.find((v) => cards.get(v.cardId)?.status === 'issued')
  if (replaced) {
    const card = cards.get(replaced.cardId)
    const tag = replaced.tagId ? tags.get(replaced.tagId) : undefined
    if (card) {
      const oldCard: CardDoc = {
        ...card,
        id: 'card-etc-fleet-old',
        cardNo: digits('1811', 20),
        status: 'cancelled',
        issuedAt: new Date(Date.parse(card.issuedAt) - 700 * 86400_000).toISOString(),
        updatedAt: card.issuedAt,
        inStatusList: false,
      }
      cards.set(oldCard.id, oldCard)
    }
    if (tag) {
      tags.set('tag-etc-fleet-old', {
        ...tag,
        id: 'tag-etc-fleet-old',
        tagNo: digits('3302', 16),
        issuedAt: new Date(Date.parse(tag.issuedAt) - 700 * 86400_000).toISOString(),
        status: 'cancelled',
      })
    }
  }

  // A credit-only account without funds (and no stored-value card): no stored-value menu.
  const zhao: AccountDoc = {
    id: creditOnlyDemo.accountId,
    userType: 'personal',
    name: creditOnlyDemo.name,
    idType: '身份证',
    idNumber: vault.seal(creditOnlyDemo.idNumber),
    idNumberHash: vault.lookupHash('idNumber', creditOnlyDemo.idNumber),
    phone: vault.seal(creditOnlyDemo.phone),
    loginPhoneHash: vault.lookupHash('phone', creditOnlyDemo.phone),
    createdAt: at(800),
  }
  if (!accounts.has(zhao.id)) {
    accounts.set(zhao.id, zhao)
    const issuedAt = at(600)
    const vehicle: VehicleDoc = {
      id: 'veh-etc-zhao-01',
      accountId: zhao.id,
      plate: creditOnlyDemo.plate,
      plateColor: '蓝',
      scope: 'current',
      cardId: 'card-etc-zhao-01',
      tagId: 'tag-etc-zhao-01',
      cardType: 'credit',
      cardStatus: 'issued',
      parkingAuthorized: true,
      lastOperatedAt: null,
      createdAt: issuedAt,
    }
    newVehicles.push(vehicle)
    cards.set(vehicle.cardId, {
      id: vehicle.cardId,
      cardNo: digits('1811', 20),
      accountId: zhao.id,
      vehicleId: vehicle.id,
      status: 'issued',
      issuedAt,
      updatedAt: issuedAt,
      type: 'credit',
      signing: { channel: '微信', signedAt: issuedAt, status: 'signed' },
    })
    tags.set('tag-etc-zhao-01', {
      id: 'tag-etc-zhao-01',
      tagNo: digits('3302', 16),
      accountId: zhao.id,
      vehicleId: vehicle.id,
      brand: '万集',
      model: 'WJ-OBU-BT02（蓝牙）',
      outlet: '收费站-临安',
      issuedAt,
      status: 'issued',
    })
  }

  // Invoice titles: the holder's own name on every current vehicle; a company title as well on
  // 张伟's credit car; the fleet's first 20 vehicles carry the company title with tax number.
  for (const v of [...vehicles, ...newVehicles]) {
    const account = accounts.get(v.accountId)
    if (!account || v.scope !== 'current') continue
    if (account.userType === 'unit' && !fleet.slice(0, 20).some((f) => f.id === v.id)) continue
    const taxNumber = account.userType === 'unit' ? '91330106MA2B3C4D5D' : null
    titles.push({
      id: `it-${v.id}-1`,
      accountId: v.accountId,
      vehicleId: v.id,
      title: account.name,
      taxNumber,
      isDefault: true,
      createdAt: v.createdAt,
    })
    if (v.plate === '浙A8K2M7') {
      titles.push({
        id: `it-${v.id}-2`,
        accountId: v.accountId,
        vehicleId: v.id,
        title: companyTitleDemo.title,
        taxNumber: companyTitleDemo.taxNumber,
        isDefault: false,
        createdAt: at(120),
      })
    }
  }

  // A re-seed reads the records it wrote before: the ones written now replace them by id.
  const recordsById = new Map(records.map((r) => [r.id, r]))
  // The 状态名单 flag follows the records: listed while a record is open (or ends later).
  const listed = new Set(
    [...recordsById.values()]
      .filter((r) => r.endAt === null || Date.parse(r.endAt) > now.getTime())
      .map((r) => r.cardId),
  )
  const cardDocs = [...cards.values()].map((c) => ({ ...c, inStatusList: listed.has(c.id) }))

  if (newVehicles.length > 0) await writeAll(store, collections.accounts, [{ ...zhao }])
  await writeAll(
    store,
    collections.vehicles,
    [...newVehicles, ...touchedVehicles.values()].map((v) => ({ ...v })),
  )
  await writeAll(store, collections.cards, cardDocs)
  await writeAll(
    store,
    collections.tags,
    [...tags.values()].map((t) => ({ ...t })),
  )
  await writeAll(
    store,
    collections.statusListRecords,
    [...recordsById.values()].map((r) => ({ ...r })),
  )
  await writeAll(
    store,
    collections.invoiceTitles,
    titles.map((t) => ({ ...t })),
  )
  return { accounts: [accounts.get(zhao.id) ?? zhao] }
}
