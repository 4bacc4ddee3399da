import type {
  BillDetailRow,
  BillDetailsPage,
  BillStatisticsPage,
  BillStatisticsRow,
  BillTotals,
  BillTrend,
  RefundRow,
  RefundsPage,
  TripDetail,
  TripRow,
  TripsPage,
} from '../../../../types'
import { billDetailsNotice, billMonthNotice, refundNotice } from '../../../../types/billRules'
import { fen } from '../../../../types/money'
import { pageOf } from '../../../testing/money-fixtures'

/** Bills answers as the contract (types/actions/bills.ts) shapes them, for the page tests. */

export const totals = (overrides: Partial<BillTotals> = {}): BillTotals => ({
  count: 0,
  amount: fen(0),
  discount: fen(0),
  refunded: fen(0),
  net: fen(0),
  ...overrides,
})

export function statisticsRow(i: number, overrides: Partial<BillStatisticsRow> = {}): BillStatisticsRow {
  return {
    vehicleId: `veh-${i}`,
    plate: `浙A${String(10000 + i)}`,
    plateColor: '黄',
    cardId: `card-${i}`,
    cardNo: `3301*****${String(1000 + i)}`,
    periodKey: '2026',
    periodLabel: '2026年',
    count: 10 + i,
    amount: fen(2_559_973 + i),
    discount: fen(0),
    refunded: fen(0),
    net: fen(2_559_973 + i),
    ...overrides,
  }
}

type Paging = { cursor?: string; limit?: number }

export function statisticsPage(
  rows: BillStatisticsRow[],
  payload: Paging,
  extra: Partial<BillStatisticsPage> = {},
) {
  return {
    ...pageOf(rows, payload),
    period: 'year',
    latestMonth: '2026-10',
    totals: totals({ count: 25, amount: fen(1_000_000), refunded: fen(11_535), net: fen(988_465) }),
    notice: billMonthNotice,
    ...extra,
  } satisfies BillStatisticsPage
}

export function trend(overrides: Partial<BillTrend> = {}): BillTrend {
  const months = [
    '2026-01',
    '2026-02',
    '2026-03',
    '2026-04',
    '2026-05',
    '2026-06',
    '2026-07',
    '2026-08',
    '2026-09',
    '2026-10',
  ]
  return {
    months: months.map((month, i) => ({
      month,
      count: i,
      amount: fen(1000 * (i + 1)),
      refunded: fen(0),
      net: fen(1000 * (i + 1)),
    })),
    vehicles: [
      { vehicleId: 'veh-1', plate: '浙A8K2M7', plateColor: '蓝', net: fen(40_000), count: 8 },
      { vehicleId: 'veh-2', plate: '浙AD35288', plateColor: '渐变绿', net: fen(15_000), count: 3 },
    ],
    vehicleCount: 2,
    latestMonth: '2026-10',
    ...overrides,
  }
}

export function detailRow(overrides: Partial<BillDetailRow> = {}): BillDetailRow {
  return {
    id: 'trip-1',
    tripId: 'trip-1',
    plate: '浙AC12345',
    plateColor: '渐变绿',
    scene: 'highway',
    sceneLabel: '高速通行',
    exitAt: '2026-10-22T14:38:57.000Z',
    deductionDate: '2026-10-22',
    cardNo: '3301*****0094',
    entryStation: '浙江临平站',
    exitStation: '上海新桥主线站',
    amount: fen(6460),
    ...overrides,
  }
}

export function detailsPage(
  rows: BillDetailRow[],
  payload: Paging & { period?: string; key?: string },
  extra: Partial<BillDetailsPage> = {},
) {
  return {
    ...pageOf(rows, payload),
    period: (payload.period ?? 'month') as BillDetailsPage['period'],
    key: payload.key ?? '2026-10',
    latestMonth: '2026-10',
    totals: totals({ count: 2, amount: fen(8550), refunded: fen(2090), net: fen(6460) }),
    refundsNetted: true,
    notice: billDetailsNotice,
    ...extra,
  } satisfies BillDetailsPage
}

export function tripRow(i: number, overrides: Partial<TripRow> = {}): TripRow {
  return {
    id: `trip-${i}`,
    vehicleId: 'veh-1',
    plate: '浙A8K2M7',
    plateColor: '蓝',
    scene: 'etcHighway',
    entryStation: '浙江台州南站',
    exitStation: '浙江马宅站',
    entryAt: '2026-10-22T01:10:00.000Z',
    exitAt: '2026-10-22T01:47:31.000Z',
    deductionDate: '2026-10-23',
    cardNo: '3301*****9788',
    amount: fen(22_931),
    discount: fen(4045),
    refundStatus: null,
    ...overrides,
  }
}

export function tripsPage(
  rows: TripRow[],
  payload: Paging & { scene?: string; from?: string; to?: string },
  extra: Partial<TripsPage> = {},
) {
  return {
    ...pageOf(rows, payload),
    scene: (payload.scene ?? 'etcHighway') as TripsPage['scene'],
    from: payload.from ?? '2025-12-03',
    to: payload.to ?? '2026-12-02',
    statistics: { count: rows.length, amount: fen(412), discount: fen(233) },
    ...extra,
  } satisfies TripsPage
}

export function tripDetail(overrides: Partial<TripDetail> = {}): TripDetail {
  return {
    ...tripRow(1),
    sceneLabel: 'ETC高速通行',
    payment: {
      cardType: 'credit',
      cardTypeLabel: '记账卡',
      method: '记账卡扣款',
      paid: fen(22_931),
      deductionDate: '2026-10-23',
    },
    invoiceType: '通行费电子发票',
    invoice: {
      id: 'inv-1',
      kind: 'singleTrip',
      kindLabel: '单次通行发票',
      invoiceNo: '33002600000012345678',
      issuedAt: '2026-10-24T02:00:00.000Z',
    },
    refund: null,
    ...overrides,
  }
}

export function refundRow(i: number, overrides: Partial<RefundRow> = {}): RefundRow {
  return {
    tripId: `trip-${i}`,
    plate: '浙B0A369',
    plateColor: '黄',
    entryStation: '浙江径山站',
    exitStation: '浙江小港站',
    tripAt: '2026-08-23T07:44:33.000Z',
    refundAt: '2026-09-03T02:00:00.000Z',
    amount: fen(11_535),
    status: 'refunded',
    statusLabel: '已退款',
    ...overrides,
  }
}

export function refundsPage(
  rows: RefundRow[],
  payload: Paging & { scene?: string },
  extra: Partial<RefundsPage> = {},
) {
  return {
    ...pageOf(rows, payload),
    scene: (payload.scene ?? 'highway') as RefundsPage['scene'],
    trip: { from: '2025-12-03', to: '2026-12-02' },
    refund: null,
    totals: { total: fen(23_506), refunded: fen(23_506), refunding: fen(0) },
    notice: refundNotice,
    ...extra,
  } satisfies RefundsPage
}
