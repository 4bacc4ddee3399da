import { waitFor } from '@testing-library/dom'
import type { ActionRequest, ApiEnvelope, CardRow } from '../../../../../types'
import { balances, cardRow, cardsPage, creditCards, storedCards } from '../../../../testing/etc-fixtures'
import { fakeSend, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import CardsPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

type ListRequest = ActionRequest<'cards.list'>

function answer(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

function requests(action: string): unknown[] {
  return jest
    .mocked(send)
    .mock.calls.map(([envelope]) => envelope)
    .filter((e) => e.action === action)
    .map((e) => e.payload)
}

const extraCredit: CardRow = cardRow({ id: 'card-3', cardNo: '2110*****5225', plate: '浙Z106NX' })

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  answer({
    'cards.list': (payload) => {
      const p = payload as ListRequest
      if (p.type === 'stored') return { data: cardsPage('stored', storedCards) }
      if (p.cursor === 'page-2') return { data: cardsPage('credit', [extraCredit], { total: 3 }) }
      return { data: cardsPage('credit', creditCards, { total: 3, nextCursor: 'page-2' }) }
    },
    'cards.balances': { data: { items: balances } },
  })
})

/** The filter form is folded behind 筛选 until opened. */
async function openFilters(): Promise<void> {
  click(find('.list-with-filters__toggle'))
  await waitFor(() => expect(document.querySelector('.etc-filter-card-no input')).not.toBeNull())
}

async function openStoredTab(): Promise<void> {
  await mount(() => <CardsPage />)
  await waitForText('共 3 条')
  click(find('.etc-cards-tab-stored'))
  await waitForText('储值账户未预分配金额')
  await waitForText('3301*****8867')
}

