import fc from 'fast-check'
import {
  creditForLoadApdu,
  initForLoadApdu,
  parseInitResponse,
  parseTacResponse,
  transactionProofApdu,
} from './cardBytes'
import { contradicts } from './saga'
import type { CardLoadStateDoc } from './loadDocuments'
import { fen } from '../../../types/money'

describe('card bytes of a load', () => {
  test('the published init reply parses field by field, with or without 9000', () => {
    const reply = '00000000' + '0000' + '02' + '00' + '11223344' + '2988AE5A'
    const parsed = parseInitResponse(reply + '9000')
    expect(parsed).toEqual({
      balance: 0,
      onlineSerial: 0,
      keyVersion: 2,
      algorithmId: 0,
      random: '11223344',
      mac1: '2988AE5A',
      hex: reply,
    })
    expect(parseInitResponse(reply.toLowerCase())).toEqual(parsed)
  })

  test('a refusal status word, a wrong length or non-hex is BAD_RESPONSE', () => {
    const reply = '0000000000000200112233442988AE5A'
    expect(() => parseInitResponse(reply + '6985')).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }))
    expect(() => parseInitResponse(reply.slice(2))).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }))
    expect(() => parseInitResponse(reply.replace('A', 'G'))).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    )
  })

  test('TAC replies: credit = TAC, proof = MAC2 then TAC', () => {
    expect(parseTacResponse('A1B2C3D49000', 'credit')).toEqual({ tac: 'A1B2C3D4', mac2: null })
    expect(parseTacResponse('11111111A1B2C3D49000', 'proof')).toEqual({ mac2: '11111111', tac: 'A1B2C3D4' })
    expect(() => parseTacResponse('9406', 'proof')).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }))
  })

  test('APDUs as load-protocol.md §3–4 writes them', () => {
    // the doc's worked example: initialize for load of 10.00 yuan at terminal 818688168156
    expect(initForLoadApdu(1, 1000, '818688168156')).toBe('805000020B01000003E881868816815610')
    expect(creditForLoadApdu('20111221', '214822', '3A845BF0')).toBe('805200000B201112212148223A845BF004')
    expect(transactionProofApdu(0x1234)).toBe('805A000202123408')
  })

  test('parsing what the card would send round-trips every field', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        (balance, serial, rest) => {
          const b = Buffer.alloc(16)
          b.writeUInt32BE(balance, 0)
          b.writeUInt16BE(serial, 4)
          Buffer.from(rest).copy(b, 6)
          const parsed = parseInitResponse(b.toString('hex'))
          expect(parsed.balance).toBe(balance)
          expect(parsed.onlineSerial).toBe(serial)
          expect(parsed.hex).toBe(b.toString('hex').toUpperCase())
        },
      ),
    )
  })
})

describe('serial contradictions', () => {
  const state = (lastSerial: number | null, lastBalance: number | null): CardLoadStateDoc => ({
    id: 'c',
    cardId: 'c',
    activeLoadId: null,
    lastSerial,
    lastBalance: lastBalance === null ? null : fen(lastBalance),
    lastReadAt: null,
    seenRandoms: [],
    flags: [],
    updatedAt: '2026-11-30T02:00:00.000Z',
  })

  test('the serial never goes back; at one serial the balance only falls (purchases)', () => {
    expect(contradicts(state(null, null), { onlineSerial: 0, balance: 9 })).toBe(false)
    expect(contradicts(state(5, 100), { onlineSerial: 4, balance: 100 })).toBe(true)
    expect(contradicts(state(5, 100), { onlineSerial: 5, balance: 101 })).toBe(true)
    expect(contradicts(state(5, 100), { onlineSerial: 5, balance: 100 })).toBe(false)
    expect(contradicts(state(5, 100), { onlineSerial: 5, balance: 40 })).toBe(false)
    expect(contradicts(state(5, 100), { onlineSerial: 6, balance: 9_999 })).toBe(false)
  })
})
