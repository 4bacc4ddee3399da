import { tripScenes, type TripScene } from '../../../types/enums'
import { fen, type Fen } from '../../../types/money'
import { billPeriods, periodOfMonth, type BillPeriod } from '../../../types/billRules'
import type { BillRollupDoc, RollupSums, TripDoc } from '../documents'

/**
 * Bill rollups: per card (and its vehicle), per period (month, quarter, year of the exit month in
 * Shanghai) and per trip scene, the trips' count, tolls and discounts, and the refunds (已退款)
 * netted against the period of the refunded trip's exit. One pure function says what a trip
 * contributes (`tripContributions`); ingestion applies the difference of a trip's old and new
 * contributions in the trip's own transaction, and the bulk path (`rollupsOf`, demo seed and
 * bench) applies the same function to a set of trips, so both agree by construction and the
 * property tests compare either with a scan of the trips.
 */

/** The fields of a trip that decide its contributions. */
export type RollupTrip = Pick<
  TripDoc,
  | 'accountId'
  | 'vehicleId'
  | 'cardId'
  | 'plate'
  | 'scene'
  | 'exitMonth'
  | 'amount'
  | 'discount'
  | 'refundState'
  | 'refundAmount'
>

export function rollupId(cardId: string, key: string): string {
  return `${cardId}:${key}`
}

export function rollupSortKey(key: string, plate: string, cardId: string): string {
  return `${key}:${plate}:${cardId}`
}

const zeroSums = (): RollupSums => ({ count: 0, amount: fen(0), discount: fen(0) })

export function emptyRollup(
  trip: Pick<RollupTrip, 'accountId' | 'vehicleId' | 'cardId' | 'plate'>,
  period: BillPeriod,
  key: string,
): BillRollupDoc {
  return {
    id: rollupId(trip.cardId, key),
    accountId: trip.accountId,
    vehicleId: trip.vehicleId,
    cardId: trip.cardId,
    plate: trip.plate,
    period,
    key,
    sortKey: rollupSortKey(key, trip.plate, trip.cardId),
    scenes: { etcHighway: zeroSums(), nonEtcHighway: zeroSums(), nonHighway: zeroSums() },
    refund: { count: 0, amount: fen(0) },
  }
}

/** What one trip adds to one rollup. */
export interface Contribution {
  id: string
  period: BillPeriod
  key: string
  scene: TripScene
  amount: Fen
  discount: Fen
  /** 0 or the refunded amount (refunds in progress are not netted). */
  refunded: Fen
  refundCount: 0 | 1
}

/** The rollups a trip counts in (its month, quarter and year) and what it adds to each. */
export function tripContributions(trip: RollupTrip): Contribution[] {
  const refunded = trip.refundState === 'refunded'
  return billPeriods.map((period) => {
    const key = periodOfMonth(period, trip.exitMonth)
    return {
      id: rollupId(trip.cardId, key),
      period,
      key,
      scene: trip.scene,
      amount: trip.amount,
      discount: trip.discount,
      refunded: refunded ? trip.refundAmount : fen(0),
      refundCount: refunded ? 1 : 0,
    }
  })
}

/** The rollup with a contribution added (sign 1) or taken away (sign -1); a new object. */
export function applyContribution(rollup: BillRollupDoc, c: Contribution, sign: 1 | -1): BillRollupDoc {
  const sums = rollup.scenes[c.scene]
  return {
    ...rollup,
    scenes: {
      ...rollup.scenes,
      [c.scene]: {
        count: sums.count + sign,
        amount: fen(sums.amount + sign * c.amount),
        discount: fen(sums.discount + sign * c.discount),
      },
    },
    refund: {
      count: rollup.refund.count + sign * c.refundCount,
      amount: fen(rollup.refund.amount + sign * c.refunded),
    },
  }
}

/** True when a rollup counts nothing (every trip it counted was moved elsewhere). */
export function isEmptyRollup(rollup: BillRollupDoc): boolean {
  return rollup.refund.count === 0 && tripScenes.every((s) => rollup.scenes[s].count === 0)
}

/** Adds trips to rollups being built (the bulk path, a chunk of trips at a time). */
export function accumulateRollups(into: Map<string, BillRollupDoc>, trips: Iterable<RollupTrip>): void {
  for (const trip of trips)
    for (const c of tripContributions(trip)) {
      const current = into.get(c.id) ?? emptyRollup(trip, c.period, c.key)
      into.set(c.id, applyContribution(current, c, 1))
    }
}

/** The rollups of a set of trips (the bulk path; ingestion reaches the same documents one trip at a time). */
export function rollupsOf(trips: Iterable<RollupTrip>): BillRollupDoc[] {
  const out = new Map<string, BillRollupDoc>()
  accumulateRollups(out, trips)
  return [...out.values()]
}

/** Gross, discount, refunded and net of a rollup over some trip scenes (the refund always nets). */
export interface RollupTotals {
  count: number
  amount: Fen
  discount: Fen
  refunded: Fen
  refundCount: number
}

export function rollupTotals(
  rollup: Pick<BillRollupDoc, 'scenes' | 'refund'>,
  scenes: readonly TripScene[] = tripScenes,
): RollupTotals {
  let count = 0
  let amount = 0
  let discount = 0
  for (const scene of scenes) {
    const sums = rollup.scenes[scene]
    count += sums.count
    amount += sums.amount
    discount += sums.discount
  }
  return {
    count,
    amount: fen(amount),
    discount: fen(discount),
    refunded: rollup.refund.amount,
    refundCount: rollup.refund.count,
  }
}

export function addTotals(a: RollupTotals, b: RollupTotals, sign: 1 | -1 = 1): RollupTotals {
  return {
    count: a.count + sign * b.count,
    amount: fen(a.amount + sign * b.amount),
    discount: fen(a.discount + sign * b.discount),
    refunded: fen(a.refunded + sign * b.refunded),
    refundCount: a.refundCount + sign * b.refundCount,
  }
}

export const zeroTotals = (): RollupTotals => ({
  count: 0,
  amount: fen(0),
  discount: fen(0),
  refunded: fen(0),
  refundCount: 0,
})
