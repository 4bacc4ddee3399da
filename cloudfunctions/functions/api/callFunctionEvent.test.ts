import { fromCallFunction } from './callFunctionEvent'

describe('fromCallFunction', () => {
  test('who calls is the OPENID; only action, payload and an operator token are read', () => {
    const event = {
      action: 'operator.me',
      payload: { openid: 'o-forged' },
      operatorToken: 'op.abc',
      userInfo: { openId: 'o-forged', appId: 'wx-forged' },
      openid: 'o-forged',
    }
    expect(fromCallFunction(event, 'o-real')).toEqual({
      envelope: { action: 'operator.me', payload: { openid: 'o-forged' } },
      caller: { platform: 'wechat', openid: 'o-real', operatorToken: 'op.abc' },
    })
  })

  test('a missing, empty or non-string token is no token; a missing event is no action', () => {
    for (const operatorToken of [undefined, '', 42, { token: 'op.abc' }]) {
      expect(fromCallFunction({ action: 'account.me', operatorToken }, 'o-real').caller).toEqual({
        platform: 'wechat',
        openid: 'o-real',
        operatorToken: null,
      })
    }
    expect(fromCallFunction(undefined, 'o-real').envelope).toEqual({ action: undefined, payload: undefined })
  })
})
