// Issuer personalisation: per-card keys diversified from master keys (PBOC).
import { hexToBytes, tdesEcb } from './cardCrypto'
import type { VirtualCardOptions } from './card'

/** 16-digit internal number → 8 BCD bytes (the last 8 bytes of the application serial). */
export function internalNumberBytes(cardNo: string): Buffer {
  if (!/^\d{20}$/.test(cardNo)) throw new Error(`卡号须为20位数字: ${cardNo}`)
  return Buffer.from(cardNo.slice(4), 'hex')
}

/** left = 3DES(MK, serial8), right = 3DES(MK, NOT serial8); the card key = left|right. */
export function diversify(masterKeyHex: string, cardNo: string): string {
  const mk = hexToBytes(masterKeyHex)
  const serial = internalNumberBytes(cardNo)
  const inverted = Buffer.from(serial.map((b) => ~b & 0xff))
  return Buffer.concat([tdesEcb(mk, serial), tdesEcb(mk, inverted)])
    .toString('hex')
    .toUpperCase()
}

export interface MasterKeys {
  /** master load key (hex, 16 bytes) */
  mlk: string
  /** master TAC key (hex, 16 bytes) */
  mtk: string
}

export type PersonalizeOptions = Omit<VirtualCardOptions, 'keys'> & { masterKeys: MasterKeys }

export function personalize(options: PersonalizeOptions): VirtualCardOptions {
  const { masterKeys, ...rest } = options
  return {
    ...rest,
    keys: { dlk: diversify(masterKeys.mlk, rest.cardNo), dtk: diversify(masterKeys.mtk, rest.cardNo) },
  }
}
