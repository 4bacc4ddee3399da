/**
 * The real alipay-sdk against a local OpenAPI v2 gateway that verifies the app's RSA2 request
 * signature the way Alipay documents it (all parameters but `sign`, empty ones dropped, sorted by
 * key, `k=v` joined with `&`, SHA256withRSA) and answers alipay.system.oauth.token signed with a
 * fake "Alipay" key pair, which the SDK must verify. Key pairs are generated per run.
 */
import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AlipaySdk } from 'alipay-sdk'
import { AlipayOAuthClient } from '../../cloudfunctions/adapters/alipay/alipayOAuth'
import { AlipayPhone } from '../../cloudfunctions/adapters/alipay/alipayPhone'
import type { AlipayConfig } from '../../cloudfunctions/adapters/alipay/alipayKeys'
import { PlatformAuthError } from '../../cloudfunctions/ports/platformAuth'

function rsaPair(privateType: 'pkcs1' | 'pkcs8') {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: privateType, format: 'pem' },
  })
}
/** The Alipay console hands keys out as bare base64, without PEM armour. */
const bare = (pem: string) => pem.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '')

const app = rsaPair('pkcs8')
const alipay = rsaPair('pkcs1')
const stranger = rsaPair('pkcs1')
const appId = '2021000000000001'
const aesKey = randomBytes(16).toString('base64')
const validCode = 'a8c1f0e2d3b44f6c9e0d7b1a2c3d4e5f'
const alipayUserId = '2088102150477652'

interface GatewayRequest {
  params: Record<string, string>
  verified: boolean
}

let server: Server
let gateway = ''
const requests: GatewayRequest[] = []
/** How the gateway signs its answers: with Alipay's key, a stranger's, or signed then altered. */
let responseMode: 'genuine' | 'forged' | 'altered' = 'genuine'

/** Alipay's request check: every parameter except sign, no empty values, sorted, k=v&…, RSA2 with the app's public key. */
function verifyAppRequest(params: Record<string, string>, appPublicKey: string): boolean {
  const { sign, ...rest } = params
  if (!sign) return false
  const content = Object.keys(rest)
    .filter((key) => rest[key] !== '')
    .sort()
    .map((key) => `${key}=${rest[key]}`)
    .join('&')
  return createVerify('RSA-SHA256').update(content, 'utf8').verify(appPublicKey, sign, 'base64')
}

function signAsAlipay(content: string, key: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64')
}

