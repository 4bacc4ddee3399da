import type { Fen } from './money'

/**
 * The rules of stored-value funds that the app shows as well as the server enforces. Plain values
 * only (no zod), so pages import them without shipping a validator; the request schemas in
 * types/actions/money.ts build on them.
 */

/** 0.01–100,000.00 yuan per recharge. */
export const minRechargeFen = 1 as Fen
export const maxRechargeFen = 10_000_000 as Fen
/** Shown on the recharge page (seed 001 §2.8.1); the server's Beijing clock decides. */
export const rechargeWindowNotice = '22:00 至次日 2:00 不可进行充值服务'
/** Most cards one pre-allocation reaches (one Store transaction); more go in several custom ones. */
export const maxAllocationCards = 100

/** How the payer pays: WeChat Pay in the WeChat program, Alipay in the Alipay program. */
export const paymentChannels = ['wechat', 'alipay'] as const
export type PaymentChannel = (typeof paymentChannels)[number]
export const paymentChannelLabels: Record<PaymentChannel, string> = { wechat: '微信支付', alipay: '支付宝' }

export type RechargeStatus = 'pending' | 'paid' | 'closed' | 'refunding' | 'refunded'
export const rechargeStatusLabels: Record<RechargeStatus, string> = {
  pending: '待支付',
  paid: '充值成功',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
}
