import type { ReconciliationStatus } from '../../../../types/actions/operator'
import type { OrphanReason, ReconciliationDiscrepancyKind } from '../../../../types/actions/reconciliation'
import type { PaymentChannel } from '../../../../types/moneyRules'

/** Wording of the operator pages; plain values (no zod reaches the app). */

export const providerLabels: Record<PaymentChannel, string> = { wechat: '微信支付', alipay: '支付宝' }
export const providers: PaymentChannel[] = ['wechat', 'alipay']

export const reportStatusLabels: Record<ReconciliationStatus, string> = {
  balanced: '平账',
  discrepant: '有差异',
  running: '对账中',
}

export const discrepancyLabels: Record<ReconciliationDiscrepancyKind, string> = {
  missing_from_statement: '对账单无此笔支付',
  amount_mismatch: '支付金额不一致',
  trade_mismatch: '支付交易号不一致',
  foreign_merchant: '非本商户交易',
  unexpected_refund: '非本系统发起的退款',
  unknown_refund: '未知交易的退款',
  refund_amount_mismatch: '退款金额不一致',
}

export const orphanReasonLabels: Record<OrphanReason, string> = {
  UNKNOWN_ORDER: '无对应订单',
  AMOUNT_MISMATCH: '金额与订单不符',
  MERCHANT_MISMATCH: '收款商户与订单不符',
  CHANNEL_MISMATCH: '支付渠道与订单不符',
}
