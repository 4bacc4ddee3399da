// APDU lists in TLV: request `80 L {index len apdu}…`, reply `81 L {index len response}…`.
import { concatBytes } from '../bytes'
import { CardLinkError } from '../errors'

export const TLV_REQUEST = 0x80
export const TLV_REPLY = 0x81

/** L: one byte up to 0x7F, `81 xx` up to 255, `82 xxxx` beyond. */
export function encodeLength(n: number): Uint8Array {
  if (n < 0 || n > 0xffff) throw new CardLinkError('FRAME_MALFORMED', `TLV length ${n}`)
  if (n <= 0x7f) return Uint8Array.of(n)
  if (n <= 0xff) return Uint8Array.of(0x81, n)
  return Uint8Array.of(0x82, n >> 8, n & 0xff)
}

function readLength(b: Uint8Array, off: number): { length: number; size: number } {
  if (off >= b.length) throw new CardLinkError('FRAME_TRUNCATED', 'TLV length past end')
  const first = b[off]
  if (first <= 0x7f) return { length: first, size: 1 }
  if (first === 0x81 && off + 1 < b.length) return { length: b[off + 1], size: 2 }
  if (first === 0x82 && off + 2 < b.length) return { length: (b[off + 1] << 8) | b[off + 2], size: 3 }
  if (first === 0x81 || first === 0x82) throw new CardLinkError('FRAME_TRUNCATED', 'TLV length past end')
  throw new CardLinkError('FRAME_MALFORMED', `TLV length byte ${first.toString(16)}`)
}

export function encodeApduList(items: Uint8Array[], tag: number = TLV_REQUEST): Uint8Array {
  const parts = items.map((item, i) => concatBytes(Uint8Array.of(i + 1), encodeLength(item.length), item))
  const value = concatBytes(...parts)
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value)
}

export interface TlvItem {
  /** 1-based position of the APDU in the request this answers */
  index: number
  data: Uint8Array
}

/**
 * Items with their indexes. Devices may answer only some APDUs of a list (the captured example
 * answers index 03 alone), so indexes need only increase.
 */
export function decodeApduList(bytes: Uint8Array, tag: number = TLV_REPLY): TlvItem[] {
  if (bytes.length === 0 || bytes[0] !== tag) {
    throw new CardLinkError(
      'FRAME_MALFORMED',
      `TLV tag ${bytes[0]?.toString(16)} expected ${tag.toString(16)}`,
    )
  }
  const { length, size } = readLength(bytes, 1)
  const start = 1 + size
  const end = start + length
  if (end > bytes.length) throw new CardLinkError('FRAME_TRUNCATED', `TLV ${bytes.length - start}/${length}`)
  const items: TlvItem[] = []
  let off = start
  while (off < end) {
    const index = bytes[off]
    const previous = items.length > 0 ? items[items.length - 1].index : 0
    if (index <= previous) throw new CardLinkError('FRAME_SEQUENCE', `TLV index ${index} after ${previous}`)
    const l = readLength(bytes, off + 1)
    const itemStart = off + 1 + l.size
    if (itemStart + l.length > end) throw new CardLinkError('FRAME_TRUNCATED', `TLV item ${index}`)
    items.push({ index, data: bytes.slice(itemStart, itemStart + l.length) })
    off = itemStart + l.length
  }
  return items
}

/** Responses aligned with the request: position i answers APDU i+1; an unanswered one is empty. */
export function alignResponses(items: TlvItem[], count: number): Uint8Array[] {
  const out = Array.from({ length: count }, (): Uint8Array => new Uint8Array(0))
  for (const item of items) {
    if (item.index > count) throw new CardLinkError('FRAME_SEQUENCE', `TLV index ${item.index} of ${count}`)
    out[item.index - 1] = item.data
  }
  return out
}
