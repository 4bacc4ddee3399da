import type { PlateColor } from '../../../types/enums'
import { mount, text } from '../../testing/render'
import PlateTag from '.'

describe('PlateTag', () => {
  const cases: Array<[PlateColor, string]> = [
    ['蓝', 'plate-tag--blue'],
    ['黄', 'plate-tag--yellow'],
    ['绿', 'plate-tag--green'],
    ['渐变绿', 'plate-tag--green'],
    ['黄绿双拼', 'plate-tag--yellow-green'],
    ['白', 'plate-tag--white'],
    ['黑', 'plate-tag--black'],
  ]

  it.each(cases)('draws a %s plate with class %s', async (color, modifier) => {
    await mount(() => <PlateTag plate="浙A12345" color={color} />)
    const tag = document.querySelector('.plate-tag')
    expect(tag?.classList.contains(modifier)).toBe(true)
    expect(text(tag ?? document.body)).toBe(`浙A12345${color}牌`)
  })
})
