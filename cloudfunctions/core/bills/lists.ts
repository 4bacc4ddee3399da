import { shanghaiDay, shanghaiDayConditions } from '../businessTime'
import { collections, type BillRollupDoc, type TripDoc } from '../documents'
import { maskCardNo } from '../masking'
import { maxQueryLimit, type Condition, type Doc, type Query, type Store } from '../../ports/store'
import { fen } from '../../../types/money'
import type { PlateColor, TripScene } from '../../../types/enums'
import type { DateRange } from '../../../types/dateRange'
import {
  addMonths,
  billSceneLabels,
  monthsBetween,
  monthsOfPeriod,
  periodLabel,
  refundStatusLabels,
  type BillPeriod,
  type BillScene,
  type RefundScene,
} from '../../../types/billRules'
import type {
  BillDetailRow,
  BillSceneFilter,
  BillStatisticsRow,
  BillTotals,
  RefundRow,
  RefundTotals,
  TripRow,
  TripStatistics,
} from '../../../types/actions/bills'
import { billSceneOfTrip, tripScenesOfBillScene, tripScenesOfRefundScene } from './scenes'
import { addTotals, rollupTotals, zeroTotals, type RollupTotals } from './rollups'
import { monthStart } from './periods'
import { lookUp, type BillLookups, type BillsScope } from './lookups'

/**
 * 账单统计, 账单明细, 通行流水 and 退费记录 (seed 001 §2.6): which documents a (resolved) filter
 * selects, what each row says and the sums the lists show, written once for the list actions
 * (functions/api/actions/bills*.ts) and their exports (core/exports/registry.ts), so an export
 * holds exactly the rows the list shows.
 */

export interface Selection {
  collection: string
  where: Condition[]
  orderBy: NonNullable<Query['orderBy']>
}

type Stored<T> = T & Doc

/**
 * Every document a selection matches, page after page, in the selection's own order: keyset pages
 * along the index it filters on (without the order, each page would sort every match again).
 */
