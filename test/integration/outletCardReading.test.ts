/**
 * The outlet's card reading before 未圈存 (src/packages/outlet/cardReading.ts) over the phone's real
 * BLE stack to a virtual OBU (tools/virtual-card): the reply is the card's own INITIALIZE FOR LOAD
 * (balance, online serial, MAC1) and the card's purse is left as it was.
 */
import { parseInitForLoad } from '../../src/ble/apdu/responses'
import { Apdu } from '../../src/ble/apdu/commands'
import { bytesToHex, hexToBytes } from '../../src/ble/bytes'
import { DEFAULT_PIN } from '../../src/packages/load/flow'
import { READING_PIN_LOCKED, readForReset, type ResetReading } from '../../src/packages/outlet/cardReading'
import { createVirtualSetup } from '../../tools/virtual-card/harness'

const readApdu = bytesToHex(Apdu.initializeForLoad(1, 20_000, '000000000001'))

/** The card's reply to the record's init, read: the balance and serial it holds. */
function readingOf(
  reading: ResetReading,
  pin: string | null = null,
): { oldBalance: number; onlineSerial: number } {
  if (reading.kind !== 'read') throw new Error(`no reading: ${JSON.stringify(reading)}`)
  // the PIN the card accepted on the way, for the 圈存 that follows
  expect(reading.pin).toBe(pin)
  expect(reading.response.endsWith('9000')).toBe(true)
  return parseInitForLoad(hexToBytes(reading.response).slice(0, -2))
}

describe('readForReset', () => {
  test('answers the card’s INITIALIZE FOR LOAD reply with the balance and serial it holds, writing nothing', async () => {
    const setup = createVirtualSetup({ card: { balance: 12_345, onlineSerial: 41 } })
    const channel = await setup.run(setup.connect())
    const init = readingOf(await setup.run(readForReset(channel, readApdu)))
    expect(init.oldBalance).toBe(12_345)
    expect(init.onlineSerial).toBe(41)
    expect(setup.card.state).toMatchObject({ balance: 12_345, onlineSerial: 41 })
  })

  test('a card that wants its PIN gets the issuer’s default once, in the same message', async () => {
    const setup = createVirtualSetup({ card: { balance: 500, onlineSerial: 3, pinRequired: true } })
    const channel = await setup.run(setup.connect())
    expect(readingOf(await setup.run(readForReset(channel, readApdu)), DEFAULT_PIN).oldBalance).toBe(500)
  })

  test('a PIN other than the default: asks for it, then reads with the PIN the customer typed', async () => {
    const setup = createVirtualSetup({
      card: { balance: 700, onlineSerial: 9, pinRequired: true, pin: '8888', pinTries: 3 },
    })
    const channel = await setup.run(setup.connect())
    // the default once: the card says how many tries are left, and nothing is read
    expect(await setup.run(readForReset(channel, readApdu))).toEqual({ kind: 'pin', triesLeft: 2 })
    expect(setup.card.state.pinTriesLeft).toBe(2)
    // a later reading of the same card never sends the default again
    const asked = await setup.run(readForReset(channel, readApdu, { tryDefault: false }))
    expect(asked).toEqual({ kind: 'pin', triesLeft: null })
    expect(setup.card.state.pinTriesLeft).toBe(2)
    // a wrong typed PIN costs one try and asks again
    const wrong = await setup.run(readForReset(channel, readApdu, { pin: '1111', tryDefault: false }))
    expect(wrong).toEqual({ kind: 'pin', triesLeft: 1 })
    // the right one reads the card, whose counter is restored and purse untouched
    const right = await setup.run(readForReset(channel, readApdu, { pin: '8888', tryDefault: false }))
    expect(readingOf(right, '8888')).toMatchObject({ oldBalance: 700, onlineSerial: 9 })
    expect(setup.card.state).toMatchObject({ balance: 700, onlineSerial: 9, pinTriesLeft: 3 })
  })

  test('a locked card says so, and the outlet’s wording', async () => {
    const setup = createVirtualSetup({ card: { pinRequired: true, pin: '8888', pinTries: 1 } })
    const channel = await setup.run(setup.connect())
    await expect(setup.run(readForReset(channel, readApdu))).rejects.toThrow(READING_PIN_LOCKED)
    await expect(
      setup.run(readForReset(channel, readApdu, { pin: '8888', tryDefault: false })),
    ).rejects.toThrow(READING_PIN_LOCKED)
    expect(setup.card.state.pinTriesLeft).toBe(0)
  })
})
