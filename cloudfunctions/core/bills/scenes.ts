import { tripScenes, type TripScene } from '../../../types/enums'
import type { BillScene, RefundScene } from '../../../types/billRules'

/**
 * The one mapping from trip scenes (通行流水, as the clearing side reports them) to bill scenes
 * (账单明细). An ETC-lane highway trip is 高速通行 and a parking or ordinary-road payment
 * 非高速通行; a highway trip paid at a manual (non-ETC) lane with the card is settled apart from
 * the ETC lane deductions, so the bill lists it under 其他. Refunds are not a trip scene: a
 * refunded trip adds a 退费业务 line of its own (see rollups.ts and details.ts).
 */
export const billSceneOfTrip: Readonly<Record<TripScene, Exclude<BillScene, 'refund'>>> = {
  etcHighway: 'highway',
  nonEtcHighway: 'other',
  nonHighway: 'nonHighway',
}

/** The trip scenes a bill scene lists (refund: none of its own, it lists refunded trips of any). */
export function tripScenesOfBillScene(scene: BillScene): TripScene[] {
  if (scene === 'refund') return []
  return tripScenes.filter((t) => billSceneOfTrip[t] === scene)
}

/** 退费记录 tabs: 高速通行 is both highway scenes, 非高速通行 the rest. */
export const tripScenesOfRefundScene: Readonly<Record<RefundScene, TripScene[]>> = {
  highway: ['etcHighway', 'nonEtcHighway'],
  nonHighway: ['nonHighway'],
}

export function isHighway(scene: TripScene): boolean {
  return scene !== 'nonHighway'
}
