// APDU builders for the ETC application (DF 1001) of a PBOC stored-value card.
import { concatBytes, digitsToBcd, hexToBytes, u16be, u32be } from '../bytes'

export const Apdu = {
  selectMf: (): Uint8Array => hexToBytes('00A40000023F00'),
  selectEtc: (): Uint8Array => hexToBytes('00A40000021001'),
  /** READ BINARY of 0015 by SFI; 43 bytes (2019+ cards may hold 50: pass 50). */
  read0015: (length = 0x2b): Uint8Array => Uint8Array.of(0x00, 0xb0, 0x95, 0x00, length),
  getBalance: (): Uint8Array => hexToBytes('805C000204'),
  verifyPin: (pinDigits: string): Uint8Array => {
    const pin = digitsToBcd(pinDigits)
    return concatBytes(Uint8Array.of(0x00, 0x20, 0x00, 0x00, pin.length), pin)
  },
  /** INITIALIZE FOR LOAD (purse, P2 02): key index | amount (fen) | terminal (12 hex digits), Le 10. */
  initializeForLoad: (keyIndex: number, amount: number, terminal: string): Uint8Array => {
    if (!Number.isInteger(amount) || amount <= 0 || amount > 0xffffffff)
      throw new Error(`圈存金额无效: ${amount}`)
    const term = hexToBytes(terminal)
    if (term.length !== 6) throw new Error('终端机编号须为6字节')
    return concatBytes(
      Uint8Array.of(0x80, 0x50, 0x00, 0x02, 0x0b, keyIndex),
      u32be(amount),
      term,
      Uint8Array.of(0x10),
    )
  },
  /** CREDIT FOR LOAD: date YYYYMMDD | time hhmmss | MAC2 (8 hex), Le 04. */
  creditForLoad: (date: string, time: string, mac2: string): Uint8Array => {
    if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time)) throw new Error('日期时间格式错误')
    const mac = hexToBytes(mac2)
    if (mac.length !== 4) throw new Error('MAC2须为4字节')
    return concatBytes(
      Uint8Array.of(0x80, 0x52, 0x00, 0x00, 0x0b),
      digitsToBcd(date),
      digitsToBcd(time),
      mac,
      Uint8Array.of(0x04),
    )
  },
  /** GET TRANSACTION PROOF of a load (type 02) by the online serial the load used. */
  getTransactionProof: (serial: number): Uint8Array =>
    concatBytes(Uint8Array.of(0x80, 0x5a, 0x00, 0x02, 0x02), u16be(serial), Uint8Array.of(0x08)),
  /** READ RECORD of 0018 (SFI 18 → P2 C4), record 1 = newest. */
  readRecord: (record = 1): Uint8Array => Uint8Array.of(0x00, 0xb2, record, 0xc4, 0x17),
}
