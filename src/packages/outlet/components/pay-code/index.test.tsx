import Taro from '@tarojs/taro'
import { click, find, mount, text } from '../../../../testing/render'
import { intentOfParams, MINI_PROGRAM_LINK_PREFIX, payLink } from './link'
import { modulesOf, qrOf } from './qr'
import PayCode from '.'

const PATH = '/packages/outlet/pages/pay/index?intent=orc-0123456789abcdef0123456789abcdef01234567'

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

/** The modules as drawn: each run's width in whole cells, row by row. */
function drawnModules(): boolean[][] {
  const rows = Array.from(document.querySelectorAll<HTMLElement>('.pay-code__row'))
  const cell = parseInt(rows[0].style.height, 10)
  return rows.map((row) =>
    Array.from(row.querySelectorAll<HTMLElement>('.pay-code__run')).flatMap((run) => {
      const width = parseInt(run.style.width, 10)
      expect(width % cell).toBe(0)
      return Array<boolean>(width / cell).fill(run.classList.contains('pay-code__run--dark'))
    }),
  )
}

/** A QR finder pattern: 7×7 dark ring, light ring, 3×3 dark centre, at (top, left). */
function isFinder(m: boolean[][], top: number, left: number): boolean {
  for (let r = 0; r < 7; r++)
    for (let c = 0; c < 7; c++) {
      const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3))
      if (m[top + r][left + c] !== (ring !== 2)) return false
    }
  return true
}

describe('支付二维码', () => {
  it("links to this H5 app's pay page in H5, and under the registered https prefix in the mini-programs", () => {
    process.env.TARO_ENV = 'h5'
    expect(payLink(PATH)).toBe(`http://localhost/#${PATH}`)
    process.env.TARO_ENV = 'weapp'
    expect(payLink(PATH)).toBe(`${MINI_PROGRAM_LINK_PREFIX}${PATH}`)
    expect(MINI_PROGRAM_LINK_PREFIX).toMatch(/^https:\/\//)
  })

  it('finds the intent in the query, or in the scanned link WeChat (q) or Alipay (qrCode) hands over', () => {
    const link = `${MINI_PROGRAM_LINK_PREFIX}${PATH}`
    const intent = 'orc-0123456789abcdef0123456789abcdef01234567'
    expect(intentOfParams({ intent })).toBe(intent)
    expect(intentOfParams({ q: encodeURIComponent(link), scancode_time: '1764648000' })).toBe(intent)
    expect(intentOfParams({ qrCode: link })).toBe(intent)
    expect(intentOfParams({ q: encodeURIComponent(`http://localhost/#${PATH}`) })).toBe(intent)
    expect(intentOfParams({})).toBeNull()
    expect(intentOfParams({ q: encodeURIComponent('https://other.example/x?y=1') })).toBeNull()
  })

  it('draws the QR code of the link in whole pixels, finder patterns in three corners, the link under it', async () => {
    process.env.TARO_ENV = 'h5'
    const link = `http://localhost/#${PATH}`
    await mount(() => <PayCode path={PATH} />)
    const drawn = drawnModules()
    const size = drawn.length
    expect(drawn.every((row) => row.length === size)).toBe(true)
    expect(drawn).toEqual(modulesOf(qrOf(link)))
    expect(isFinder(drawn, 0, 0)).toBe(true)
    expect(isFinder(drawn, 0, size - 7)).toBe(true)
    expect(isFinder(drawn, size - 7, 0)).toBe(true)
    expect(isFinder(drawn, size - 7, size - 7)).toBe(false)
    expect(text(find('.pay-code__link'))).toBe(link)
  })

  it('copies the link for opening it by hand', async () => {
    const copy = jest
      .spyOn(Taro, 'setClipboardData')
      .mockResolvedValue({ errMsg: 'setClipboardData:ok', data: '' } as never)
    await mount(() => <PayCode path={PATH} />)
    click(find('.pay-code__copy'))
    expect(copy).toHaveBeenCalledWith({ data: `http://localhost/#${PATH}` })
  })
})
