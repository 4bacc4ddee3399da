import type {
  OperatorLogin,
  OperatorProfile,
  ReconciliationReportSummary,
  ReconciliationReportView,
} from '../../types'
import { fen } from '../../types/money'

/** Operator answers, typed by the contract (types/actions/operator.ts). */

export const operatorProfile: OperatorProfile = {
  loginName: 'op-demo',
  name: '演示对账员',
  roles: ['reconciliation'],
  outletId: null,
}

export function operatorLogin(over: Partial<OperatorLogin> = {}): OperatorLogin {
  return {
    token: 'op.operator-token',
    expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
    operator: operatorProfile,
    ...over,
  }
}

export function reportSummary(
  day: string,
  over: Partial<ReconciliationReportSummary> = {},
): ReconciliationReportSummary {
  const provider = over.provider ?? 'wechat'
  return {
    id: `${provider}:${day}`,
    provider,
    day,
    status: 'balanced',
    payments: { count: 12, total: fen(1_250_000) },
    refunds: { count: 1, total: fen(5_000) },
    matchedPayments: 11,
    matchedRefunds: 1,
    totals: { credited: fen(10_000), lateRefunds: fen(3_000), orphans: fen(2_000) },
    counts: { credited: 1, lateRefunds: 1, orphans: 1, discrepancies: 0 },
    generatedAt: '2025-06-15T01:00:00.000Z',
    ...over,
  }
}

export function reportView(
  day: string,
  over: Partial<ReconciliationReportView> = {},
): ReconciliationReportView {
  return {
    ...reportSummary(day),
    state: 'complete',
    merchantId: '1900000109',
    credited: [
      { orderNo: 'R202506140001', accountId: 'acc-1', providerTradeNo: '4200000001', amount: fen(10_000) },
    ],
    orphans: [
      {
        orderNo: 'X-unknown-1',
        providerTradeNo: '4200000009',
        amount: fen(2_000),
        reason: 'UNKNOWN_ORDER',
        refundNo: 'X4200000009',
        paidAt: `${day}T03:00:00.000Z`,
        refundStatus: 'refunding',
      },
    ],
    lateRefunds: [
      {
        orderNo: 'R202506140007',
        providerTradeNo: '4200000007',
        amount: fen(3_000),
        refundNo: 'F202506140007',
        refundStatus: 'refunded',
      },
    ],
    discrepancies: [],
    ...over,
  }
}