export async function scanAll<T>(store: Store, selection: Selection): Promise<Stored<T>[]> {
  const out: Stored<T>[] = []
  let after: string | undefined
  do {
    const page = await store.query<Stored<T>>(selection.collection, {
      where: selection.where,
      orderBy: selection.orderBy,
      limit: maxQueryLimit,
      after,
    })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

const accountIs = (accountId: string): Condition => ({ field: 'accountId', op: 'eq', value: accountId })
const plateIs = (plate: string | undefined): Condition[] =>
  plate === undefined ? [] : [{ field: 'plate', op: 'eq', value: plate }]
const sceneIn = (scenes: readonly TripScene[]): Condition =>
  scenes.length === 1
    ? { field: 'scene', op: 'eq', value: scenes[0] }
    : { field: 'scene', op: 'in', value: [...scenes] }

/** Exit time within whole Shanghai months firstMonth..lastMonth. */
function exitMonthsConditions(firstMonth: string, lastMonth: string): Condition[] {
  return [
    { field: 'exitAt', op: 'gte', value: monthStart(firstMonth) },
    { field: 'exitAt', op: 'lt', value: monthStart(addMonths(lastMonth, 1)) },
  ]
}

// ---------------------------------------------------------------- statistics (rollups)

export interface StatisticsFilter {
  period: BillPeriod
  from: string
  to: string
  plate?: string
}

/** Rollups of one period kind, periods from..to, in period then plate order. */
export function statisticsSelection(accountId: string, filter: StatisticsFilter): Selection {
  return {
    collection: collections.billRollups,
    where: [
      accountIs(accountId),
      { field: 'period', op: 'eq', value: filter.period },
      ...plateIs(filter.plate),
      { field: 'sortKey', op: 'gte', value: `${filter.from}:` },
      // ';' follows ':' in code point order: every sortKey of period `to`
      { field: 'sortKey', op: 'lt', value: `${filter.to};` },
    ],
    orderBy: { field: 'sortKey', direction: 'asc' },
  }
}

/** Month rollups of months first..last (hidden months, trends, sums over months). */
export function monthRollupsSelection(
  accountId: string,
  firstMonth: string,
  lastMonth: string,
  narrow: { plate?: string; vehicleId?: string } = {},
): Selection {
  return {
    collection: collections.billRollups,
    where: [
      accountIs(accountId),
      ...(narrow.vehicleId === undefined
        ? []
        : [{ field: 'vehicleId', op: 'eq', value: narrow.vehicleId } as const]),
      { field: 'period', op: 'eq', value: 'month' },
      ...plateIs(narrow.plate),
      { field: 'sortKey', op: 'gte', value: `${firstMonth}:` },
      { field: 'sortKey', op: 'lt', value: `${lastMonth};` },
    ],
    orderBy: { field: 'sortKey', direction: 'asc' },
  }
}

/** What the rule still hides of each card's last period: card id → period key → sums to take away. */
export type HiddenSums = Map<string, RollupTotals>

export async function hiddenSums(
  scope: BillsScope,
  period: BillPeriod,
  hiddenMonths: readonly string[],
  plate?: string,
): Promise<HiddenSums> {
  const out: HiddenSums = new Map()
  if (hiddenMonths.length === 0 || period === 'month') return out
  const selection = monthRollupsSelection(
    scope.accountId,
    hiddenMonths[0],
    hiddenMonths[hiddenMonths.length - 1],
    {
      plate,
    },
  )
  for (const doc of await scanAll<BillRollupDoc>(scope.store, selection)) {
    const key = `${doc.cardId}:${periodKeyOf(period, doc.key)}`
    out.set(key, addTotals(out.get(key) ?? zeroTotals(), rollupTotals(doc)))
  }
  return out
}

function periodKeyOf(period: BillPeriod, month: string): string {
  if (period === 'year') return month.slice(0, 4)
  if (period === 'quarter')
    return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`
  return month
}

/** A rollup's visible totals: the hidden months of its period taken away. */
export function visibleTotals(doc: BillRollupDoc, hidden: HiddenSums): RollupTotals {
  const own = rollupTotals(doc)
  const minus = hidden.get(`${doc.cardId}:${doc.key}`)
  return minus ? addTotals(own, minus, -1) : own
}

export function billTotals(t: RollupTotals): BillTotals {
  return {
    count: t.count,
    amount: t.amount,
    discount: t.discount,
    refunded: t.refunded,
    net: fen(t.amount - t.refunded),
  }
}

export async function statisticsRows(
  scope: BillsScope,
  docs: readonly BillRollupDoc[],
  hidden: HiddenSums,
  lookups: BillLookups,
): Promise<BillStatisticsRow[]> {
  await lookUp(scope, lookups, docs)
  return docs.map((doc) => {
    const vehicle = lookups.vehicles.get(doc.vehicleId)
    const card = lookups.cards.get(doc.cardId)
    return {
      ...billTotals(visibleTotals(doc, hidden)),
      vehicleId: doc.vehicleId,
      plate: doc.plate,
      plateColor: vehicle?.plateColor ?? ('蓝' as PlateColor),
      cardId: doc.cardId,
      cardNo: card ? maskCardNo(card.cardNo) : '',
      periodKey: doc.key,
      periodLabel: periodLabel(doc.period, doc.key),
    }
  })
}

// ---------------------------------------------------------------- trips

export interface TripsFilter {
  scene: TripScene
  plate?: string
  range: DateRange
}

export function tripsSelection(accountId: string, filter: TripsFilter): Selection {
  return {
    collection: collections.trips,
    where: [
      accountIs(accountId),
      ...plateIs(filter.plate),
      { field: 'scene', op: 'eq', value: filter.scene },
      ...shanghaiDayConditions('exitAt', filter.range),
    ],
    orderBy: { field: 'exitAt', direction: 'desc' },
  }
}

function tripRow(trip: TripDoc, lookups: BillLookups): TripRow {
  const vehicle = lookups.vehicles.get(trip.vehicleId)
  const card = lookups.cards.get(trip.cardId)
  return {
    id: trip.id,
    vehicleId: trip.vehicleId,
    plate: trip.plate,
    plateColor: vehicle?.plateColor ?? '蓝',
    scene: trip.scene,
    entryStation: trip.entryStation,
    exitStation: trip.exitStation,
    entryAt: trip.entryAt,
    exitAt: trip.exitAt,
    deductionDate: trip.deductionDate ?? shanghaiDay(new Date(trip.exitAt)),
    cardNo: card ? maskCardNo(card.cardNo) : '',
    amount: trip.amount,
    discount: trip.discount,
    refundStatus: trip.refundState === 'none' ? null : trip.refundState,
  }
}

export async function tripRows(
  scope: BillsScope,
  docs: readonly TripDoc[],
  lookups: BillLookups,
): Promise<TripRow[]> {
  await lookUp(scope, lookups, docs)
  return docs.map((doc) => tripRow(doc, lookups))
}

/**
 * 通行笔数 / 通行费总金额 / 总共优惠 of a trips filter from the month rollups: a month the range
 * covers wholly counts its rollup; a month it covers in part counts either the trips of the days it
 * covers, or its rollup less the trips of the days it leaves out, whichever are fewer days. So a
 * year's bar reads a few rollups and at most about a month of trips, whatever the fleet.
 */
export async function tripStatistics(scope: BillsScope, filter: TripsFilter): Promise<TripStatistics> {
  const { from, to } = filter.range
  let count = 0
  let amount = 0
  let discount = 0
  const add = (sign: 1 | -1, c: number, a: number, d: number) => {
    count += sign * c
    amount += sign * a
    discount += sign * d
  }
  const scanDays = async (range: DateRange, sign: 1 | -1) => {
    const selection = tripsSelection(scope.accountId, { ...filter, range })
    for (const t of await scanAll<TripDoc>(scope.store, selection)) add(sign, 1, t.amount, t.discount)
  }
  const firstMonth = from.slice(0, 7)
  const lastMonth = to.slice(0, 7)
  const rollups = new Map<string, RollupSumsOf>()
  const months = monthRollupsSelection(scope.accountId, firstMonth, lastMonth, { plate: filter.plate })
  for (const doc of await scanAll<BillRollupDoc>(scope.store, months)) {
    const sums = doc.scenes[filter.scene]
    const current = rollups.get(doc.key) ?? { count: 0, amount: 0, discount: 0 }
    rollups.set(doc.key, {
      count: current.count + sums.count,
      amount: current.amount + sums.amount,
      discount: current.discount + sums.discount,
    })
  }
  for (const month of monthsBetween(firstMonth, lastMonth)) {
    const monthFirst = `${month}-01`
    const monthLast = dayBefore(`${addMonths(month, 1)}-01`)
    const coverFrom = from > monthFirst ? from : monthFirst
    const coverTo = to < monthLast ? to : monthLast
    const rollup = rollups.get(month) ?? { count: 0, amount: 0, discount: 0 }
    const days = daysBetween(monthFirst, monthLast)
    const covered = daysBetween(coverFrom, coverTo)
    if (covered === days) {
      add(1, rollup.count, rollup.amount, rollup.discount)
    } else if (covered * 2 <= days) {
      await scanDays({ from: coverFrom, to: coverTo }, 1)
    } else {
      add(1, rollup.count, rollup.amount, rollup.discount)
      if (coverFrom > monthFirst) await scanDays({ from: monthFirst, to: dayBefore(coverFrom) }, -1)
      if (coverTo < monthLast) await scanDays({ from: dayAfter(coverTo), to: monthLast }, -1)
    }
  }
  return { count, amount: fen(amount), discount: fen(discount) }
}

interface RollupSumsOf {
  count: number
  amount: number
  discount: number
}

const DAY_MS = 86_400_000
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`)
function dayAfter(day: string): string {
  return new Date(dayMs(day) + DAY_MS).toISOString().slice(0, 10)
}
function dayBefore(day: string): string {
  return new Date(dayMs(day) - DAY_MS).toISOString().slice(0, 10)
}
/** Days from..to, both included. */
function daysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1
}

// ---------------------------------------------------------------- bill details

export interface DetailsFilter {
  scene: BillSceneFilter
  plate?: string
  firstMonth: string
  lastMonth: string
}

/** The trips a details filter lists (refund: refunded trips; their rows are the refunds). */
export function detailsSelection(accountId: string, filter: DetailsFilter): Selection {
  const sceneConditions: Condition[] =
    filter.scene === 'all'
      ? []
      : filter.scene === 'refund'
        ? [{ field: 'refundState', op: 'eq', value: 'refunded' }]
        : [sceneIn(tripScenesOfBillScene(filter.scene))]
  return {
    collection: collections.trips,
    where: [
      accountIs(accountId),
      ...plateIs(filter.plate),
      ...sceneConditions,
      ...exitMonthsConditions(filter.firstMonth, filter.lastMonth),
    ],
    orderBy: { field: 'exitAt', direction: 'desc' },
  }
}

/** Trips that add a refund row under scene `all`. */
export function detailsRefundSelection(accountId: string, filter: DetailsFilter): Selection {
  return detailsSelection(accountId, { ...filter, scene: 'refund' })
}

/**
 * Rows of a page of trips: under `all` each trip, then its refund if it was refunded; under a
 * trip scene the trips; under `refund` the refunds. A refund row is keyed on the trip's exit
 * (bills are), with the refund day as its deduction date and a negative amount.
 */
export async function billDetailRows(
  scope: BillsScope,
  docs: readonly TripDoc[],
  scene: BillSceneFilter,
  lookups: BillLookups,
): Promise<BillDetailRow[]> {
  await lookUp(scope, lookups, docs)
  const rows: BillDetailRow[] = []
  for (const trip of docs) {
    const base = tripRow(trip, lookups)
    const common = {
      tripId: trip.id,
      plate: base.plate,
      plateColor: base.plateColor,
      exitAt: trip.exitAt,
      cardNo: base.cardNo,
      entryStation: trip.entryStation,
      exitStation: trip.exitStation,
    }
    if (scene !== 'refund') {
      const billScene: BillScene = billSceneOfTrip[trip.scene]
      rows.push({
        ...common,
        id: trip.id,
        scene: billScene,
        sceneLabel: billSceneLabels[billScene],
        deductionDate: base.deductionDate,
        amount: trip.amount,
      })
    }
    if ((scene === 'all' || scene === 'refund') && trip.refundState === 'refunded')
      rows.push({
        ...common,
        id: `${trip.id}:refund`,
        scene: 'refund',
        sceneLabel: billSceneLabels.refund,
        deductionDate: trip.refundAt ? shanghaiDay(new Date(trip.refundAt)) : base.deductionDate,
        amount: fen(-trip.refundAmount),
      })
  }
  return rows
}

/** Totals of a details filter from the month rollups; refunds net under `all` and `refund`. */
export async function detailsTotals(scope: BillsScope, filter: DetailsFilter): Promise<BillTotals> {
  const selection = monthRollupsSelection(scope.accountId, filter.firstMonth, filter.lastMonth, {
    plate: filter.plate,
  })
  const scenes = filter.scene === 'all' ? undefined : tripScenesOfBillScene(filter.scene)
  let totals = zeroTotals()
  for (const doc of await scanAll<BillRollupDoc>(scope.store, selection))
    totals = addTotals(totals, rollupTotals(doc, scenes))
  if (filter.scene === 'refund')
    return {
      count: totals.refundCount,
      amount: fen(0),
      discount: fen(0),
      refunded: totals.refunded,
      net: fen(-totals.refunded),
    }
  if (filter.scene !== 'all') return { ...billTotals(totals), refunded: fen(0), net: totals.amount }
  return billTotals(totals)
}

/** 共 N 条 of a details filter: its rows, refund rows included. */
export async function detailsCount(scope: BillsScope, filter: DetailsFilter): Promise<number> {
  const main = detailsSelection(scope.accountId, filter)
  const trips = await scope.store.count(main.collection, main.where)
  if (filter.scene !== 'all') return trips
  const refunds = detailsRefundSelection(scope.accountId, filter)
  return trips + (await scope.store.count(refunds.collection, refunds.where))
}

/** Months of a period, cut at the latest visible month. */
export function periodMonths(period: BillPeriod, key: string): string[] {
  const { first, last } = monthsOfPeriod(period, key)
  return monthsBetween(first, last)
}

// ---------------------------------------------------------------- refunds

export interface RefundsFilter {
  scene: RefundScene
  plate?: string
  trip: DateRange | null
  refund: DateRange | null
}

export function refundsSelection(accountId: string, filter: RefundsFilter): Selection {
  return {
    collection: collections.trips,
    where: [
      accountIs(accountId),
      ...plateIs(filter.plate),
      { field: 'refundState', op: 'in', value: ['refunding', 'refunded'] },
      sceneIn(tripScenesOfRefundScene[filter.scene]),
      ...(filter.trip ? shanghaiDayConditions('exitAt', filter.trip) : []),
      ...(filter.refund ? shanghaiDayConditions('refundAt', filter.refund) : []),
    ],
    orderBy: filter.trip ? { field: 'exitAt', direction: 'desc' } : { field: 'refundAt', direction: 'desc' },
  }
}

export async function refundRows(
  scope: BillsScope,
  docs: readonly TripDoc[],
  lookups: BillLookups,
): Promise<RefundRow[]> {
  await lookUp(scope, lookups, docs)
  return docs
    .filter((t) => t.refundState !== 'none')
    .map((t) => {
      const status = t.refundState === 'refunded' ? 'refunded' : 'refunding'
      return {
        tripId: t.id,
        plate: t.plate,
        plateColor: lookups.vehicles.get(t.vehicleId)?.plateColor ?? '蓝',
        entryStation: t.entryStation,
        exitStation: t.exitStation,
        tripAt: t.exitAt,
        refundAt: t.refundAt ?? t.exitAt,
        amount: t.refundAmount,
        status,
        statusLabel: refundStatusLabels[status],
      }
    })
}

/** 总退费 / 已退费 / 退费中 over every refund of the filter (refunds are few: a scan). */
export async function refundTotals(scope: BillsScope, filter: RefundsFilter): Promise<RefundTotals> {
  const selection = refundsSelection(scope.accountId, filter)
  let refunded = 0
  let refunding = 0
  for (const t of await scanAll<TripDoc>(scope.store, selection)) {
    if (t.refundState === 'refunded') refunded += t.refundAmount
    else if (t.refundState === 'refunding') refunding += t.refundAmount
  }
  return { total: fen(refunded + refunding), refunded: fen(refunded), refunding: fen(refunding) }
}
