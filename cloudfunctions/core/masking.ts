/** Masking rules from the portal (domain.md): what users see of personal data in lists and headers. */

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}

/** Card and tag numbers: first 4 + ***** + last 4, whatever the length. */
export function maskCardNo(cardNo: string): string {
  if (cardNo.length <= 8) return '*'.repeat(cardNo.length)
  return `${cardNo.slice(0, 4)}*****${cardNo.slice(-4)}`
}

export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 7) return '*'.repeat(idNumber.length)
  return `${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`
}

/** 张伟 → 张*, 欧阳娜娜 → 欧阳**: compound surnames keep two characters. */
export function maskPersonalName(name: string): string {
  const chars = Array.from(name.trim())
  if (chars.length <= 1) return chars.join('')
  const keep = chars.length >= 3 && compoundSurnames.has(chars.slice(0, 2).join('')) ? 2 : 1
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep)
}

/**
 * Units keep enough to be recognised: the first two characters (usually the city) and the
 * legal-form tail; the distinctive middle is hidden. 杭州顺达物流有限公司 → 杭州**物流有限公司.
 */
export function maskUnitName(name: string): string {
  const chars = Array.from(name.trim())
  if (chars.length <= 2) return chars.join('')
  const suffix = unitSuffixes.find((s) => name.endsWith(s) && chars.length - Array.from(s).length > 2)
  const tailLength = suffix ? Array.from(suffix).length + 2 : Math.ceil((chars.length - 2) / 2)
  const hidden = Math.max(1, chars.length - 2 - tailLength)
  const head = chars.slice(0, 2).join('')
  const tail = chars.slice(2 + hidden).join('')
  return head + '*'.repeat(hidden) + tail
}

const unitSuffixes = ['股份有限公司', '有限责任公司', '有限公司', '集团', '公司', '厂', '店']

const compoundSurnames = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '令狐',
  '夏侯',
  '轩辕',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '百里',
])
