import Taro from '@tarojs/taro'
import { click, find, mount, text } from '../../testing/render'
import NavBar from '.'

type Pages = ReturnType<typeof Taro.getCurrentPages>
const stack = (n: number) => Array.from({ length: n }, () => ({})) as unknown as Pages

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

describe('NavBar', () => {
  it('shows the title and a back arrow that goes back when there is a page to go back to', async () => {
    jest.spyOn(Taro, 'getCurrentPages').mockReturnValue(stack(2))
    const back = jest.spyOn(Taro, 'navigateBack').mockResolvedValue({ errMsg: 'navigateBack:ok' })
    await mount(() => <NavBar title="拓展授权管理" />)
    expect(find('.nav-bar__title').textContent).toBe('拓展授权管理')
    click(find('.nav-bar__back'))
    expect(back).toHaveBeenCalledTimes(1)
  })

  it('has no back arrow on a first page (a tab, a deep link)', async () => {
    jest.spyOn(Taro, 'getCurrentPages').mockReturnValue(stack(1))
    await mount(() => <NavBar title="车辆" />)
    expect(text()).toBe('车辆')
    expect(document.querySelector('.nav-bar__back')).toBeNull()
  })

  it('is not drawn on the mini-programs, whose platform bar shows the title', async () => {
    process.env.TARO_ENV = 'weapp'
    await mount(() => <NavBar title="车辆" />)
    expect(document.querySelector('.nav-bar')).toBeNull()
  })
})
