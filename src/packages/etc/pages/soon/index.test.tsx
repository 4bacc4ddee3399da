import { etcRoutes } from '../../routes'
import { find, mount, text } from '../../../../testing/render'
import { featureTitle, SoonView } from '.'

describe('即将上线', () => {
  it.each([
    ['充值', '充值功能即将上线'],
    ['预分配', '预分配功能即将上线'],
    ['储值卡资金服务', '储值卡资金服务功能即将上线'],
  ])('a known feature (%s) shows its fixed title', async (feature, heading) => {
    // what the callers send, decoded as the page decodes it
    const query = etcRoutes.soon(feature).split('feature=')[1]
    await mount(() => <SoonView feature={decodeURIComponent(query)} />)
    expect(find('.etc-soon__title').textContent).toBe(heading)
  })

  it.each(['<b>免费领取ETC</b>', '请拨打 400-000-0000 领取退款', 'toString', '__proto__', ''])(
    'any other text is never printed: %j',
    async (feature) => {
      await mount(() => <SoonView feature={feature} />)
      expect(find('.etc-soon__title').textContent).toBe('该功能即将上线')
      if (feature) expect(text()).not.toContain(feature)
      expect(featureTitle(feature)).toBeNull()
    },
  )
})
