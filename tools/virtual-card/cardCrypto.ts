// The card's own cryptography (PBOC electronic purse). Deliberately independent of the
// server's KeyService so the two sides cannot agree by construction.
import { createCipheriv } from 'node:crypto'

export type CardAlgorithm = '3des' | 'sm4'

export function hexToBytes(hex: string): Buffer {
  const clean = hex.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`不是十六进制: ${hex}`)
  return Buffer.from(clean, 'hex')
}

function ecb(cipher: string, key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(cipher, key, null)
  c.setAutoPadding(false)
  return Buffer.concat([c.update(data), c.final()])
}

/** Single DES as 3DES with K|K|K (OpenSSL 3 has no single DES in its default provider). */
export function desEcb(key8: Buffer, data: Buffer): Buffer {
  if (key8.length !== 8) throw new Error('DES key must be 8 bytes')
  return ecb('des-ede3', Buffer.concat([key8, key8, key8]), data)
}

/** 2-key 3DES as des-ede3 with K1|K2|K1. */
export function tdesEcb(key16: Buffer, data: Buffer): Buffer {
  if (key16.length !== 16) throw new Error('3DES key must be 16 bytes')
  return ecb('des-ede3', Buffer.concat([key16, key16.subarray(0, 8)]), data)
}

export function sm4Ecb(key16: Buffer, data: Buffer): Buffer {
  if (key16.length !== 16) throw new Error('SM4 key must be 16 bytes')
  return ecb('sm4-ecb', key16, data)
}

/** PBOC padding: 80 then 00s up to the block size; always adds at least one byte. */
export function pbocPad(data: Buffer, block: number): Buffer {
  const padLen = block - (data.length % block)
  const pad = Buffer.alloc(padLen)
  pad[0] = 0x80
  return Buffer.concat([data, pad])
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

/** CBC-MAC with IV 0 over padded data; the MAC is the first 4 bytes of the last block. */
function cbcMac(blockSize: number, encrypt: (block: Buffer) => Buffer, data: Buffer): Buffer {
  const padded = pbocPad(data, blockSize)
  let chain: Buffer = Buffer.alloc(blockSize)
  for (let off = 0; off < padded.length; off += blockSize) {
    chain = encrypt(xor(chain, padded.subarray(off, off + blockSize)))
  }
  return chain.subarray(0, 4)
}

/** Session key for a load: 3DES(DLK, random|serial|8000) or SM4(DLK, same padded to 16). */
export function loadSessionKey(
  algorithm: CardAlgorithm,
  dlk: Buffer,
  random: Buffer,
  serial: number,
): Buffer {
  const input = Buffer.concat([random, u16(serial), Buffer.from([0x80, 0x00])])
  if (algorithm === '3des') return tdesEcb(dlk, input)
  return sm4Ecb(dlk, pbocPad(input, 16))
}

/** MAC with a session key: single DES CBC for 3DES cards, SM4 CBC for SM4 cards. */
export function sessionMac(algorithm: CardAlgorithm, sessionKey: Buffer, data: Buffer): Buffer {
  if (algorithm === '3des') return cbcMac(8, (b) => desEcb(sessionKey, b), data)
  return cbcMac(16, (b) => sm4Ecb(sessionKey, b), data)
}

/** TAC: 3DES cards use DTK left XOR right as a single DES key; SM4 cards (assumption) the same fold. */
export function tac(algorithm: CardAlgorithm, dtk: Buffer, data: Buffer): Buffer {
  if (algorithm === '3des')
    return cbcMac(8, (b) => desEcb(xor(dtk.subarray(0, 8), dtk.subarray(8, 16)), b), data)
  // No public SM4 TAC vector: use the full DTK as the SM4 key (stated assumption).
  return cbcMac(16, (b) => sm4Ecb(dtk, b), data)
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n & 0xffff)
  return b
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}
