import Taro from '@tarojs/taro'
import type { ApiEnvelope, StoredCardFunds } from '../../../../../types'
import { fen } from '../../../../../types/money'
import { fakeSend } from '../../../../testing/fake-api'
import { moneyServer } from '../../../../testing/money-fixtures'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { BLUETOOTH_ONLY } from '../../platform'
import { LoadEntryView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(cards?: StoredCardFunds[]) {
  const server = moneyServer(cards ? { cards } : {})
  const fake = fakeSend(server.answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const cards = () => Array.from(document.querySelectorAll('.load-entry__card')).map((c) => text(c))
const nextDisabled = () => find('.load-entry__next').className.includes('nut-button-disabled')

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('圈存 entry', () => {
  it('lists the stored-value cards with their unloaded amounts; a card that cannot load says why', async () => {
    serve()
    await mount(() => <LoadEntryView initialCardId={null} nfc={false} />)
    await waitForText('浙C22222')
    expect(cards()).toEqual([
      '浙A1111D蓝牌3301*****4421待圈存 ¥2.33',
      '浙B54321黄牌3301*****5225待圈存 ¥0.88（已冻结，不可圈存）',
      '浙C22222渐变绿牌3301*****8867待圈存 ¥8.60',
    ])
    expect(nextDisabled()).toBe(true)
    // a frozen card cannot be chosen
    click(document.querySelectorAll('.load-entry__card')[1])
    expect(nextDisabled()).toBe(true)
    click(document.querySelectorAll('.load-entry__card')[2])
    await waitForText('下一步')
    expect(find('.load-entry__card.load-option--selected').textContent).toContain('浙C22222')
    expect(nextDisabled()).toBe(false)
  })

  it('Alipay and H5: Bluetooth only, and it says so', async () => {
    serve()
    await mount(() => <LoadEntryView initialCardId="card-m1" nfc={false} />)
    await waitForText('浙A1111D')
    expect(text(find('.load-entry__ble-only'))).toBe(BLUETOOTH_ONLY)
    expect(document.querySelector('.load-entry__nfc')).toBeNull()
    // the card the entry button came from is chosen already
    expect(find('.load-entry__card.load-option--selected').textContent).toContain('浙A1111D')
  })

  it('WeChat offers NFC next to Bluetooth', async () => {
    serve()
    await mount(() => <LoadEntryView initialCardId={null} nfc />)
    await waitForText('浙A1111D')
    expect(text(find('.load-entry__nfc'))).toBe('NFC贴卡圈存将储值卡贴紧手机背面')
    click(find('.load-entry__nfc'))
    await waitForText('NFC贴卡圈存')
    expect(find('.load-entry__nfc').className).toContain('load-option--selected')
    expect(document.querySelector('.load-entry__ble-only')).toBeNull()
  })

  it('充值并圈存: a card with nothing to load may still be recharged and then loaded', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    serve([
      {
        cardId: 'card-z',
        vehicleId: 'veh-z',
        plate: '浙AD35288',
        plateColor: '蓝',
        cardNo: '3301*****0001',
        status: 'issued',
        unloaded: fen(0),
        canReceive: true,
      },
    ])
    await mount(() => <LoadEntryView initialCardId={null} nfc={false} />)
    await waitForText('浙AD35288')
    expect(cards()).toEqual(['浙AD35288蓝牌3301*****0001待圈存 ¥0.00（无待圈存金额）'])
    const payDisabled = () => find('.load-entry__pay').className.includes('nut-button-disabled')
    expect(payDisabled()).toBe(true)
    click(find('.load-entry__card'))
    await waitForText('充值并圈存')
    // nothing to load yet: only 充值并圈存
    expect(nextDisabled()).toBe(true)
    expect(payDisabled()).toBe(false)
    click(find('.load-entry__pay'))
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/money/pages/recharge/index?then=load&cardId=card-z&transport=ble',
    })
    navigateTo.mockRestore()
  })
})
