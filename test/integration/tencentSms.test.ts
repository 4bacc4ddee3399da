/**
 * The real tencentcloud-sdk-nodejs-sms client against a local SendSms endpoint (tc3Endpoint.ts)
 * that recomputes the TC3-HMAC-SHA256 signature the way Tencent Cloud documents it and answers in
 * the documented JSON format. Plain HTTP on 127.0.0.1: the SDK takes its protocol from the profile.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  SmsSendError,
  TencentSms,
  tencentSmsConfigFromEnv,
  type TencentSmsConfig,
} from '../../cloudfunctions/adapters/tencentSms/tencentSms'
import { loopbackAgent, startTc3Endpoint, type Tc3Endpoint, type Tc3Request } from './tc3Endpoint'

const secretId = 'AKIDlocalTestSecretId000000000000000'
const secretKey = 'localTestSecretKey0000000000000000'
// The SDK signs for the service named by the endpoint's first label, so the endpoint keeps `sms.`;
// the agent below sends every connection to 127.0.0.1, whatever the name.
const host = 'sms.tencentcloudapi.test'

let endpoint: Tc3Endpoint
let port = 0
let received: Tc3Request[] = []
/** The per-number Code the next accepted SendSms answers with. */
let nextCode: { Code: string; Message: string } = { Code: 'Ok', Message: 'send success' }

const agent = loopbackAgent()

beforeAll(async () => {
  endpoint = await startTc3Endpoint({
    service: 'sms',
    secretId,
    secretKey,
    handle(req, input) {
      if (req.action !== 'SendSms' || req.version !== '2021-01-11') {
        return { Error: { Code: 'InvalidAction', Message: 'unknown action' } }
      }
      const phones = (input as { PhoneNumberSet: string[] }).PhoneNumberSet
      return {
        SendStatusSet: phones.map((phone, i) => ({
          SerialNo: `5000:10457106691570536578494996${i}`,
          PhoneNumber: phone,
          Fee: nextCode.Code === 'Ok' ? 1 : 0,
          SessionContext: '',
          Code: nextCode.Code,
          Message: nextCode.Message,
          IsoCode: 'CN',
        })),
      }
    },
  })
  port = endpoint.port
  received = endpoint.received
})

afterAll(async () => {
  agent.destroy()
  await endpoint.close()
})

beforeEach(() => {
  received.length = 0
  nextCode = { Code: 'Ok', Message: 'send success' }
})

function adapter(overrides: Partial<TencentSmsConfig> = {}): TencentSms {
  return new TencentSms({
    secretId,
    secretKey,
    sdkAppId: '1400006666',
    signName: '畅行ETC',
    templateId: '1234567',
    endpoint: `${host}:${port}`,
    protocol: 'http://',
    agent,
    timeoutMs: 5000,
    ...overrides,
  })
}

test('sends the template with the code and "5" minutes to the +86 number, signed TC3-HMAC-SHA256 for sms', async () => {
  await adapter().send({ phone: '13800138000', code: '482913', text: '验证码 482913' })
  expect(received).toHaveLength(1)
  const [request] = received
  expect(request.failure).toBeUndefined()
  expect(request.verified).toBe(true)
  expect(request.headers['x-tc-action']).toBe('SendSms')
  expect(request.headers['x-tc-version']).toBe('2021-01-11')
  expect(request.headers['x-tc-region']).toBe('ap-guangzhou')
  expect(request.headers['content-type']).toBe('application/json')
  expect(request.headers.authorization).toMatch(
    new RegExp(
      `^TC3-HMAC-SHA256 Credential=${secretId}/\\d{4}-\\d{2}-\\d{2}/sms/tc3_request, SignedHeaders=content-type;host, `,
    ),
  )
  expect(JSON.parse(request.body.toString('utf8'))).toEqual({
    PhoneNumberSet: ['+8613800138000'],
    SmsSdkAppId: '1400006666',
    SignName: '畅行ETC',
    TemplateId: '1234567',
    TemplateParamSet: ['482913', '5'],
  })
  // The text stays local: only the template parameters travel.
  expect(request.body.toString('utf8')).not.toContain('验证码')
})

