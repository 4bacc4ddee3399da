import fc from 'fast-check'
import { ReplyLostError, VirtualCard, type VirtualCardOptions } from './card'
import { hexToBytes, loadSessionKey, sessionMac, tac, tdesEcb } from './cardCrypto'
import { diversify, personalize } from './personalize'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase()
const apdu = (h: string) => Uint8Array.from(hexToBytes(h))

const VECTOR_DLK = '11223344556677888877665544332211'

function card(extra: Partial<VirtualCardOptions> = {}): VirtualCard {
  return new VirtualCard({
    cardNo: '33010123456789012345',
    type: 'stored',
    balance: 5000,
    onlineSerial: 7,
    algorithm: '3des',
    keys: { dlk: VECTOR_DLK, dtk: '0123456789ABCDEFFEDCBA9876543210' },
    plate: '浙A12345',
    plateColor: 0,
    ...extra,
  })
}

function selected(c: VirtualCard): VirtualCard {
  c.transceive(apdu('00A40000023F00'))
  c.transceive(apdu('00A40000021001'))
  return c
}

describe('published PBOC vector through the card', () => {
  it('reproduces session key, MAC1 and MAC2 with the card crypto', () => {
    const sk = loadSessionKey('3des', hexToBytes(VECTOR_DLK), hexToBytes('11223344'), 0)
    expect(hex(sk)).toBe('9B1D924E05595603')
    expect(hex(sessionMac('3des', sk, hexToBytes('00000000 00001000 01 001122334455')))).toBe('2988AE5A')
    expect(hex(sessionMac('3des', sk, hexToBytes('00001000 01 001122334455 20111221 214822')))).toBe(
      '3A845BF0',
    )
  })

  it('answers the published init and accepts the published credit', () => {
    const c = selected(card({ balance: 0, onlineSerial: 0, random: () => hexToBytes('11223344') }))
    const init = c.transceive(apdu('805000010B0100001000001122334455 10'.replace(' ', '')))
    expect(hex(init)).toBe('00000000' + '0000' + '02' + '00' + '11223344' + '2988AE5A' + '9000')
    const credit = c.transceive(apdu('805200000B20111221214822 3A845BF0 04'.replace(/ /g, '')))
    expect(hex(credit.subarray(4))).toBe('9000')
    expect(c.state.balance).toBe(0x1000)
    expect(c.state.onlineSerial).toBe(1)
  })
})

