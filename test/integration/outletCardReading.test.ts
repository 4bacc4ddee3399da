/**
 * The outlet's card reading before 未圈存 (src/packages/outlet/cardReading.ts) over the phone's real
 * BLE stack to a virtual OBU (tools/virtual-card): the reply is the card's own INITIALIZE FOR LOAD
 * (balance, online serial, MAC1) and the card's purse is left as it was.
 */
import { parseInitForLoad } from '../../src/ble/apdu/responses'
import { Apdu } from '../../src/ble/apdu/commands'
import { bytesToHex, hexToBytes } from '../../src/ble/bytes'
import { PIN_LOCKED } from '../../src/packages/load/flow'
import { PIN_NEEDED, readForReset } from '../../src/packages/outlet/cardReading'
import { createVirtualSetup } from '../../tools/virtual-card/harness'

const readApdu = bytesToHex(Apdu.initializeForLoad(1, 20_000, '000000000001'))

describe('readForReset', () => {
  test('answers the card’s INITIALIZE FOR LOAD reply with the balance and serial it holds, writing nothing', async () => {
    const setup = createVirtualSetup({ card: { balance: 12_345, onlineSerial: 41 } })
    const channel = await setup.run(setup.connect())
    const reply = await setup.run(readForReset(channel, readApdu))
    expect(reply.endsWith('9000')).toBe(true)
    const init = parseInitForLoad(hexToBytes(reply).slice(0, -2))
    expect(init.oldBalance).toBe(12_345)
    expect(init.onlineSerial).toBe(41)
    expect(setup.card.state).toMatchObject({ balance: 12_345, onlineSerial: 41 })
  })

  test('a card that wants its PIN gets the issuer’s default once, in the same message', async () => {
    const setup = createVirtualSetup({ card: { balance: 500, onlineSerial: 3, pinRequired: true } })
    const channel = await setup.run(setup.connect())
    const reply = await setup.run(readForReset(channel, readApdu))
    expect(parseInitForLoad(hexToBytes(reply).slice(0, -2)).oldBalance).toBe(500)
  })

  test('a PIN other than the default: stops, the card loses one try only', async () => {
    const setup = createVirtualSetup({ card: { pinRequired: true, pin: '8888', pinTries: 3 } })
    const channel = await setup.run(setup.connect())
    await expect(setup.run(readForReset(channel, readApdu))).rejects.toThrow(PIN_NEEDED)
    expect(setup.card.state.pinTriesLeft).toBe(2)
  })

  test('a locked card says so', async () => {
    const setup = createVirtualSetup({ card: { pinRequired: true, pin: '8888', pinTries: 1 } })
    const channel = await setup.run(setup.connect())
    await expect(setup.run(readForReset(channel, readApdu))).rejects.toThrow(PIN_LOCKED)
  })
})
