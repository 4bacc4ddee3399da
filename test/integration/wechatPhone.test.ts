/**
 * WechatPhone against a fake of wx-server-sdk's `cloud.openapi.phonenumber` that answers in the
 * documented shape. Not verified against WeChat: cloud calls only work inside CloudBase.
 */
import {
  WechatPhone,
  type GetPhoneNumberResult,
  type PhoneNumberOpenApi,
} from '../../cloudfunctions/adapters/wechat/wechatPhone'
import { PlatformAuthError } from '../../cloudfunctions/ports/platformAuth'

/** A fake openapi: known codes answer like WeChat does, others reject like a failed cloud call. */
function fakeOpenApi(answers: Record<string, GetPhoneNumberResult | { reject: object }>) {
  const seen: { code: string }[] = []
  const openapi: PhoneNumberOpenApi = {
    phonenumber: {
      async getPhoneNumber(params) {
        seen.push(params)
        const answer = answers[params.code]
        if (!answer) throw { errCode: 40029, errMsg: 'openapi.phonenumber.getPhoneNumber:fail invalid code' }
        if ('reject' in answer) throw answer.reject
        return answer
      },
    },
  }
  return { openapi, seen }
}

const ok: GetPhoneNumberResult = {
  errCode: 0,
  errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
  phoneInfo: { phoneNumber: '+86 13800138000', purePhoneNumber: '13800138000', countryCode: '86' },
}

test('a button code becomes the mainland number (purePhoneNumber), passing the code as sent', async () => {
  const { openapi, seen } = fakeOpenApi({
    e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144: ok,
  })
  await expect(
    new WechatPhone(openapi).phoneNumberOf(
      'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144',
    ),
  ).resolves.toBe('13800138000')
  expect(seen).toEqual([{ code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' }])
})

test('errcode 40029 (invalid code), thrown or answered, is a rejected PlatformAuthError', async () => {
  const { openapi } = fakeOpenApi({ answered: { errcode: 40029, errmsg: 'invalid code' } })
  const phone = new WechatPhone(openapi)
  const thrown = await phone.phoneNumberOf('never-issued').catch((e: unknown) => e)
  expect(thrown).toBeInstanceOf(PlatformAuthError)
  expect(thrown).toMatchObject({ reason: 'rejected', message: expect.stringContaining('40029') })
  await expect(phone.phoneNumberOf('answered')).rejects.toMatchObject({ reason: 'rejected' })
})

test('system busy (-1) and quota errors are unavailable; a failure without errCode is unavailable', async () => {
  const { openapi } = fakeOpenApi({
    busy: { reject: { errCode: -1, errMsg: 'system error' } },
    quota: { reject: { errCode: 45011, errMsg: 'api minute-quota reach limit' } },
    network: { reject: new Error('connect ETIMEDOUT') },
  })
  const phone = new WechatPhone(openapi)
  await expect(phone.phoneNumberOf('busy')).rejects.toMatchObject({ reason: 'unavailable' })
  await expect(phone.phoneNumberOf('quota')).rejects.toMatchObject({ reason: 'unavailable' })
  await expect(phone.phoneNumberOf('network')).rejects.toMatchObject({ reason: 'unavailable' })
})

test('a number outside the mainland and an answer without phoneInfo are refused', async () => {
  const { openapi } = fakeOpenApi({
    hk: {
      errCode: 0,
      phoneInfo: { phoneNumber: '+852 61234567', purePhoneNumber: '61234567', countryCode: '852' },
    },
    empty: { errCode: 0, errMsg: 'openapi.phonenumber.getPhoneNumber:ok' },
  })
  const phone = new WechatPhone(openapi)
  await expect(phone.phoneNumberOf('hk')).rejects.toMatchObject({ reason: 'rejected' })
  await expect(phone.phoneNumberOf('empty')).rejects.toMatchObject({ reason: 'unavailable' })
  await expect(phone.phoneNumberOf('  ')).rejects.toMatchObject({ reason: 'rejected' })
})
