import type { ApiEnvelope } from '../../../../../types'
import { fen } from '../../../../../types/money'
import { fakeSend } from '../../../../testing/fake-api'
import { operatorLogin, reportView } from '../../../../testing/operator-fixtures'
import { find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveOperatorSession } from '../../shared/session'
import { ReconciliationDetailView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const discrepant = reportView('2025-06-13', {
  status: 'discrepant',
  counts: { credited: 1, lateRefunds: 1, orphans: 1, discrepancies: 1 },
  discrepancies: [
    {
      kind: 'amount_mismatch',
      orderNo: 'R202506130007',
      providerTradeNo: '4200000077',
      refundNo: null,
      expected: fen(10_000),
      actual: fen(9_000),
    },
  ],
})

/** Each row of a section as "label: value". */
function rows(selector: string): string[] {
  return Array.from(find(selector).querySelectorAll('.operator-detail__row')).map(
    (row) =>
      `${text(row.querySelector('.operator-detail__label') ?? row)}: ${text(row.querySelector('.operator-detail__value') ?? row)}`,
  )
}

beforeEach(() => {
  localStorage.clear()
  const login = operatorLogin()
  saveOperatorSession({ token: login.token, expiresAt: login.expiresAt, operator: login.operator })
  jest.mocked(send).mockReset()
  const fake = fakeSend({
    'operator.reconciliation.detail': (payload) =>
      (payload as { id: string }).id === 'wechat:2025-06-13'
        ? { data: discrepant }
        : { error: 'NOT_FOUND', message: '对账报告不存在' },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

describe('reconciliation report detail', () => {
  it('shows the counts and totals in yuan, and every list', async () => {
    await mount(() => <ReconciliationDetailView id="wechat:2025-06-13" />)
    await waitForText('微信支付 2025-06-13')
    expect(find('.report-status--discrepant').textContent).toBe('有差异')
    expect(rows('.operator-detail-summary')).toEqual([
      '对账单支付: 12 笔 ¥12,500.00',
      '对账单退款: 1 笔 ¥50.00',
      '已核对支付: 11 笔',
      '已核对退款: 1 笔',
      '补记入账: 1 笔 ¥100.00',
      '无主支付退款: 1 笔 ¥20.00',
      '关单后支付退款: 1 笔 ¥30.00',
      '待核查差异: 1 笔',
    ])

    expect(text(find('.operator-detail-credited'))).toContain('R202506140001')
    expect(rows('.operator-detail-orphans')).toEqual([
      '商户订单号: X-unknown-1',
      '支付交易号: 4200000009',
      '金额: ¥20.00',
      '原因: 无对应订单',
      '退款单号: X4200000009（退款中）',
      '支付时间: 2025-06-13 11:00:00',
    ])
    expect(rows('.operator-detail-late')).toContain('退款单号: F202506140007（已退款）')
    expect(rows('.operator-detail-discrepancies')).toEqual([
      '类型: 支付金额不一致',
      '订单号: R202506130007',
      '支付交易号: 4200000077',
      '本系统记录: ¥100.00',
      '对账单记录: ¥90.00',
    ])

    const detail = jest.mocked(send).mock.calls.find(([e]) => e.action === 'operator.reconciliation.detail')
    expect(detail?.[1]).toBe('op.operator-token')
  })

  it('says so when a list is empty', async () => {
    const balanced = reportView('2025-06-12', { credited: [], orphans: [], lateRefunds: [] })
    const fake = fakeSend({ 'operator.reconciliation.detail': { data: balanced } })
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
    await mount(() => <ReconciliationDetailView id="wechat:2025-06-12" />)
    await waitForText('平账')
    expect(text(find('.operator-detail-credited'))).toContain('无（支付通知均已按时到达）')
    expect(text(find('.operator-detail-discrepancies'))).toContain('无差异')
  })

  it('shows a missing report with a retry', async () => {
    await mount(() => <ReconciliationDetailView id="wechat:2025-01-01" />)
    await waitForText('对账报告不存在')
    expect(text()).toContain('重试')
  })
})
