import fc from 'fast-check'
import { createCipheriv, randomBytes } from 'node:crypto'
import type { Mac1Input } from '../../ports/keyService'
import { diversify, mac1Data, padIso9797m2, purseMac, sessionKey } from './pbocCrypto'
import { loadMasterKeysFromEnv, SoftwareKeyService } from './softwareKeyService'

/** The published vector (load-protocol.md §5): an ED load, type 01; the arithmetic of type 02 is the same. */
const vector = {
  dlk: Buffer.from('11223344556677888877665544332211', 'hex'),
  random: '11223344',
  serial: 0,
  balance: 0,
  amount: 0x1000,
  terminal: '001122334455',
  mac1: '2988AE5A',
  date: '20111221',
  time: '214822',
  mac2: '3A845BF0',
}
const vectorCard = '33010000000000000001'

/** A service whose card key is the vector's DLK (the vector gives a card key, not a master key). */
const vectorService = new SoftwareKeyService(() => ({ dlk: vector.dlk, dtk: vector.dlk }))

const vectorInit = (over: Partial<Mac1Input> = {}): Mac1Input => ({
  cardNo: vectorCard,
  keyVersion: 2,
  algorithmId: 0,
  random: vector.random,
  onlineSerial: vector.serial,
  amount: vector.amount,
  terminal: vector.terminal,
  transactionType: 0x01,
  balance: vector.balance,
  mac1: vector.mac1,
  ...over,
})

describe('PBOC load arithmetic against the published vector', () => {
  test('session key 9B1D924E05595603', () => {
    const key = sessionKey('3des', vector.dlk, Buffer.from(vector.random, 'hex'), vector.serial)
    expect(key.toString('hex').toUpperCase()).toBe('9B1D924E05595603')
  })

  test('MAC1 2988AE5A over balance | amount | 01 | terminal', () => {
    const key = Buffer.from('9B1D924E05595603', 'hex')
    const data = mac1Data(0, 0x1000, 0x01, Buffer.from(vector.terminal, 'hex'))
    expect(data.toString('hex')).toBe('00000000000010000100112233445' + '5')
    expect(purseMac('3des', key, data).toString('hex').toUpperCase()).toBe('2988AE5A')
  })

  test('the key service verifies the vector MAC1 and issues MAC2 3A845BF0', async () => {
    await expect(vectorService.verifyMac1(vectorInit())).resolves.toBe(true)
    await expect(
      vectorService.issueMac2({ ...vectorInit(), date: vector.date, time: vector.time }),
    ).resolves.toBe(vector.mac2)
  })

  test('the transaction type is a parameter: the same vector as a load (type 02) gives other MACs', async () => {
    await expect(vectorService.verifyMac1(vectorInit({ transactionType: 0x02 }))).resolves.toBe(false)
    const mac2 = await vectorService.issueMac2({
      ...vectorInit({ transactionType: 0x02 }),
      date: vector.date,
      time: vector.time,
    })
    expect(mac2).toMatch(/^[0-9A-F]{8}$/)
    expect(mac2).not.toBe(vector.mac2)
  })

  test('padding: 80 00… to a whole block, a full block when already aligned', () => {
    expect(padIso9797m2(Buffer.alloc(15), 8).subarray(15).toString('hex')).toBe('80')
    expect(padIso9797m2(Buffer.alloc(16), 8).subarray(16).toString('hex')).toBe('8000000000000000')
  })
})

describe('PBOC diversification', () => {
  test('left = 3DES(MK, D), right = 3DES(MK, NOT D) with D the internal number as BCD', () => {
    const master = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex')
    const card = diversify(master, '33011234567890123456')
    const d = Buffer.from('1234567890123456', 'hex')
    const enc = (x: Buffer) => {
      const c = createCipheriv('des-ede-ecb', master, null)
      c.setAutoPadding(false)
      return Buffer.concat([c.update(x), c.final()])
    }
    expect(card.subarray(0, 8)).toEqual(enc(d))
    expect(card.subarray(8)).toEqual(enc(Buffer.from(d.map((b) => b ^ 0xff))))
    expect(diversify(master, '33019999999999999999')).not.toEqual(card)
  })
})

