/** The 圈存 entry where the unloaded amount is shown: 通行卡管理's stored tab, next to 详情. */
import type { ActionRequest, ApiEnvelope } from '../../../types'
import { balances, cardsPage, creditCards, storedCards } from '../../testing/etc-fixtures'
import { fakeSend } from '../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import CardsPage from '../etc/pages/cards'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'cards.list': (payload) =>
      (payload as ActionRequest<'cards.list'>).type === 'stored'
        ? { data: cardsPage('stored', storedCards) }
        : { data: cardsPage('credit', creditCards) },
    'cards.balances': { data: { items: balances } },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

const actions = () => Array.from(document.querySelectorAll('.etc-card-row__actions')).map((a) => text(a))

it('offers 圈存 on a stored-value card once its unloaded amount is known to be above zero', async () => {
  await mount(() => <CardsPage />)
  await waitForText('记账卡')
  click(find('.etc-cards-tab-stored'))
  await waitForText('3301*****8867')
  // amounts masked: nothing known to load yet
  expect(document.querySelector('.etc-card-row__load')).toBeNull()
  click(find('.etc-card-show-balance'))
  await waitForText('¥123.45')
  // card-s1 has ¥5.00 unloaded, card-s2 none
  expect(actions()).toEqual(['圈存详情', '详情'])
})