describe('purse semantics', () => {
  const terminal = '818688168156'
  function init(c: VirtualCard, amount: number) {
    const r = c.transceive(apdu(`805000020B01${amount.toString(16).padStart(8, '0')}${terminal}10`))
    expect(hex(r.subarray(16))).toBe('9000')
    return Buffer.from(r)
  }
  function mac2For(c: VirtualCard, initReply: Buffer, amount: number, dateTime: string) {
    const sk = loadSessionKey(
      '3des',
      hexToBytes(VECTOR_DLK),
      initReply.subarray(8, 12),
      initReply.readUInt16BE(4),
    )
    const data = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from([0x02]),
      hexToBytes(terminal),
      hexToBytes(dateTime),
    ])
    data.writeUInt32BE(amount, 0)
    return hex(sessionMac('3des', sk, data))
  }

  it('credits atomically: balance, serial, 0018 record, TAC verifiable with DTK, proof', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: 0, max: 65534 }),
        (balance, amount, serial) => {
          const c = selected(card({ balance, onlineSerial: serial }))
          const r = init(c, amount)
          expect(r.readUInt32BE(0)).toBe(balance)
          expect(r.readUInt16BE(4)).toBe(serial)
          const dt = '20261202153000'
          const out = c.transceive(apdu(`805200000B${dt}${mac2For(c, r, amount, dt)}04`))
          expect(hex(out.subarray(4))).toBe('9000')
          const dtk = hexToBytes('0123456789ABCDEFFEDCBA9876543210')
          const tacData = Buffer.alloc(10)
          tacData.writeUInt32BE(balance + amount, 0)
          tacData.writeUInt16BE(serial, 4)
          tacData.writeUInt32BE(amount, 6)
          const expected = tac(
            '3des',
            dtk,
            Buffer.concat([tacData, Buffer.from([2]), hexToBytes(terminal), hexToBytes(dt)]),
          )
          expect(hex(out.subarray(0, 4))).toBe(hex(expected))
          expect(c.state.balance).toBe(balance + amount)
          expect(c.state.onlineSerial).toBe(serial + 1)
          expect(c.state.records[0]).toEqual({
            serial,
            overdraft: 0,
            amount,
            type: 2,
            terminal,
            date: '20261202',
            time: '153000',
          })
          const record = c.transceive(apdu('00B201C417'))
          expect(record.length).toBe(25)
          expect(hex(record.subarray(23))).toBe('9000')
          const proof = c.transceive(apdu(`805A000202${serial.toString(16).padStart(4, '0')}08`))
          expect(hex(proof)).toBe(mac2For(c, r, amount, dt) + hex(expected) + '9000')
        },
      ),
      { numRuns: 50 },
    )
  })

  it('a wrong MAC2 answers 9302 and changes nothing; an init alone changes nothing', () => {
    const c = selected(card())
    const before = c.state
    init(c, 1000)
    expect(c.state).toEqual(before)
    const r = init(c, 1000)
    const bad = c.transceive(apdu(`805200000B2026120215300000000000`))
    expect(hex(bad)).toBe('9302')
    expect(c.state).toEqual(before)
    // and the MAC2 that would have been right is useless after the failed attempt
    const late = c.transceive(apdu(`805200000B20261202153000${mac2For(c, r, 1000, '20261202153000')}`))
    expect(hex(late)).toBe('6985')
    expect(c.state).toEqual(before)
    expect(hex(c.transceive(apdu('00B201C417')))).toBe('6A83')
    expect(hex(c.transceive(apdu('805A00020200070 8'.replace(/ /g, ''))))).toBe('9406')
  })

  it('issues a fresh random on every init', () => {
    const c = selected(card())
    const randoms = new Set<string>()
    for (let i = 0; i < 20; i++) randoms.add(hex(init(c, 100).subarray(8, 12)))
    expect(randoms.size).toBe(20)
  })

  it('a credit card refuses INITIALIZE FOR LOAD and reports type 0x17 in 0015', () => {
    const c = selected(card({ type: 'credit' }))
    expect(hex(c.transceive(apdu('805000020B0100000064818688168156 10'.replace(' ', ''))))).toBe('6985')
    expect(c.issuerFile[8]).toBe(0x17)
  })

  it('counts PIN tries: 63C2, 63C1, then 6983 locked; the right PIN resets the counter', () => {
    const c = selected(card({ pinRequired: true }))
    expect(hex(c.transceive(apdu('805000020B0100000064818688168156')))).toBe('6982')
    expect(hex(c.transceive(apdu('0020000003111111')))).toBe('63C2')
    expect(hex(c.transceive(apdu('0020000003123456')))).toBe('9000')
    expect(c.state.pinTriesLeft).toBe(3)
    expect(hex(c.transceive(apdu('805000020B0100000064818688168156')).subarray(16))).toBe('9000')
    for (const expected of ['63C2', '63C1', '6983', '6983']) {
      expect(hex(c.transceive(apdu('0020000003999999')))).toBe(expected)
    }
    expect(hex(c.transceive(apdu('0020000003123456')))).toBe('6983')
  })

  it('reads 0015 with network id, internal number, GBK plate and colour; balance', () => {
    const c = selected(card({ plate: '浙AD35288', plateColor: 4 }))
    const r = c.transceive(apdu('00B095002B'))
    expect(r.length).toBe(45)
    expect(hex(r.subarray(10, 20))).toBe('33010123456789012345')
    expect(new TextDecoder('gbk').decode(r.subarray(28, 40)).replace(/\0+$/, '')).toBe('浙AD35288')
    expect(r[42]).toBe(4)
    expect(hex(c.transceive(apdu('805C000204')))).toBe('000013889000')
  })

  it('needs the ETC application selected; unknown files and instructions are refused', () => {
    const c = card()
    expect(hex(c.transceive(apdu('805C000204')))).toBe('6985')
    expect(hex(c.transceive(apdu('00A40000021001')))).toBe('6A82')
    selected(c)
    expect(hex(c.transceive(apdu('00A40000020002')))).toBe('6A82')
    expect(hex(c.transceive(apdu('80CA000000')))).toBe('6D00')
    c.reset()
    expect(hex(c.transceive(apdu('805C000204')))).toBe('6985')
  })

  it('loseNextReply applies the command and then loses the reply', () => {
    const c = selected(card())
    const r = init(c, 300)
    c.loseNextReply(0x52)
    const dt = '20261202153000'
    expect(() => c.transceive(apdu(`805200000B${dt}${mac2For(c, r, 300, dt)}04`))).toThrow(ReplyLostError)
    expect(c.state.balance).toBe(5300)
    expect(c.state.onlineSerial).toBe(8)
  })

  it('SM4 cards load with SM4 MACs (assumed structure, no public vector)', () => {
    const c = selected(card({ algorithm: 'sm4' }))
    const r = init(c, 100)
    expect(r[7]).toBe(0x04)
    const sk = loadSessionKey('sm4', hexToBytes(VECTOR_DLK), r.subarray(8, 12), 7)
    expect(sk.length).toBe(16)
    const dt = '20261202153000'
    const m = sessionMac(
      'sm4',
      sk,
      Buffer.concat([hexToBytes('00000064 02'), hexToBytes(terminal), hexToBytes(dt)]),
    )
    expect(hex(c.transceive(apdu(`805200000B${dt}${hex(m)}04`)).subarray(4))).toBe('9000')
    expect(c.state.balance).toBe(5100)
  })
})

describe('personalisation', () => {
  it('diversifies left = 3DES(MK, serial), right = 3DES(MK, NOT serial)', () => {
    const mk = '404142434445464748494A4B4C4D4E4F'
    const key = diversify(mk, '33010123456789012345')
    const serial = hexToBytes('0123456789012345')
    expect(key.slice(0, 16)).toBe(hex(tdesEcb(hexToBytes(mk), serial)))
    expect(key.slice(16)).toBe(hex(tdesEcb(hexToBytes(mk), Buffer.from(serial.map((b) => ~b & 0xff)))))
    const opts = personalize({
      masterKeys: { mlk: mk, mtk: VECTOR_DLK },
      cardNo: '33010123456789012345',
      type: 'stored',
      balance: 0,
      onlineSerial: 0,
      algorithm: '3des',
      plate: '浙A1',
      plateColor: 0,
    })
    expect(opts.keys).toEqual({ dlk: key, dtk: diversify(VECTOR_DLK, '33010123456789012345') })
  })
})
