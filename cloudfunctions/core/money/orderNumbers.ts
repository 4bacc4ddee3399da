import { beijingTime } from '../businessTime'

/**
 * Recharge order numbers: R, the Beijing time of creation to the second, and 9 random digits
 * (24 characters: within WeChat's 32 and Alipay's 64 for out_trade_no). The number is also the
 * order's document id, so a collision is refused by the store rather than merging two orders.
 */
export function rechargeOrderNo(at: Date, randomDigits: string): string {
  if (!/^\d{9}$/.test(randomDigits)) throw new Error('rechargeOrderNo needs 9 random digits')
  return `R${beijingTime(at).format('YYYYMMDDHHmmss')}${randomDigits}`
}