/** `{"<method>_response":<content>,"sign":"…"}` with the signature over <content> exactly as sent. */
function signedAnswer(res: ServerResponse, key: string, payload: Record<string, string>) {
  const content = JSON.stringify(payload)
  const sign = signAsAlipay(content, responseMode === 'forged' ? stranger.privateKey : alipay.privateKey)
  const sent = responseMode === 'altered' ? content.replace(alipayUserId, '2088000000000009') : content
  res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
  res.end(`{"${key}":${sent},"sign":"${sign}"}`)
}

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const params: Record<string, string> = {}
  const url = new URL(req.url ?? '/', 'http://gateway')
  url.searchParams.forEach((value, key) => (params[key] = value))
  new URLSearchParams(Buffer.concat(chunks).toString('utf8')).forEach((value, key) => (params[key] = value))
  return params
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readParams(req).then((params) => {
      const verified = params.app_id === appId && verifyAppRequest(params, app.publicKey)
      requests.push({ params, verified })
      const methodKey = `${String(params.method).replaceAll('.', '_')}_response`
      if (!verified) {
        signedAnswer(res, 'error_response', {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-signature',
          sub_msg: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
        })
        return
      }
      if (params.method !== 'alipay.system.oauth.token' || params.grant_type !== 'authorization_code') {
        signedAnswer(res, 'error_response', {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-method',
        })
        return
      }
      if (params.code !== validCode) {
        signedAnswer(res, 'error_response', {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.code-invalid',
          sub_msg: '授权码code无效',
        })
        return
      }
      signedAnswer(res, methodKey, {
        user_id: alipayUserId,
        access_token: 'authusrB7fd1b2ca3c3b4c19b8e0f1e8e4d5a6c7',
        expires_in: '1296000',
        refresh_token: 'authusrBe1f2a3b4c5d6e7f8091a2b3c4d5e6f70',
        re_expires_in: '2592000',
        auth_start: '2026-01-01 10:00:00',
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  requests.length = 0
  responseMode = 'genuine'
})

function config(overrides: Partial<AlipayConfig> = {}): AlipayConfig {
  return {
    appId,
    privateKey: bare(app.privateKey),
    alipayPublicKey: bare(alipay.publicKey),
    aesKey,
    gateway,
    timeoutMs: 5000,
    ...overrides,
  }
}

describe('AlipayOAuth: alipay.system.oauth.token through alipay-sdk', () => {
  test('an auth code is exchanged for the Alipay user id; request and answer both verify', async () => {
    await expect(new AlipayOAuthClient(config()).userIdOf(validCode)).resolves.toBe(alipayUserId)
    expect(requests).toHaveLength(1)
    const { params, verified } = requests[0]
    expect(verified).toBe(true)
    expect(params).toMatchObject({
      app_id: appId,
      method: 'alipay.system.oauth.token',
      charset: 'utf-8',
      sign_type: 'RSA2',
      version: '1.0',
      grant_type: 'authorization_code',
      code: validCode,
    })
    expect(params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
  })

  test('the gateway rejects a captured request once any parameter is changed', async () => {
    await new AlipayOAuthClient(config()).userIdOf(validCode)
    const captured = requests[0].params
    expect(verifyAppRequest(captured, app.publicKey)).toBe(true)
    expect(verifyAppRequest({ ...captured, code: 'another-users-code' }, app.publicKey)).toBe(false)
    expect(verifyAppRequest({ ...captured, app_id: '2021000000000002' }, app.publicKey)).toBe(false)
  })

  test('a request signed with a key the app did not register is refused', async () => {
    const wrongKey = new AlipayOAuthClient(config({ privateKey: stranger.privateKey }))
    const error = await wrongKey.userIdOf(validCode).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PlatformAuthError)
    expect(error).toMatchObject({ reason: 'rejected' })
    expect((error as Error).message).toContain('验签出错')
    expect(requests).toHaveLength(1)
    expect(requests[0].verified).toBe(false)
  })

  test('an invalid or used code is a typed refusal', async () => {
    await expect(new AlipayOAuthClient(config()).userIdOf('used-code')).rejects.toMatchObject({
      reason: 'rejected',
      message: expect.stringContaining('授权码code无效'),
    })
    expect(requests[0].verified).toBe(true)
  })

  test('an answer not signed by Alipay is refused by the SDK before any user id is read', async () => {
    responseMode = 'forged'
    await expect(new AlipayOAuthClient(config()).userIdOf(validCode)).rejects.toMatchObject({
      name: 'PlatformAuthError',
      reason: 'badSignature',
    })
  })

  test('an answer altered after Alipay signed it is refused', async () => {
    responseMode = 'altered'
    await expect(new AlipayOAuthClient(config()).userIdOf(validCode)).rejects.toMatchObject({
      reason: 'badSignature',
    })
  })

  test('an unreachable gateway is a typed unavailable failure', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const client = new AlipayOAuthClient(config({ gateway: `http://127.0.0.1:${deadPort}/gateway.do` }))
    await expect(client.userIdOf(validCode)).rejects.toMatchObject({ reason: 'unavailable' })
  })
})

describe('AlipayPhoneNumbers: my.getPhoneNumber response', () => {
  /** What Alipay does: AES-CBC (zero IV, PKCS#7) of the JSON, base64; RSA2 over the ciphertext in quotes. */
  function phoneResponse(content: object, signingKey = alipay.privateKey, key = aesKey) {
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(key, 'base64'), Buffer.alloc(16))
    const response = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final()]).toString(
      'base64',
    )
    return { response, sign: signAsAlipay(`"${response}"`, signingKey) }
  }
  const phone = () => new AlipayPhone({ alipayPublicKey: bare(alipay.publicKey), aesKey })

  test('a response built the way Alipay builds it verifies and decrypts to the mobile', async () => {
    const message = phoneResponse({ code: '10000', msg: 'Success', mobile: '13912345678' })
    await expect(phone().phoneNumberOf(message)).resolves.toBe('13912345678')
    // The SDK's own documented check and decryption agree with what the adapter accepted.
    const sdk = new AlipaySdk({
      appId,
      privateKey: app.privateKey,
      keyType: 'PKCS8',
      alipayPublicKey: alipay.publicKey,
      encryptKey: aesKey,
    })
    expect(sdk.rsaCheck(`"${message.response}"`, message.sign, 'RSA2')).toBe(true)
    expect(JSON.parse(sdk.aesDecrypt(message.response))).toMatchObject({ mobile: '13912345678' })
  })

  test('a sign made with any key but Alipay’s is rejected before decryption', async () => {
    const forged = phoneResponse(
      { code: '10000', msg: 'Success', mobile: '13912345678' },
      stranger.privateKey,
    )
    await expect(phone().phoneNumberOf(forged)).rejects.toMatchObject({ reason: 'badSignature' })
  })

  test('a response swapped under a genuine sign is rejected', async () => {
    const genuine = phoneResponse({ code: '10000', msg: 'Success', mobile: '13912345678' })
    const other = phoneResponse({ code: '10000', msg: 'Success', mobile: '13000000000' })
    await expect(
      phone().phoneNumberOf({ response: other.response, sign: genuine.sign }),
    ).rejects.toMatchObject({
      reason: 'badSignature',
    })
    // Signing the bare ciphertext (without the quotes Alipay signs) does not verify either.
    const unquoted = signAsAlipay(genuine.response, alipay.privateKey)
    await expect(phone().phoneNumberOf({ response: genuine.response, sign: unquoted })).rejects.toMatchObject(
      {
        reason: 'badSignature',
      },
    )
  })

  test('a genuine refusal from Alipay (no authorisation relation) is a typed refusal', async () => {
    const refusal = phoneResponse({
      code: '40003',
      msg: 'Insufficient Conditions',
      subCode: 'isv.invalid-auth-relations',
      subMsg: '无效的授权关系',
    })
    await expect(phone().phoneNumberOf(refusal)).rejects.toMatchObject({
      reason: 'rejected',
      message: expect.stringContaining('无效的授权关系'),
    })
  })

  test('content encrypted with another app’s AES key does not decrypt', async () => {
    const otherKey = randomBytes(16).toString('base64')
    const message = phoneResponse(
      { code: '10000', msg: 'Success', mobile: '13912345678' },
      alipay.privateKey,
      otherKey,
    )
    await expect(phone().phoneNumberOf(message)).rejects.toBeInstanceOf(PlatformAuthError)
  })
})
