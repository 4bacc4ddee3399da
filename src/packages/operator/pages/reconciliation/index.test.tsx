import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend } from '../../../../testing/fake-api'
import { operatorLogin, reportSummary } from '../../../../testing/operator-fixtures'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { readSession, saveSession } from '../../../../services/api/session'
import { fen } from '../../../../../types/money'
import { readOperatorSession, saveOperatorSession } from '../../shared/session'
import ReconciliationPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const wechat = [
  reportSummary('2025-06-14', { status: 'running' }),
  reportSummary('2025-06-13', {
    status: 'discrepant',
    payments: { count: 3, total: fen(1_234_567) },
    counts: { credited: 0, lateRefunds: 0, orphans: 0, discrepancies: 2 },
  }),
  reportSummary('2025-06-12'),
]
const alipay = [reportSummary('2025-06-14', { provider: 'alipay' })]

function answerWith(answers: Parameters<typeof fakeSend>[0]): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const listPayloads = () =>
  jest
    .mocked(send)
    .mock.calls.filter(([e]) => e.action === 'operator.reconciliation.list')
    .map(([e, token]) => [e.payload, token])

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  answerWith({
    'operator.reconciliation.list': (payload) => {
      const { provider, cursor } = payload as { provider: string; cursor?: string }
      if (provider === 'alipay') return { data: { items: alipay, total: 1, nextCursor: null } }
      return cursor
        ? { data: { items: wechat.slice(2), total: 3, nextCursor: null } }
        : { data: { items: wechat.slice(0, 2), total: 3, nextCursor: 'next' } }
    },
  })
})

function loggedIn(): void {
  const login = operatorLogin()
  saveOperatorSession({ token: login.token, expiresAt: login.expiresAt, operator: login.operator })
}

describe('reconciliation reports page', () => {
  it('without an operator session goes to the operator login, even with a driver session', async () => {
    saveSession({ token: 'driver-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
    await mount(() => <ReconciliationPage />)
    await waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/operator/pages/login/index' }),
    )
    expect(jest.mocked(send)).not.toHaveBeenCalled()
    redirectTo.mockRestore()
  })

  it('lists the days with their status badges and totals in yuan, with the operator token', async () => {
    saveSession({ token: 'driver-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
    loggedIn()
    await mount(() => <ReconciliationPage />)
    await waitForText('共 3 条（微信支付）')
    expect(text()).toContain('操作员 演示对账员（op-demo）')
    expect(find('.operator-report-2025-06-13 .report-status--discrepant').textContent).toBe('有差异')
    expect(find('.operator-report-2025-06-14 .report-status--running').textContent).toBe('对账中')
    expect(text(find('.operator-report-2025-06-13'))).toContain('支付 3 笔 ¥12,345.67')
    expect(text(find('.operator-report-2025-06-13'))).toContain('差异 2')
    expect(listPayloads()).toEqual([[{ provider: 'wechat', limit: 20 }, 'op.operator-token']])

    click(find('.list-with-filters__more'))
    await waitFor(() => expect(document.querySelector('.operator-report-2025-06-12')).not.toBeNull())
    expect(find('.operator-report-2025-06-12 .report-status--balanced').textContent).toBe('平账')
    expect(text()).toContain('没有更多了')
  })

  it('switches provider with the tabs', async () => {
    loggedIn()
    await mount(() => <ReconciliationPage />)
    await waitForText('共 3 条（微信支付）')
    click(find('.operator-tab-alipay'))
    await waitForText('共 1 条（支付宝）')
    expect(listPayloads().map(([p]) => p)).toEqual([
      { provider: 'wechat', limit: 20 },
      { provider: 'alipay', limit: 20 },
    ])
  })

  it('opens a report', async () => {
    loggedIn()
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
    await mount(() => <ReconciliationPage />)
    await waitForText('共 3 条')
    click(find('.operator-report-2025-06-13'))
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/operator/pages/reconciliation-detail/index?id=wechat%3A2025-06-13',
    })
    navigateTo.mockRestore()
  })

  it('a lost operator session goes back to the operator login and leaves the driver session alone', async () => {
    saveSession({ token: 'driver-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
    loggedIn()
    answerWith({
      'operator.reconciliation.list': { error: 'SESSION_INVALID', message: '您已退出登录，请重新登录' },
    })
    const reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
    await mount(() => <ReconciliationPage />)
    await waitFor(() =>
      expect(reLaunch).toHaveBeenCalledWith({ url: '/packages/operator/pages/login/index' }),
    )
    expect(readOperatorSession()).toBeNull()
    expect(readSession()?.token).toBe('driver-token')
    reLaunch.mockRestore()
  })

  it('shows a refusal as the server words it', async () => {
    loggedIn()
    answerWith({ 'operator.reconciliation.list': { error: 'FORBIDDEN', message: '当前操作员没有此项权限' } })
    await mount(() => <ReconciliationPage />)
    await waitForText('当前操作员没有此项权限')
    expect(readOperatorSession()).not.toBeNull()
  })
})
