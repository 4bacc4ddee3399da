/**
 * 【读卡】 of the outlet's 用户卡充值 (src/packages/outlet/recharge/cardInfo.ts) over the phone's real
 * BLE stack to a virtual OBU (tools/virtual-card): 车牌, 卡号 (full for the server, masked on screen),
 * 卡类型 and the balance before the recharge; a credit card is refused; the link is closed after.
 */
import { bleLink } from '../../src/packages/load/links'
import { CREDIT_CARD_REFUSED } from '../../src/packages/load/flow'
import { readOutletCard } from '../../src/packages/outlet/recharge/cardInfo'
import { createVirtualSetup } from '../../tools/virtual-card/harness'

describe('readOutletCard', () => {
  test('reads 0015 and the balance of a stored-value card, leaving its purse as it was', async () => {
    const setup = createVirtualSetup({
      card: {
        cardNo: '33010123456789012345',
        balance: 12_345,
        onlineSerial: 41,
        plate: '浙AD35288',
        plateColor: 4,
      },
    })
    const connect = bleLink(setup.adapter, setup.deviceId, { clock: setup.clock })
    const reading = await setup.run(readOutletCard(connect))
    expect(reading).toEqual({
      cardNo: '33010123456789012345',
      maskedCardNo: '3301*****2345',
      plate: '浙AD35288',
      plateColor: '渐变绿',
      cardType: '储值卡',
      refusal: null,
      balance: 12_345,
    })
    expect(setup.card.state).toMatchObject({ balance: 12_345, onlineSerial: 41 })
    // 【读卡】 again on a fresh link: the first one was closed
    const again = await setup.run(readOutletCard(connect))
    expect(again.balance).toBe(12_345)
  })

  test('a credit card is read but refused', async () => {
    const setup = createVirtualSetup({ card: { type: 'credit', plateColor: 0 } })
    const reading = await setup.run(
      readOutletCard(bleLink(setup.adapter, setup.deviceId, { clock: setup.clock })),
    )
    expect(reading).toMatchObject({ cardType: '记账卡', plateColor: '蓝', refusal: CREDIT_CARD_REFUSED })
  })
})
