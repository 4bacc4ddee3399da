import type { RechargeOrderView } from '../../../types'

type Place = RechargeOrderView['target']

/** Where money goes or went: 用户账户, or the card by plate and masked number. */
export function placeText(place: Place): string {
  return place.kind === 'account' ? '用户账户' : `${place.plate} ${place.cardNo}`
}

/** What a paid order did with the money, in the user's words (seed 001 §2.8.1). */
export function creditedText(order: RechargeOrderView): string | null {
  const to = order.creditedTo
  if (!to) return null
  if (to.kind === 'account') return '已充值到用户账户，预分配到ETC通行卡后即可圈存'
  if (order.target.kind === 'account')
    return `名下仅有一辆储值卡车辆，本次充值已自动分配到 ${to.plate} 的ETC通行卡（${to.cardNo}），可直接圈存`
  return `已充值到 ${to.plate} 的ETC通行卡（${to.cardNo}），可直接圈存`
}