describe('MAC1 verification refuses any single-bit change', () => {
  const master = { dlk: randomBytes(16), dtk: randomBytes(16) }
  const keys = SoftwareKeyService.fromMasterKeys(master)
  const cardNo = '33010000000000001234'

  /** A genuine MAC1, computed the way the card does it (own code path: data, session key, MAC). */
  function genuine(input: Omit<Mac1Input, 'mac1'>): string {
    const dlk = diversify(master.dlk, input.cardNo)
    const key = sessionKey('3des', dlk, Buffer.from(input.random, 'hex'), input.onlineSerial)
    const data = mac1Data(
      input.balance,
      input.amount,
      input.transactionType,
      Buffer.from(input.terminal, 'hex'),
    )
    return purseMac('3des', key, data).toString('hex')
  }

  const inputs = fc.record({
    balance: fc.integer({ min: 0, max: 0xffffffff }),
    amount: fc.integer({ min: 1, max: 0xffffffff }),
    onlineSerial: fc.integer({ min: 0, max: 0xffff }),
    random: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.from(b).toString('hex')),
    terminal: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Buffer.from(b).toString('hex')),
  })

  test('the genuine MAC1 verifies; flipping one bit of balance, amount, terminal or serial does not', async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.constantFrom('balance', 'amount', 'terminal', 'onlineSerial'),
        fc.nat(),
        async (base, field, bitSeed) => {
          const input = { cardNo, keyVersion: 1, algorithmId: 0, transactionType: 0x02, ...base }
          const mac1 = genuine(input)
          await expect(keys.verifyMac1({ ...input, mac1 })).resolves.toBe(true)
          const changed = { ...input, mac1 }
          if (field === 'terminal') {
            const bytes = Buffer.from(input.terminal, 'hex')
            const bit = bitSeed % 48
            bytes[bit >> 3] ^= 1 << (bit & 7)
            changed.terminal = bytes.toString('hex')
          } else {
            const width = field === 'onlineSerial' ? 16 : 32
            changed[field] = (input[field] ^ (2 ** (bitSeed % width))) >>> 0
          }
          await expect(keys.verifyMac1(changed)).resolves.toBe(false)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('another card number (other diversified keys) does not verify', async () => {
    const input = {
      cardNo,
      keyVersion: 1,
      algorithmId: 0,
      transactionType: 0x02,
      balance: 100,
      amount: 200,
      onlineSerial: 3,
      random: 'a1b2c3d4',
      terminal: '330100000001',
    }
    const mac1 = genuine(input)
    await expect(keys.verifyMac1({ ...input, cardNo: '33010000000000001235', mac1 })).resolves.toBe(false)
  })

  test('unsupported algorithm ids are refused, not guessed', async () => {
    const input = vectorInit({ algorithmId: 0x01 })
    await expect(vectorService.verifyMac1(input)).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' })
  })
})

describe('SM4 path (assumption: no public vector)', () => {
  test('MAC1 round trip under SM4 keys and 16-byte blocks', async () => {
    const master = { dlk: randomBytes(16), dtk: randomBytes(16) }
    const keys = SoftwareKeyService.fromMasterKeys(master)
    const cardNo = '33010000000000005678'
    const dlk = diversify(master.dlk, cardNo)
    const key = sessionKey('sm4', dlk, Buffer.from('01020304', 'hex'), 9)
    expect(key).toHaveLength(16)
    const mac1 = purseMac('sm4', key, mac1Data(500, 1000, 2, Buffer.from('330100000001', 'hex')))
    const input = {
      cardNo,
      keyVersion: 1,
      algorithmId: 0x04,
      transactionType: 2,
      balance: 500,
      amount: 1000,
      onlineSerial: 9,
      random: '01020304',
      terminal: '330100000001',
    }
    await expect(keys.verifyMac1({ ...input, mac1: mac1.toString('hex') })).resolves.toBe(true)
    await expect(keys.verifyMac1({ ...input, algorithmId: 0, mac1: mac1.toString('hex') })).resolves.toBe(
      false,
    )
  })
})

describe('master keys from the environment', () => {
  test('both or neither, 32 hex digits each', () => {
    expect(loadMasterKeysFromEnv({})).toBeNull()
    const hex = '00112233445566778899AABBCCDDEEFF'
    expect(loadMasterKeysFromEnv({ LOAD_MASTER_DLK: hex, LOAD_MASTER_DTK: hex })?.dlk).toEqual(
      Buffer.from(hex, 'hex'),
    )
    expect(() => loadMasterKeysFromEnv({ LOAD_MASTER_DLK: hex })).toThrow(/LOAD_MASTER_DTK/)
    expect(() => loadMasterKeysFromEnv({ LOAD_MASTER_DLK: 'zz', LOAD_MASTER_DTK: hex })).toThrow(/十六进制/)
  })
})
