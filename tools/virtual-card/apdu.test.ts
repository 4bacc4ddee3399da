import fc from 'fast-check'
import { VirtualCard, type VirtualCardOptions } from './card'
import { loadSessionKey, sessionMac } from './cardCrypto'
import { bytesToHex, hexToBytes } from '../../src/ble/bytes'
import { CardLinkError } from '../../src/ble/errors'
import {
  Apdu,
  assertStoredValue,
  creditForLoad,
  decodeGbk,
  expectOk,
  gbkTableEntries,
  getTransactionProof,
  initializeForLoad,
  parse0015,
  pinTriesLeft,
  readCard,
  readRecords,
  verifyPin,
  type CardChannel,
} from '../../src/ble/apdu'

const DLK = '0123456789ABCDEFFEDCBA9876543210'

function cardOf(extra: Partial<VirtualCardOptions> = {}) {
  return new VirtualCard({
    cardNo: '33010123456789012345',
    type: 'stored',
    balance: 12345,
    onlineSerial: 41,
    algorithm: '3des',
    keys: { dlk: DLK, dtk: DLK },
    plate: '浙AD35288',
    plateColor: 4,
    ...extra,
  })
}

/** The simplest channel: straight to the card, one APDU at a time. */
function direct(card: VirtualCard): CardChannel {
  return { transceive: async (apdus) => apdus.map((a) => card.transceive(a)) }
}

describe('APDU builders', () => {
  it('match the bytes of load-protocol.md §3–4', () => {
    expect(bytesToHex(Apdu.verifyPin('123456'))).toBe('0020000003123456')
    expect(bytesToHex(Apdu.initializeForLoad(1, 1000, '818688168156'))).toBe(
      '805000020B01000003E881868816815610',
    )
    expect(bytesToHex(Apdu.creditForLoad('20111221', '214822', '3A845BF0'))).toBe(
      '805200000B201112212148223A845BF004',
    )
    expect(bytesToHex(Apdu.read0015())).toBe('00B095002B')
    expect(bytesToHex(Apdu.getBalance())).toBe('805C000204')
    expect(bytesToHex(Apdu.getTransactionProof(0x29))).toBe('805A000202002908')
    expect(bytesToHex(Apdu.readRecord())).toBe('00B201C417')
  })
})

describe('reading a card', () => {
  it('reads card number, type, GBK plate, colour, dates and balance', async () => {
    const reading = await readCard(direct(cardOf({ startDate: '20240101', expiryDate: '20340101' })))
    expect(reading.balance).toBe(12345)
    expect(reading.file).toMatchObject({
      cardNo: '33010123456789012345',
      networkId: '3301',
      cardKind: 'stored',
      plate: '浙AD35288',
      plateColor: 4,
      issuerProvince: '浙江',
      startDate: '20240101',
      expiryDate: '20340101',
    })
  })

  it('decodes the plate with the small table exactly as TextDecoder(gbk) does', () => {
    for (const [ch, code] of gbkTableEntries()) {
      expect(new TextDecoder('gbk').decode(Uint8Array.of(code >> 8, code & 0xff))).toBe(ch)
    }
    const file = cardOf({ plate: '粤B12345警' }).issuerFile
    expect(decodeGbk(file.subarray(28, 40), true)).toBe('粤B12345警')
    expect(decodeGbk(Uint8Array.of(0xb0, 0xa1, 0x41, 0x00), true)).toBe('?A')
  })

  it('reads the plate colour in two bytes or in one', () => {
    const file = cardOf({ plateColor: 1 }).issuerFile
    expect(parse0015(file).plateColor).toBe(1)
    const oneByte = file.slice()
    oneByte[41] = 0x01
    oneByte[42] = 0x00
    expect(parse0015(oneByte).plateColor).toBe(1)
    expect(parse0015(oneByte.subarray(0, 42)).plateColor).toBe(1)
  })

  it('refuses credit cards for loading with a clear message', async () => {
    const reading = await readCard(direct(cardOf({ type: 'credit' })))
    expect(reading.file.cardKind).toBe('credit')
    expect(() => assertStoredValue(reading.file)).toThrow('记账卡无需圈存，只有储值卡可以圈存')
  })
})

