// GBK encoding for personalising plates. Node can decode GBK but not encode it, so build the
// reverse map once from the decoder (a card-side table, independent of the phone's table).
let reverse: Map<string, number> | null = null

function table(): Map<string, number> {
  if (reverse) return reverse
  const decoder = new TextDecoder('gbk', { fatal: false })
  const map = new Map<string, number>()
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue
      const ch = decoder.decode(Uint8Array.of(hi, lo))
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, (hi << 8) | lo)
    }
  }
  reverse = map
  return map
}

export function encodeGbk(text: string): Buffer {
  const bytes: number[] = []
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 0x80) {
      bytes.push(code)
      continue
    }
    const gbk = table().get(ch)
    if (gbk === undefined) throw new Error(`GBK 无法编码: ${ch}`)
    bytes.push(gbk >> 8, gbk & 0xff)
  }
  return Buffer.from(bytes)
}
