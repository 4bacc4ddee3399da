import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { inflateSync } from 'node:zlib'

/**
 * Noto Sans SC from the npm registry (@fontsource/noto-sans-sc), so a fresh machine has it after
 * `npm ci`. Fontsource ships the font split by Unicode range into ~100 WOFF files; each text run
 * is drawn with the part that has its glyphs (pdf-lib then embeds a subset of only those glyphs).
 * The parts are unpacked from WOFF to plain sfnt here: fontkit reads WOFF's tables but not its cmap.
 */

export interface FontPart {
  name: string
  /** Unpacked TrueType/OpenType bytes. */
  bytes: Uint8Array
  /** Code points the part has glyphs for (from its cmap). */
  has: (codePoint: number) => boolean
}

/** WOFF 1.0 → sfnt: the same tables, inflated, behind a plain table directory. */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const src = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength)
  if (src.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file')
  const flavor = src.readUInt32BE(4)
  const numTables = src.readUInt16BE(12)
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = []
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20
    const tag = src.readUInt32BE(at)
    const offset = src.readUInt32BE(at + 4)
    const compLength = src.readUInt32BE(at + 8)
    const origLength = src.readUInt32BE(at + 12)
    const checksum = src.readUInt32BE(at + 16)
    const raw = src.subarray(offset, offset + compLength)
    tables.push({ tag, checksum, data: compLength < origLength ? inflateSync(raw) : Buffer.from(raw) })
  }
  const pad4 = (n: number) => (n + 3) & ~3
  let size = 12 + numTables * 16
  for (const t of tables) size += pad4(t.data.length)
  const out = Buffer.alloc(size)
  let entrySelector = 0
  while (1 << (entrySelector + 1) <= numTables) entrySelector++
  const searchRange = (1 << entrySelector) * 16
  out.writeUInt32BE(flavor, 0)
  out.writeUInt16BE(numTables, 4)
  out.writeUInt16BE(searchRange, 6)
  out.writeUInt16BE(entrySelector, 8)
  out.writeUInt16BE(numTables * 16 - searchRange, 10)
  let offset = 12 + numTables * 16
  tables.forEach((t, i) => {
    const at = 12 + i * 16
    out.writeUInt32BE(t.tag, at)
    out.writeUInt32BE(t.checksum, at + 4)
    out.writeUInt32BE(offset, at + 8)
    out.writeUInt32BE(t.data.length, at + 12)
    t.data.copy(out, offset)
    offset += pad4(t.data.length)
  })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Code points of a format 4 or 12 cmap subtable (Unicode), read straight from the sfnt. */
function cmapCoverage(sfnt: Uint8Array): (codePoint: number) => boolean {
  const buf = Buffer.from(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength)
  const numTables = buf.readUInt16BE(4)
  let cmap = -1
  for (let i = 0; i < numTables; i++) {
    const at = 12 + i * 16
    if (buf.toString('latin1', at, at + 4) === 'cmap') cmap = buf.readUInt32BE(at + 8)
  }
  if (cmap < 0) return () => false
  const ranges: Array<[number, number]> = []
  const subtables = buf.readUInt16BE(cmap + 2)
  for (let i = 0; i < subtables; i++) {
    const sub = cmap + buf.readUInt32BE(cmap + 4 + i * 8 + 4)
    const format = buf.readUInt16BE(sub)
    if (format === 12) {
      const groups = buf.readUInt32BE(sub + 12)
      for (let g = 0; g < groups; g++)
        ranges.push([buf.readUInt32BE(sub + 16 + g * 12), buf.readUInt32BE(sub + 20 + g * 12)])
    } else if (format === 4) {
      const segX2 = buf.readUInt16BE(sub + 6)
      for (let s = 0; s < segX2 / 2; s++) {
        const end = buf.readUInt16BE(sub + 14 + s * 2)
        const start = buf.readUInt16BE(sub + 16 + segX2 + s * 2)
        if (start !== 0xffff) ranges.push([start, end])
      }
    }
  }
  return (cp) => ranges.some(([a, b]) => cp >= a && cp <= b)
}

let parts: FontPart[] | null = null

/** The regular (400) parts of Noto Sans SC, read once per process. */
export function notoSansScParts(): FontPart[] {
  if (parts) return parts
  const dir = join(dirname(require.resolve('@fontsource/noto-sans-sc/package.json')), 'files')
  parts = readdirSync(dir)
    .filter((name) => /^noto-sans-sc-[a-z0-9-]+-400-normal\.woff$/.test(name))
    .sort()
    .map((name) => {
      const bytes = woffToSfnt(readFileSync(join(dir, name)))
      return { name, bytes, has: cmapCoverage(bytes) }
    })
  return parts
}

/** Splits text into runs each drawn with one part (characters no part has fall back to the first). */
export function fontRuns(text: string, fonts: FontPart[]): Array<{ part: FontPart; text: string }> {
  const runs: Array<{ part: FontPart; text: string }> = []
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    const part = fonts.find((p) => p.has(cp)) ?? fonts[0]
    const last = runs[runs.length - 1]
    if (last && last.part === part) last.text += ch
    else runs.push({ part, text: ch })
  }
  return runs
}
