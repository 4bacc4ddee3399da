/**
 * The real tencentcloud-sdk-nodejs-sms client against a local SendSms endpoint that recomputes
 * the TC3-HMAC-SHA256 signature the way Tencent Cloud documents it and answers in the
 * documented JSON format. Plain HTTP on 127.0.0.1: the SDK takes its protocol from the profile.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo, LookupFunction } from 'node:net'
import {
  SmsSendError,
  TencentSms,
  type TencentSmsConfig,
} from '../../cloudfunctions/adapters/tencentSms/tencentSms'

const secretId = 'AKIDlocalTestSecretId000000000000000'
const secretKey = 'localTestSecretKey0000000000000000'
// The SDK signs for the service named by the endpoint's first label, so the endpoint keeps `sms.`;
// the agent below sends every connection to 127.0.0.1, whatever the name.
const host = 'sms.tencentcloudapi.test'

interface Received {
  headers: IncomingHttpHeaders
  body: Buffer
  verified: boolean
  failure?: string
}

let server: Server
let port = 0
const received: Received[] = []
/** The per-number Code the next accepted SendSms answers with. */
let nextCode: { Code: string; Message: string } = { Code: 'Ok', Message: 'send success' }

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** Tencent Cloud API 3.0 signature v3, recomputed from what arrived. Returns why it fails, or null. */
function checkTc3(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): string | null {
  const auth = headers.authorization ?? ''
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    )
  if (!match) return 'malformed Authorization'
  const [, id, date, service, signedHeaders, signature] = match
  if (id !== secretId) return 'unknown SecretId'
  if (service !== 'sms') return `wrong service ${service}`
  const timestamp = Number(headers['x-tc-timestamp'])
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return 'stale timestamp'
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return 'date does not match timestamp'
  const names = signedHeaders.split(';')
  if (!names.includes('content-type') || !names.includes('host'))
    return 'content-type and host must be signed'
  const canonicalHeaders = names
    .map((name) => {
      let value = String(headers[name] ?? '').trim()
      // The SDK signs the host name without the port (the real endpoint has none).
      if (name === 'host') value = value.replace(/:\d+$/, '')
      return `${name}:${value.toLowerCase()}\n`
    })
    .join('')
  const [path, query = ''] = url.split('?')
  const canonicalRequest = [method, path, query, canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n')
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(timestamp),
    `${date}/${service}/tc3_request`,
    sha256Hex(canonicalRequest),
  ].join('\n')
  const kDate = hmac(`TC3${secretKey}`, date)
  const kService = hmac(kDate, service)
  const kSigning = hmac(kService, 'tc3_request')
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest()
  const given = Buffer.from(signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'signature mismatch'
}

function answer(res: import('node:http').ServerResponse, response: Record<string, unknown>) {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }))
}

/** Sends every connection to the local endpoint, whatever host name the SDK asks for. */
const loopbackOnly: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}
const agent = new Agent({ lookup: loopbackOnly } as ConstructorParameters<typeof Agent>[0])

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const failure = checkTc3(req.method ?? '', req.url ?? '', req.headers, body)
      received.push({
        headers: req.headers,
        body,
        verified: failure === null,
        ...(failure ? { failure } : {}),
      })
      if (failure) {
        answer(res, {
          Error: {
            Code: 'AuthFailure.SignatureFailure',
            Message:
              'The provided credentials could not be validated. Please check your signature is correct.',
          },
        })
        return
      }
      if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') {
        answer(res, { Error: { Code: 'InvalidAction', Message: 'unknown action' } })
        return
      }
      const input = JSON.parse(body.toString('utf8')) as { PhoneNumberSet: string[] }
      answer(res, {
        SendStatusSet: input.PhoneNumberSet.map((phone, i) => ({
          SerialNo: `5000:10457106691570536578494996${i}`,
          PhoneNumber: phone,
          Fee: nextCode.Code === 'Ok' ? 1 : 0,
          SessionContext: '',
          Code: nextCode.Code,
          Message: nextCode.Message,
          IsoCode: 'CN',
        })),
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  agent.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
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