describe('status words', () => {
  it.each([
    ['6983', 'CARD_PIN_LOCKED', '卡片密码已锁定，请到营业网点解锁'],
    ['6981', 'CARD_FILE_TYPE', '卡片文件类型不符，请确认插入的是ETC储值卡'],
    ['9302', 'CARD_MAC_WRONG', '圈存校验失败（MAC2错误），卡内余额未变化'],
    ['9406', 'CARD_NO_PROOF', '卡片没有该笔交易的记录'],
    ['63C2', 'CARD_PIN_WRONG', '卡片密码错误，还可尝试2次'],
    ['6F00', 'CARD_STATUS', '卡片返回异常状态（6F00），请重试'],
  ])('%s → %s', (sw, code, message) => {
    let caught: unknown
    try {
      expectOk(hexToBytes('0102' + sw), 'test')
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(CardLinkError)
    expect(caught).toMatchObject({ code, message, sw: parseInt(sw, 16) })
  })

  it('a short response is CARD_RESPONSE', () => {
    expect(() => expectOk(new Uint8Array(1), 'x')).toThrow(expect.objectContaining({ code: 'CARD_RESPONSE' }))
  })

  it('PIN: one try per call, tries left reported, 6983 when locked', async () => {
    const card = cardOf({ pinRequired: true })
    const channel = direct(card)
    await readCard(channel)
    const wrong = await verifyPin(channel, '000000').catch((e: unknown) => e)
    expect(pinTriesLeft(wrong)).toBe(2)
    expect(card.state.pinTriesLeft).toBe(2)
    await verifyPin(channel, '123456')
    await expect(verifyPin(channel, '111111')).rejects.toMatchObject({ code: 'CARD_PIN_WRONG' })
    await expect(verifyPin(channel, '111111')).rejects.toMatchObject({ code: 'CARD_PIN_WRONG' })
    await expect(verifyPin(channel, '111111')).rejects.toMatchObject({ code: 'CARD_PIN_LOCKED' })
  })
})

describe('load commands against the virtual card', () => {
  it('init (with PIN in the same message) → credit → proof → record, for any amount', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000_000 }), async (amount) => {
        const card = cardOf({ pinRequired: true })
        const channel = direct(card)
        await readCard(channel)
        const init = await initializeForLoad(channel, {
          keyIndex: 1,
          amount,
          terminal: '818688168156',
          pin: '123456',
        })
        expect(init).toMatchObject({ oldBalance: 12345, onlineSerial: 41, keyVersion: 2, algorithmId: 0 })
        // the host side of the arithmetic, as the KeyService would do it
        const sk = loadSessionKey(
          '3des',
          Buffer.from(DLK, 'hex'),
          Buffer.from(init.random, 'hex'),
          init.onlineSerial,
        )
        const amountHex = amount.toString(16).padStart(8, '0')
        expect(
          bytesToHex(
            sessionMac(
              '3des',
              sk,
              Buffer.from(`${(12345).toString(16).padStart(8, '0')}${amountHex}02818688168156`, 'hex'),
            ),
          ),
        ).toBe(init.mac1)
        const mac2 = bytesToHex(
          sessionMac('3des', sk, Buffer.from(`${amountHex}0281868816815620261202120000`, 'hex')),
        )
        const { tac } = await creditForLoad(channel, '20261202', '120000', mac2)
        expect(card.state.balance).toBe(12345 + amount)
        expect(await getTransactionProof(channel, 41)).toEqual({ mac2, tac })
        const [record] = await readRecords(channel, 3)
        expect(record).toEqual({
          serial: 41,
          overdraft: 0,
          amount,
          type: 2,
          terminal: '818688168156',
          date: '20261202',
          time: '120000',
        })
      }),
      { numRuns: 20 },
    )
  })

  it('a wrong MAC2 is 9302 and the balance is unchanged; no proof is 9406', async () => {
    const card = cardOf()
    const channel = direct(card)
    await readCard(channel)
    await initializeForLoad(channel, { keyIndex: 1, amount: 100, terminal: '818688168156' })
    await expect(creditForLoad(channel, '20261202', '120000', '00000000')).rejects.toMatchObject({
      code: 'CARD_MAC_WRONG',
    })
    expect(card.state.balance).toBe(12345)
    await expect(getTransactionProof(channel, 41)).rejects.toMatchObject({ code: 'CARD_NO_PROOF' })
    expect(await readRecords(channel, 2)).toEqual([])
  })

  it('a PIN-requiring card refuses init without the PIN; the credit card refuses it too', async () => {
    const pinCard = direct(cardOf({ pinRequired: true }))
    await readCard(pinCard)
    await expect(
      initializeForLoad(pinCard, { keyIndex: 1, amount: 1, terminal: '818688168156' }),
    ).rejects.toMatchObject({
      code: 'CARD_SECURITY',
    })
    const credit = direct(cardOf({ type: 'credit' }))
    await readCard(credit)
    await expect(
      initializeForLoad(credit, { keyIndex: 1, amount: 1, terminal: '818688168156' }),
    ).rejects.toMatchObject({
      code: 'CARD_CONDITIONS',
    })
  })
})
