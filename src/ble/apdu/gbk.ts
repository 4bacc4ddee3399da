// GBK text on the card (plate, issuer province). Mini-programs have no TextDecoder('gbk') and a full
// GBK table is ~100 KB, so the phone decodes ASCII plus the characters plates and issuers use.
const TABLE =
  '京BEA9 津BDF2 沪BBA6 渝D3E5 冀BCBD 豫D4A5 云D4C6 辽C1C9 黑BADA 湘CFE6 皖CDEE 鲁C2B3 新D0C2 苏CBD5 浙D5E3 ' +
  '赣B8D3 鄂B6F5 桂B9F0 甘B8CA 晋BDFA 蒙C3C9 陕C9C2 吉BCAA 闽C3F6 贵B9F3 粤D4C1 青C7E0 藏B2D8 川B4A8 宁C4FE ' +
  '琼C7ED 使CAB9 领C1EC 警BEAF 学D1A7 挂B9D2 港B8DB 澳B0C4 试CAD4 超B3AC 练C1B7 临C1D9 应D3A6 急BCB1 民C3F1 ' +
  '航BABD 军BEFC 空BFD5 海BAA3 北B1B1 天CCEC 上C9CF 重D6D8 庆C7EC 河BAD3 南C4CF 山C9BD 西CEF7 东B6AB 林C1D6 ' +
  '龙C1FA 江BDAD 安B0B2 徽BBD5 福B8A3 建BDA8 湖BAFE 广B9E3 四CBC4 州D6DD 肃CBE0 疆BDAE 内C4DA 古B9C5 夏CFC4 ' +
  '台CCA8 湾CDE5 香CFE3 门C3C5'

let decodeMap: Map<number, string> | null = null

function map(): Map<number, string> {
  if (!decodeMap) {
    decodeMap = new Map(TABLE.split(' ').map((entry) => [parseInt(entry.slice(1), 16), entry[0]]))
  }
  return decodeMap
}

/** Characters the small table knows (for tests and for the card double's sanity checks). */
export function gbkTableEntries(): Array<[string, number]> {
  return [...map()].map(([code, ch]) => [ch, code])
}

function platformDecoder(): TextDecoder | null {
  try {
    if (typeof TextDecoder !== 'function') return null
    // some polyfills accept any label and decode UTF-8 anyway
    const decoder = new TextDecoder('gbk')
    return decoder.encoding === 'gbk' ? decoder : null
  } catch {
    return null
  }
}

/** Decode GBK, stopping at the first 00 (zero padding); unknown characters become '?'. */
export function decodeGbk(bytes: Uint8Array, useTableOnly = false): string {
  let end = bytes.indexOf(0)
  if (end < 0) end = bytes.length
  const text = bytes.subarray(0, end)
  const native = useTableOnly ? null : platformDecoder()
  if (native) return native.decode(text).replace(/\uFFFD/g, '?')
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const b = text[i]
    if (b < 0x80) out += String.fromCharCode(b)
    else if (i + 1 < text.length) {
      out += map().get((b << 8) | text[i + 1]) ?? '?'
      i++
    } else out += '?'
  }
  return out.trim()
}
