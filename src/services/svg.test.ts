import { base64Utf8, svgDataUri } from './svg'

describe('svg data URI', () => {
  it('encodes UTF-8 as base64 exactly like Node', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', '<svg>验证码</svg>', '𝒳 emoji 🚗']) {
      expect(base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'))
    }
  })

  it('makes an image/svg+xml data URI', () => {
    expect(svgDataUri('<svg/>')).toBe(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`)
  })
})
