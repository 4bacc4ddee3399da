// Byte helpers shared by the frame codec, the APDU layer and the transports (no platform imports).

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`invalid hex: ${hex}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s.toUpperCase()
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function u16be(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff)
}

export function u16le(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >> 8) & 0xff)
}

export function u32be(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
}

export function readU16be(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1]
}

export function readU32be(b: Uint8Array, off: number): number {
  return ((b[off] << 24) >>> 0) + (b[off + 1] << 16) + (b[off + 2] << 8) + b[off + 3]
}

/** Packed BCD digits (e.g. card numbers, dates); nibbles above 9 are refused. */
export function bcdToDigits(b: Uint8Array): string {
  const hex = bytesToHex(b)
  if (/[A-F]/.test(hex)) throw new Error(`not BCD: ${hex}`)
  return hex
}

export function digitsToBcd(digits: string): Uint8Array {
  if (!/^\d*$/.test(digits) || digits.length % 2 !== 0)
    throw new Error(`not an even count of digits: ${digits}`)
  return hexToBytes(digits)
}

export function xorAll(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let x = 0
  for (let i = from; i < to; i++) x ^= bytes[i]
  return x
}

/** Split into writes of at most `size` bytes (BLE: 20 unless the MTU was raised). */
export function chunk(bytes: Uint8Array, size = 20): Uint8Array[] {
  if (size < 1) throw new Error('chunk size must be positive')
  const out: Uint8Array[] = []
  for (let off = 0; off < bytes.length; off += size) out.push(bytes.slice(off, off + size))
  return out
}
