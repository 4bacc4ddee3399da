// Card responses: status words to typed errors, and the fields of each response.
import { bcdToDigits, bytesToHex, readU16be, readU32be } from '../bytes'
import { CardLinkError, type CardLinkErrorCode } from '../errors'
import { decodeGbk } from './gbk'

export function statusWord(response: Uint8Array): number {
  if (response.length < 2) throw new CardLinkError('CARD_RESPONSE', `response of ${response.length} bytes`)
  return (response[response.length - 2] << 8) | response[response.length - 1]
}

const SW_CODES: Record<number, CardLinkErrorCode> = {
  0x6983: 'CARD_PIN_LOCKED',
  0x6981: 'CARD_FILE_TYPE',
  0x6982: 'CARD_SECURITY',
  0x6985: 'CARD_CONDITIONS',
  0x6a82: 'CARD_NOT_FOUND',
  0x9302: 'CARD_MAC_WRONG',
  0x9406: 'CARD_NO_PROOF',
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0')
}

/** The data of a 9000 response; any other status word becomes a CardLinkError with the SW. */
export function expectOk(response: Uint8Array, what: string): Uint8Array {
  const sw = statusWord(response)
  if (sw === 0x9000) return response.subarray(0, response.length - 2)
  if ((sw & 0xfff0) === 0x63c0) {
    const left = sw & 0x0f
    return fail('CARD_PIN_WRONG', what, sw, `卡片密码错误，还可尝试${left}次`)
  }
  const code = SW_CODES[sw]
  if (code) return fail(code, what, sw)
  return fail('CARD_STATUS', what, sw, `卡片返回异常状态（${swHex(sw)}），请重试`)
}

function fail(code: CardLinkErrorCode, what: string, sw: number, message?: string): never {
  throw new CardLinkError(code, `${what}: SW ${swHex(sw)}`, { sw, message })
}

/** Tries left after a wrong PIN (63Cx), else null. */
export function pinTriesLeft(error: unknown): number | null {
  if (error instanceof CardLinkError && error.code === 'CARD_PIN_WRONG' && error.sw !== undefined)
    return error.sw & 0x0f
  return null
}

function need(data: Uint8Array, length: number, what: string): void {
  if (data.length < length)
    throw new CardLinkError('CARD_RESPONSE', `${what}: ${data.length}/${length} bytes`)
}

export type CardKind = 'stored' | 'credit' | 'unknown'

export const PLATE_COLORS = ['蓝', '黄', '黑', '白', '渐变绿', '黄绿双拼', '蓝白渐变'] as const

export interface IssuerFile {
  issuerProvince: string
  issuerCode: string
  cardTypeCode: number
  cardKind: CardKind
  version: number
  networkId: string
  internalNumber: string
  /** printed card number: network id + internal number, 20 digits */
  cardNo: string
  startDate: string
  expiryDate: string
  plate: string
  userType: number
  plateColor: number
}

function digits(data: Uint8Array, what: string): string {
  try {
    return bcdToDigits(data)
  } catch {
    throw new CardLinkError('CARD_RESPONSE', `${what} is not BCD: ${bytesToHex(data)}`)
  }
}

/** Plate colour in two bytes (BE) or, on some issuers' cards, one byte followed by padding. */
function plateColor(data: Uint8Array): number {
  const hi = data[41]
  const lo = data.length > 42 ? data[42] : 0
  if (hi === 0x00) return lo
  return hi
}

export function parse0015(data: Uint8Array): IssuerFile {
  need(data, 42, '0015')
  const cardTypeCode = data[8]
  const networkId = digits(data.subarray(10, 12), 'network id')
  const internalNumber = digits(data.subarray(12, 20), 'internal number')
  return {
    issuerProvince: decodeGbk(data.subarray(0, 4)),
    issuerCode: bytesToHex(data.subarray(4, 8)),
    cardTypeCode,
    cardKind: cardTypeCode === 0x16 ? 'stored' : cardTypeCode === 0x17 ? 'credit' : 'unknown',
    version: data[9],
    networkId,
    internalNumber,
    cardNo: networkId + internalNumber,
    startDate: digits(data.subarray(20, 24), 'start date'),
    expiryDate: digits(data.subarray(24, 28), 'expiry date'),
    plate: decodeGbk(data.subarray(28, 40)),
    userType: data[40],
    plateColor: plateColor(data),
  }
}

/** Only stored-value cards may be loaded. */
export function assertStoredValue(file: IssuerFile): void {
  if (file.cardKind !== 'stored') {
    const message = file.cardKind === 'credit' ? undefined : '该卡不是ETC储值卡，无法圈存'
    throw new CardLinkError('CARD_NOT_STORED_VALUE', `card type ${file.cardTypeCode.toString(16)}`, {
      message,
    })
  }
}

export function parseBalance(data: Uint8Array): number {
  need(data, 4, 'balance')
  return readU32be(data, 0)
}

export interface InitForLoadResponse {
  oldBalance: number
  onlineSerial: number
  keyVersion: number
  algorithmId: number
  random: string
  mac1: string
  /** the 16 bytes as the card sent them, for the server */
  raw: string
}

export function parseInitForLoad(data: Uint8Array): InitForLoadResponse {
  need(data, 16, 'initialize for load')
  return {
    oldBalance: readU32be(data, 0),
    onlineSerial: readU16be(data, 4),
    keyVersion: data[6],
    algorithmId: data[7],
    random: bytesToHex(data.subarray(8, 12)),
    mac1: bytesToHex(data.subarray(12, 16)),
    raw: bytesToHex(data.subarray(0, 16)),
  }
}

export function parseCredit(data: Uint8Array): { tac: string } {
  need(data, 4, 'credit for load')
  return { tac: bytesToHex(data.subarray(0, 4)) }
}

export function parseTransactionProof(data: Uint8Array): { mac2: string; tac: string } {
  need(data, 8, 'transaction proof')
  return { mac2: bytesToHex(data.subarray(0, 4)), tac: bytesToHex(data.subarray(4, 8)) }
}

export interface CardRecord {
  serial: number
  overdraft: number
  amount: number
  type: number
  terminal: string
  date: string
  time: string
}

export function parseRecord(data: Uint8Array): CardRecord {
  need(data, 23, '0018 record')
  return {
    serial: readU16be(data, 0),
    overdraft: (data[2] << 16) | (data[3] << 8) | data[4],
    amount: readU32be(data, 5),
    type: data[9],
    terminal: bytesToHex(data.subarray(10, 16)),
    date: digits(data.subarray(16, 20), 'record date'),
    time: digits(data.subarray(20, 23), 'record time'),
  }
}
