import { createCipheriv } from 'node:crypto'

/**
 * PBOC electronic-purse arithmetic for loads (load-protocol.md §5), server side. The virtual
 * card (tools/virtual-card) has its own implementation on purpose: the two meet only at the
 * published vectors and at the bytes on the wire.
 *
 * Node's OpenSSL 3 keeps single DES in the legacy provider, so single-DES steps run as two-key
 * 3DES with K|K (E_K(D_K(E_K(x))) = E_K(x)).
 */

export type PurseAlgorithm = '3des' | 'sm4'

/** One block of ECB encryption without padding. */
function ecb(cipher: 'des-ede-ecb' | 'sm4-ecb', key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv(cipher, key, null)
  c.setAutoPadding(false)
  return Buffer.concat([c.update(block), c.final()])
}

export function tripleDesEcb(key16: Buffer, data: Buffer): Buffer {
  if (key16.length !== 16) throw new Error('3DES keys are 16 bytes (two-key)')
  if (data.length % 8 !== 0) throw new Error('3DES data must be whole 8-byte blocks')
  return ecb('des-ede-ecb', key16, data)
}

export function desEcb(key8: Buffer, data: Buffer): Buffer {
  if (key8.length !== 8) throw new Error('DES keys are 8 bytes')
  return tripleDesEcb(Buffer.concat([key8, key8]), data)
}

export function sm4Ecb(key16: Buffer, data: Buffer): Buffer {
  if (key16.length !== 16) throw new Error('SM4 keys are 16 bytes')
  if (data.length % 16 !== 0) throw new Error('SM4 data must be whole 16-byte blocks')
  return ecb('sm4-ecb', key16, data)
}

/** ISO 9797-1 method 2: 80 then 00s to a whole block, a full block when already aligned. */
export function padIso9797m2(data: Buffer, blockSize: number): Buffer {
  const padLength = blockSize - (data.length % blockSize)
  const pad = Buffer.alloc(padLength)
  pad[0] = 0x80
  return Buffer.concat([data, pad])
}

/** CBC-MAC with IV 0 over the padded data under `encrypt`; the MAC is the first 4 bytes of the last block. */
function cbcMac(encrypt: (block: Buffer) => Buffer, blockSize: number, data: Buffer): Buffer {
  const padded = padIso9797m2(data, blockSize)
  let chain: Buffer = Buffer.alloc(blockSize)
  for (let offset = 0; offset < padded.length; offset += blockSize) {
    const block = Buffer.alloc(blockSize)
    for (let i = 0; i < blockSize; i++) block[i] = padded[offset + i] ^ chain[i]
    chain = encrypt(block)
  }
  return chain.subarray(0, 4)
}

/** The session key's MAC: single DES (8-byte key) or SM4 (16-byte key). */
export function purseMac(algorithm: PurseAlgorithm, key: Buffer, data: Buffer): Buffer {
  return algorithm === '3des'
    ? cbcMac((b) => desEcb(key, b), 8, data)
    : cbcMac((b) => sm4Ecb(key, b), 16, data)
}

/**
 * The load session key from the card's load key (DLK): 3DES-ECB of random | serial | 8000. SM4
 * (assumption, load-protocol.md §5: no public vector): SM4-ECB of the same 8 bytes padded to 16
 * the PBOC way (80 then 00s), as the virtual card assumes too.
 */
export function sessionKey(algorithm: PurseAlgorithm, dlk: Buffer, random: Buffer, serial: number): Buffer {
  const input = Buffer.concat([random, u16(serial), Buffer.from([0x80, 0x00])])
  if (input.length !== 8) throw new Error('the card random is 4 bytes')
  return algorithm === '3des' ? tripleDesEcb(dlk, input) : sm4Ecb(dlk, padIso9797m2(input, 16))
}

/**
 * The TAC key from the card's TAC key (DTK): left 8 XOR right 8 for 3DES. SM4 (assumption, no TAC
 * vector exists): the whole 16-byte DTK, since an 8-byte XOR cannot key SM4.
 */
export function tacKey(algorithm: PurseAlgorithm, dtk: Buffer): Buffer {
  if (algorithm === 'sm4') return dtk
  const key = Buffer.alloc(8)
  for (let i = 0; i < 8; i++) key[i] = dtk[i] ^ dtk[i + 8]
  return key
}

/**
 * PBOC key diversification of a card key from a master key: the application serial's last 8 bytes
 * (the 16-digit internal number as BCD) D, left = 3DES(MK, D), right = 3DES(MK, NOT D). The shared
 * contract of issue 10 personalises SM4 cards the same way (the 16 bytes key SM4); an issuer that
 * diversifies SM4 keys with SM4 needs an HSM adapter that does so.
 */
export function diversify(master: Buffer, cardNo: string): Buffer {
  const serial = applicationSerial(cardNo)
  const inverted = Buffer.from(serial.map((b) => b ^ 0xff))
  return Buffer.concat([tripleDesEcb(master, serial), tripleDesEcb(master, inverted)])
}

/** The 16-digit internal number (the printed number's last 16 digits) as 8 BCD bytes. */
export function applicationSerial(cardNo: string): Buffer {
  if (!/^\d{20}$/.test(cardNo)) throw new Error('a card number is 20 digits')
  return Buffer.from(cardNo.slice(4), 'hex')
}

export function u16(value: number): Buffer {
  const out = Buffer.alloc(2)
  out.writeUInt16BE(value)
  return out
}

export function u32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

/** MAC1 data: old balance | amount | type | terminal. */
export function mac1Data(balance: number, amount: number, type: number, terminal: Buffer): Buffer {
  return Buffer.concat([u32(balance), u32(amount), Buffer.from([type]), terminal])
}

/** MAC2 data: amount | type | terminal | date | time. */
export function mac2Data(amount: number, type: number, terminal: Buffer, date: Buffer, time: Buffer): Buffer {
  return Buffer.concat([u32(amount), Buffer.from([type]), terminal, date, time])
}

/** TAC data: new balance | serial before | amount | type | terminal | date | time. */
export function tacData(
  balanceAfter: number,
  serial: number,
  amount: number,
  type: number,
  terminal: Buffer,
  date: Buffer,
  time: Buffer,
): Buffer {
  return Buffer.concat([
    u32(balanceAfter),
    u16(serial),
    u32(amount),
    Buffer.from([type]),
    terminal,
    date,
    time,
  ])
}