test('a wrong secret key is rejected by the endpoint and surfaces as a typed refusal', async () => {
  const error = await adapter({ secretKey: 'not-the-secret-key' })
    .send({ phone: '13800138000', code: '111111', text: '' })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(SmsSendError)
  expect(error).toMatchObject({ reason: 'rejected', providerCode: 'AuthFailure.SignatureFailure' })
  expect(received).toHaveLength(1)
  expect(received[0]).toMatchObject({ verified: false, failure: 'signature mismatch' })
})

test('the endpoint rejects a signed request whose body was changed afterwards', async () => {
  await adapter().send({ phone: '13800138000', code: '222222', text: '' })
  const original = received[0]
  expect(original.verified).toBe(true)
  const tampered = Buffer.from(original.body.toString('utf8').replace('222222', '999999'))
  const status = await new Promise<number>((resolve, reject) => {
    const headers = { ...original.headers, 'content-length': String(tampered.length) }
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(tampered)
  })
  expect(status).toBe(200)
  expect(received).toHaveLength(2)
  expect(received[1]).toMatchObject({ verified: false, failure: 'signature mismatch' })
})

test('a per-number LimitExceeded.PhoneNumberDailyLimit answer maps to a typed rate-limit failure', async () => {
  nextCode = {
    Code: 'LimitExceeded.PhoneNumberDailyLimit',
    Message: 'the number of SMS messages sent from a single mobile number every day exceeds the upper limit',
  }
  const error = await adapter()
    .send({ phone: '+8613800138000', code: '333333', text: '' })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(SmsSendError)
  expect(error).toMatchObject({ reason: 'rateLimited', providerCode: 'LimitExceeded.PhoneNumberDailyLimit' })
  expect(received[0].verified).toBe(true)
})

test('an incorrect number per the service maps to invalidPhone; a malformed one never leaves the function', async () => {
  nextCode = { Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect number format' }
  await expect(adapter().send({ phone: '13800138000', code: '444444', text: '' })).rejects.toMatchObject({
    reason: 'invalidPhone',
    providerCode: 'InvalidParameterValue.IncorrectPhoneNumber',
  })
  received.length = 0
  await expect(adapter().send({ phone: '12345', code: '444444', text: '' })).rejects.toMatchObject({
    reason: 'invalidPhone',
  })
  expect(received).toHaveLength(0)
})

test('an unreachable endpoint is a typed unavailable failure', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const deadPort = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  await expect(
    adapter({ endpoint: `${host}:${deadPort}` }).send({ phone: '13800138000', code: '555555', text: '' }),
  ).rejects.toMatchObject({ reason: 'unavailable' })
})

test('credentials come from SMS_SECRET_ID / SMS_SECRET_KEY, never the runtime-reserved TENCENTCLOUD_ names', () => {
  const common = { SMS_SDK_APP_ID: '1400006666', SMS_SIGN_NAME: '畅行ETC', SMS_TEMPLATE_ID: '1234567' }
  expect(
    tencentSmsConfigFromEnv({
      ...common,
      SMS_SECRET_ID: 'id',
      SMS_SECRET_KEY: 'key',
      TENCENTCLOUD_SECRETID: 'tmp',
    }),
  ).toMatchObject({ secretId: 'id', secretKey: 'key', region: 'ap-guangzhou' })
  // The function's own temporary credentials are not the SMS account's: they are not read.
  expect(() =>
    tencentSmsConfigFromEnv({ ...common, TENCENTCLOUD_SECRETID: 'tmp', TENCENTCLOUD_SECRETKEY: 'tmp' }),
  ).toThrow('缺少环境变量 SMS_SECRET_ID')
})
