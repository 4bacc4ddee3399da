import { maskCardNo, maskIdNumber, maskPersonalName, maskPhone, maskUnitName } from './masking'

test('phone', () => expect(maskPhone('13712342756')).toBe('137****2756'))
test('card number keeps first and last four', () => {
  expect(maskCardNo('18110000000000009788')).toBe('1811*****9788')
  expect(maskCardNo('3301123456789012')).toBe('3301*****9012')
})
test('ID number', () => {
  expect(maskIdNumber('330106198503152718')).toBe('330***********2718')
  expect(maskIdNumber('91330106MA2B3C4D5X')).toBe('913***********4D5X')
})
test('personal names, compound surnames keep two characters', () => {
  expect(maskPersonalName('张伟')).toBe('张*')
  expect(maskPersonalName('李秀英')).toBe('李**')
  expect(maskPersonalName('欧阳娜娜')).toBe('欧阳**')
  expect(maskPersonalName('王')).toBe('王')
})
test('unit names hide the distinctive middle', () => {
  expect(maskUnitName('杭州顺达物流有限公司')).toBe('杭州**物流有限公司')
  const masked = maskUnitName('浙江交通投资集团有限公司')
  expect(masked.startsWith('浙江')).toBe(true)
  expect(masked.endsWith('有限公司')).toBe(true)
  expect(masked).toContain('*')
  expect(masked).toHaveLength('浙江交通投资集团有限公司'.length)
})
