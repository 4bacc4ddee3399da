import { fen, type Fen } from '../../../types/money'
import { LoadError } from './loadErrors'

/** The INITIALIZE FOR LOAD reply (load-protocol.md §4), as the card gave it. */
export interface InitResponse {
  balance: Fen
  onlineSerial: number
  keyVersion: number
  algorithmId: number
  random: string
  mac1: string
  /** The 16 bytes, upper-case hex (any status word removed). */
  hex: string
}

const hexPattern = /^(?:[0-9A-F]{2})*$/

function normalised(hex: string): string {
  const value = hex.replace(/\s+/g, '').toUpperCase()
  if (!hexPattern.test(value)) throw new LoadError('BAD_RESPONSE', '卡片响应不是有效的十六进制数据')
  return value
}

/**
 * Parses the 16-byte reply: old balance (4) | online serial (2) | key version (1) | algorithm id (1) |
 * random (4) | MAC1 (4). A trailing 9000 is dropped; any other status word means the card refused.
 */
export function parseInitResponse(hex: string): InitResponse {
  let value = normalised(hex)
  if (value.length === 36) {
    if (!value.endsWith('9000')) throw new LoadError('BAD_RESPONSE', '卡片拒绝了圈存初始化，请重新读卡后再试')
    value = value.slice(0, 32)
  }
  if (value.length !== 32) throw new LoadError('BAD_RESPONSE', '圈存初始化响应长度不正确')
  const bytes = Buffer.from(value, 'hex')
  return {
    balance: fen(bytes.readUInt32BE(0)),
    onlineSerial: bytes.readUInt16BE(4),
    keyVersion: bytes[6],
    algorithmId: bytes[7],
    random: value.slice(16, 24),
    mac1: value.slice(24, 32),
    hex: value,
  }
}

/** The TAC of a CREDIT FOR LOAD reply (TAC), or MAC2 and TAC of a GET TRANSACTION PROOF reply. */
export function parseTacResponse(
  hex: string,
  source: 'credit' | 'proof',
): { tac: string; mac2: string | null } {
  let value = normalised(hex)
  const length = source === 'credit' ? 8 : 16
  if (value.length === length + 4) {
    if (!value.endsWith('9000')) throw new LoadError('BAD_RESPONSE', '卡片未返回交易认证码')
    value = value.slice(0, length)
  }
  if (value.length !== length) throw new LoadError('BAD_RESPONSE', '交易认证码长度不正确')
  return source === 'credit'
    ? { tac: value, mac2: null }
    : { mac2: value.slice(0, 8), tac: value.slice(8, 16) }
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0').toUpperCase()
const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase()
const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase()

/** INITIALIZE FOR LOAD: 80 50 00 02 0B | key index | amount | terminal | 10. */
export function initForLoadApdu(keyIndex: number, amount: number, terminal: string): string {
  return `805000020B${hex2(keyIndex)}${hex8(amount)}${terminal.toUpperCase()}10`
}

/** CREDIT FOR LOAD: 80 52 00 00 0B | date | time | MAC2 | 04. */
export function creditForLoadApdu(date: string, time: string, mac2: string): string {
  return `805200000B${date}${time}${mac2.toUpperCase()}04`
}

/** GET TRANSACTION PROOF of the transaction with this online serial (type 02): 80 5A 00 02 02 | serial | 08. */
export function transactionProofApdu(onlineSerial: number): string {
  return `805A000202${hex4(onlineSerial)}08`
}
