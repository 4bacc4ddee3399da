/**
 * What the sandbox needs to serve a bill the way Alipay's bill centre does: GBK text and a zip
 * whose entry names are GBK (no UTF-8 flag). Built on node:zlib and the runtime's GBK decoder so
 * no package is added for a test tool.
 */
import { crc32, deflateRawSync } from 'node:zlib'
import dayjs from 'dayjs'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'

let table: Map<string, Buffer> | null = null

/** Unicode → GBK bytes, built once from the GBK decoder over every two-byte code. */
function gbkTable(): Map<string, Buffer> {
  if (table) return table
  const decoder = new TextDecoder('gbk', { fatal: true })
  const built = new Map<string, Buffer>()
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue
      const bytes = Buffer.from([lead, trail])
      let char: string
      try {
        char = decoder.decode(bytes)
      } catch {
        continue
      }
      if (!built.has(char)) built.set(char, bytes)
    }
  }
  table = built
  return built
}

export function encodeGbk(text: string): Buffer {
  const codes = gbkTable()
  const parts: Buffer[] = []
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0
    if (point < 0x80) {
      parts.push(Buffer.from([point]))
      continue
    }
    const bytes = codes.get(char)
    if (!bytes) throw new RangeError(`GBK 无法表示字符 ${char}`)
    parts.push(bytes)
  }
  return Buffer.concat(parts)
}

/** A zip archive (deflated entries, names in GBK without the UTF-8 flag), stamped in Beijing time. */
export function writeZip(entries: { name: string; data: Buffer }[], at: Date): Buffer {
  const [year, month, day, hour, minute, second] = dayjs(at)
    .tz(businessTimeZone)
    .format('YYYY M D H m s')
    .split(' ')
    .map(Number)
  const time = ((hour << 11) | (minute << 5) | Math.floor(second / 2)) & 0xffff
  const date = (((year - 1980) << 9) | (month << 5) | day) & 0xffff
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = encodeGbk(entry.name)
    const compressed = deflateRawSync(entry.data)
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(entry.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
