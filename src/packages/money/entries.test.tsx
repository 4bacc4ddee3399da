import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../types'
import { cardsPage, storedCards } from '../../testing/etc-fixtures'
import { fakeSend, me } from '../../testing/fake-api'
import { click, find, mount, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import MePage from '../../pages/me'
import CardsPage from '../etc/pages/cards'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

/** Where 充值, 预分配 and 历史记录 lead from the pages outside this subpackage. */
const targets = {
  recharge: '/packages/money/pages/recharge/index',
  allocate: '/packages/money/pages/allocate/index',
  records: '/packages/money/pages/records/index?tab=recharge',
}

let navigateTo: jest.SpyInstance

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'account.me': { data: me },
    'cards.list': { data: cardsPage('stored', storedCards) },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
  navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
})

afterEach(() => {
  jest.restoreAllMocks()
})

const urls = () => navigateTo.mock.calls.map(([o]) => (o as { url: string }).url)

describe('entries to the stored-value funds pages', () => {
  it('我的 → 储值卡资金服务: 充值, 预分配, 历史记录', async () => {
    await mount(() => <MePage />)
    await waitForText('储值卡资金服务')
    click(find('.me-stored-recharge'))
    click(find('.me-stored-allocate'))
    click(find('.me-stored-records'))
    expect(urls()).toEqual([targets.recharge, targets.allocate, targets.records])
  })

  it('通行卡管理 stored tab: 充值, 预分配 and 历史记录 beside the unallocated balance', async () => {
    await mount(() => <CardsPage />)
    click(find('.etc-cards-tab-stored'))
    await waitForText('储值账户未预分配金额')
    click(find('.etc-unallocated-recharge'))
    click(find('.etc-unallocated-allocate'))
    click(find('.etc-unallocated-records'))
    expect(urls()).toEqual([targets.recharge, targets.allocate, targets.records])
  })
})
