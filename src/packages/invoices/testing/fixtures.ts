import { configure } from '@testing-library/dom'
import type {
  FleetApplyResult,
  FleetPreview,
  FleetPreviewRow,
  InvoiceDetail,
  InvoiceRow,
  InvoiceSettingsView,
  InvoiceTitleView,
  InvoiceTripRow,
  Me,
  Page,
} from '../../../../types'
import { invoicePayee } from '../../../../types/invoiceRules'
import type { Fen } from '../../../../types/money'
import { me } from '../../../testing/fake-api'

// These pages render long forms and twenty-row lists: on a machine busy with builds an answer can
// take more than testing-library's default second to show (the tests wait for outcomes, not times).
configure({ asyncUtilTimeout: 5000 })

/** Answers a paged request from `rows` with a numeric cursor, as the server pages (same filters). */
export function pageOf<T>(rows: T[], payload: unknown): Page<T> {
  const p = payload as { cursor?: string; limit?: number }
  const start = p.cursor ? Number(p.cursor) : 0
  const limit = p.limit ?? 20
  const items = rows.slice(start, start + limit)
  const next = start + limit < rows.length ? String(start + limit) : null
  return { items, total: rows.length, nextCursor: next }
}

/** A valid unified social credit code (the demo fleet's; check character D). */
export const validCreditCode = '91330106MA2B3C4D5D'

export function invoiceRow(overrides: Partial<InvoiceRow> = {}): InvoiceRow {
  return {
    id: 'inv-1',
    kind: 'singleTrip',
    invoiceNo: '24332000000012345678',
    vehicleId: 'veh-1',
    plate: '浙A12345',
    plateColor: '蓝',
    titleName: '杭州顺达物流有限公司',
    payee: invoicePayee,
    issuedAt: '2024-12-02T02:00:00.000Z',
    amount: 11600 as Fen,
    status: 'issued',
    entryStation: '杭州北',
    exitStation: '宁波东',
    passedAt: '2024-11-22T08:46:17.000Z', // 16:46:17 in Shanghai
    month: null,
    tripCount: 1,
    orderNo: null,
    ...overrides,
  }
}

export function singleTripRows(n: number): InvoiceRow[] {
  return Array.from({ length: n }, (_, i) =>
    invoiceRow({ id: `inv-${i + 1}`, invoiceNo: `2433200000001234${String(i + 1).padStart(4, '0')}` }),
  )
}

export const mergedRow = invoiceRow({
  id: 'inv-m1',
  kind: 'monthlyMerged',
  invoiceNo: '24332000000099990001',
  entryStation: null,
  exitStation: null,
  passedAt: null,
  month: '2024-11',
  tripCount: 25,
  amount: 52300 as Fen,
})

export function invoiceDetail(
  row: InvoiceRow = invoiceRow(),
  overrides: Partial<InvoiceDetail> = {},
): InvoiceDetail {
  return {
    invoice: {
      ...row,
      invoiceCode: '033002400111',
      net: 11262 as Fen,
      tax: 338 as Fen,
      taxRate: '3%',
      payeeTaxNumber: '91330000MA27U0ABCD',
    },
    title: {
      kind: 'company',
      name: row.titleName,
      taxNumber: validCreditCode,
      address: '杭州市西湖区文三路1号',
      phone: '0571-88888888',
      bank: '中国工商银行杭州分行',
      bankAccount: '1202000000000000001',
    },
    pdf: { fileName: `发票${row.invoiceNo}.pdf` },
    reissue: null,
    replaces: null,
    canReissue: row.status === 'issued',
    ...overrides,
  }
}

export function tripRows(n: number): InvoiceTripRow[] {
  return Array.from({ length: n }, (_, i) => ({
    tripId: `trip-${i + 1}`,
    plate: '浙A12345',
    entryStation: '杭州北',
    exitStation: `出口${i + 1}`,
    entryAt: '2024-11-03T00:00:00.000Z',
    exitAt: '2024-11-03T01:00:00.000Z',
    amount: 2000 as Fen,
  }))
}

export function titleView(overrides: Partial<InvoiceTitleView> = {}): InvoiceTitleView {
  return {
    id: 'tt-1',
    vehicleId: 'veh-1',
    kind: 'company',
    name: '杭州顺达物流有限公司',
    taxNumber: validCreditCode,
    address: null,
    phone: null,
    bank: null,
    bankAccount: null,
    isDefault: true,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  }
}

export function settingsView(overrides: Partial<InvoiceSettingsView> = {}): InvoiceSettingsView {
  return {
    vehicleId: 'veh-1',
    plate: '浙A12345',
    plateColor: '蓝',
    cardType: 'credit',
    singleTrip: false,
    monthlyMerged: true,
    email: '123456789@163.com',
    autoSend: true,
    defaultTitle: '杭州顺达物流有限公司',
    updatedAt: '2024-11-01T02:00:00.000Z',
    ...overrides,
  }
}

/** A fleet of `n` current vehicles, plates 浙F00001…, the first half without a title. */
export function fleetRows(n: number): InvoiceSettingsView[] {
  return Array.from({ length: n }, (_, i) =>
    settingsView({
      vehicleId: `veh-${i + 1}`,
      plate: `浙F${String(i + 1).padStart(5, '0')}`,
      plateColor: '黄',
      defaultTitle: i < n / 2 ? null : '旧抬头公司',
    }),
  )
}

export function previewOf(rows: InvoiceSettingsView[], title: string): FleetPreview {
  const items: FleetPreviewRow[] = rows.slice(0, 20).map((r) => {
    const before = {
      singleTrip: r.singleTrip,
      monthlyMerged: r.monthlyMerged,
      email: r.email,
      autoSend: r.autoSend,
      defaultTitle: r.defaultTitle,
    }
    return {
      vehicleId: r.vehicleId,
      plate: r.plate,
      plateColor: r.plateColor,
      cardType: r.cardType,
      before,
      after: { ...before, defaultTitle: title },
      changes: true,
      problem: null,
    }
  })
  return { items, total: rows.length, nextCursor: null, willChange: rows.length, unchanged: 0, problems: 0 }
}

export function applyAnswer(overrides: Partial<FleetApplyResult> = {}): FleetApplyResult {
  return {
    batchKey: 'bkey-0000000001',
    state: 'done',
    continuation: null,
    total: 0,
    processed: 0,
    changed: 0,
    unchanged: 0,
    failed: 0,
    failures: [],
    operatedAt: '2026-11-23T06:30:00.000Z',
    items: [],
    ...overrides,
  }
}

export const unitMe: Me = {
  ...me,
  account: { id: 'acc-u-shunda', userType: 'unit', displayName: '杭州**物流有限公司' },
}