describe('通行卡管理', () => {
  it('opens on the credit tab with the 已发行 default, the seed columns and 共 N 条', async () => {
    await mount(() => <CardsPage />)
    await waitForText('共 3 条')
    expect(requests('cards.list')[0]).toEqual({ type: 'credit', status: 'issued', limit: 20 })
    const rows = document.querySelectorAll('.etc-card-row')
    expect(rows).toHaveLength(2)
    expect(text(rows[0])).toContain('1811*****9788')
    expect(text(rows[0])).toContain('已发行')
    expect(text(rows[0])).toContain('浙Z106NX')
    expect(text(rows[0])).toContain('正常')
    expect(text(rows[0])).toContain('发行时间 2023-08-10')
    expect(text(rows[0])).toContain('更新日期 2023-12-21')
    expect(text(rows[1])).toContain('名单中')
    expect(rows[0].querySelector('.plate-tag--blue')).not.toBeNull()
    // credit cards have no purse: no balances, no unallocated block
    expect(document.querySelector('.etc-card-balance')).toBeNull()
    expect(document.querySelector('.etc-unallocated')).toBeNull()
  })

  it('folds the filters behind 筛选 and names the applied ones in the count', async () => {
    await mount(() => <CardsPage />)
    await waitForText('共 3 条（已发行）')
    expect(document.querySelector('.etc-filter-plate')).toBeNull()
    // the first row follows the tabs and the bar, not a half-screen form
    expect(find('.list-with-filters__bar').compareDocumentPosition(find('.etc-card-row'))).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    )
    await openFilters()
    click(find('.etc-cards-status-list-listed'))
    await waitForText('共 3 条（已发行 · 状态名单）')
    click(find('.list-with-filters__toggle'))
    await waitForText('筛选 1')
  })

  it('keeps the filters while loading more', async () => {
    await mount(() => <CardsPage />)
    await waitForText('共 3 条')
    await openFilters()
    click(find('.etc-cards-status-all'))
    await waitFor(() => expect(requests('cards.list')).toHaveLength(2))
    click(find('.etc-cards-status-list-listed'))
    await waitFor(() => expect(requests('cards.list')).toHaveLength(3))
    await waitForText('加载更多')
    click(find('.list-with-filters__more'))
    await waitForText('2110*****5225')
    const last = requests('cards.list').at(-1)
    expect(last).toEqual({ type: 'credit', status: 'all', statusList: 'listed', cursor: 'page-2', limit: 20 })
    expect(document.querySelectorAll('.etc-card-row')).toHaveLength(3)
    expect(text()).toContain('没有更多了')
  })

  it('refuses a malformed card number before asking the server', async () => {
    await mount(() => <CardsPage />)
    await waitForText('共 3 条')
    const before = requests('cards.list').length
    await openFilters()
    const input = find('.etc-filter-card-no input') as HTMLInputElement
    input.value = '1234'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    click(find('.etc-filter-search'))
    await waitForText('通行卡卡号应为20位数字')
    expect(requests('cards.list')).toHaveLength(before)
  })

  it('stored tab: unallocated balance with 充值 and 预分配, the lag note, balances **** until 显示', async () => {
    await openStoredTab()
    expect(text(find('.etc-unallocated'))).toContain('¥0.21')
    expect(text(find('.etc-unallocated'))).toContain('充值')
    expect(text(find('.etc-unallocated'))).toContain('预分配')
    expect(text()).toContain('提示: 由于通行信息滞后，实际金额与网站显示金额存在误差，仅供参考！')
    expect(requests('cards.list').at(-1)).toMatchObject({ type: 'stored', status: 'issued' })
    // note and button share one card: the button is laid out inside it, not past the margin
    expect(find('.etc-cards__stored-bar').classList.contains('card')).toBe(true)
    expect(find('.etc-cards__stored-bar').contains(find('.etc-card-show-balance'))).toBe(true)
    expect(text(find('.etc-card-show-balance'))).toBe('显示余额')

    const shownBalances = () => Array.from(document.querySelectorAll('.etc-card-balance')).map((b) => text(b))
    expect(shownBalances()).toEqual(['卡上余额****卡上未圈存金额****', '卡上余额****卡上未圈存金额****'])
    expect(requests('cards.balances')).toHaveLength(0)

    click(find('.etc-card-show-balance'))
    await waitForText('¥123.45')
    // only the cards that may be shown: never the cancelled one
    expect(requests('cards.balances')).toEqual([{ cardIds: ['card-s1', 'card-s2'] }])
    expect(shownBalances()).toEqual([
      '卡上余额¥123.45卡上未圈存金额¥5.00',
      '卡上余额¥0.00卡上未圈存金额¥0.00',
    ])

    click(find('.etc-card-show-balance'))
    await waitForText('卡上余额****')
  })

  it('cancelled cards have neither a balance nor a detail entry', async () => {
    await openStoredTab()
    const rows = Array.from(document.querySelectorAll('.etc-card-row'))
    expect(rows).toHaveLength(3)
    const cancelled = rows[2]
    expect(text(cancelled)).toContain('已注销')
    expect(cancelled.querySelector('.etc-card-balance')).toBeNull()
    expect(cancelled.querySelector('.etc-card-row__detail')).toBeNull()
    expect(rows[0].querySelector('.etc-card-row__detail')).not.toBeNull()
    expect(rows[1].querySelector('.etc-card-row__detail')).not.toBeNull()
  })

  it('shows the error of the show action and keeps ****', async () => {
    answer({
      'cards.list': { data: cardsPage('stored', storedCards) },
      'cards.balances': { error: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试' },
    })
    await mount(() => <CardsPage />)
    click(find('.etc-cards-tab-stored'))
    await waitForText('储值账户未预分配金额')
    await waitForText('3301*****8867')
    click(find('.etc-card-show-balance'))
    await waitForText('操作过于频繁，请稍后再试')
    expect(text()).not.toContain('¥123.45')
    expect(text(find('.etc-card-balance'))).toContain('****')
  })

  it('shows 暂无数据 and a retry on errors', async () => {
    answer({ 'cards.list': { error: 'INTERNAL' } })
    await mount(() => <CardsPage />)
    await waitForText('系统繁忙，请稍后再试')
    answer({ 'cards.list': { data: cardsPage('credit', []) } })
    click(find('.list-with-filters__retry'))
    await waitForText('暂无数据')
  })
})
