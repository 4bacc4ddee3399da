import { createDecipheriv, createVerify } from 'node:crypto'
import { PlatformAuthError, type AlipayPhoneNumbers } from '../../ports/platformAuth'
import { publicKeyPem } from './alipayKeys'

const ciphers: Record<number, string> = { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' }

/**
 * my.getPhoneNumber answers `{ response, sign, sign_type: 'RSA2', encrypt_type: 'AES', charset }`.
 * `response` is base64 AES-CBC (zero IV, PKCS#7) of `{"code":"10000","msg":"Success","mobile":"…"}`;
 * `sign` is Alipay's RSA2 (SHA256withRSA) signature over the response *as a JSON string value*,
 * i.e. the ciphertext with a double quote before and after. Verify first, then decrypt.
 */
export class AlipayPhone implements AlipayPhoneNumbers {
  private readonly publicKey: string
  private readonly aesKey: Buffer

  constructor(config: { alipayPublicKey: string; aesKey: string }) {
    this.publicKey = publicKeyPem(config.alipayPublicKey)
    this.aesKey = Buffer.from(config.aesKey, 'base64')
    if (!ciphers[this.aesKey.length]) throw new Error('ALIPAY_AES_KEY 应为 base64 编码的 128 位 AES 密钥')
  }

  async phoneNumberOf(encrypted: { response: string; sign: string }): Promise<string> {
    const { response, sign } = encrypted
    if (typeof response !== 'string' || typeof sign !== 'string' || !response || !sign) {
      throw new PlatformAuthError('badSignature', '手机号授权数据不完整')
    }
    if (response.trimStart().startsWith('{')) {
      // Unencrypted content means the app's AES key is not set up; we never accept it.
      throw new PlatformAuthError('rejected', '手机号授权数据未加密')
    }
    let verified = false
    try {
      verified = createVerify('RSA-SHA256')
        .update(`"${response}"`, 'utf8')
        .verify(this.publicKey, sign, 'base64')
    } catch {
      verified = false
    }
    if (!verified) throw new PlatformAuthError('badSignature', '手机号授权数据签名无效')

    let plain: string
    try {
      const decipher = createDecipheriv(ciphers[this.aesKey.length], this.aesKey, Buffer.alloc(16))
      plain = Buffer.concat([decipher.update(response, 'base64'), decipher.final()]).toString('utf8')
    } catch {
      throw new PlatformAuthError('rejected', '手机号授权数据无法解密')
    }
    let content: { code?: unknown; mobile?: unknown; subMsg?: unknown; sub_msg?: unknown; msg?: unknown }
    try {
      content = JSON.parse(plain) as typeof content
    } catch {
      throw new PlatformAuthError('rejected', '手机号授权数据格式不正确')
    }
    if (content.code !== '10000' || typeof content.mobile !== 'string' || !content.mobile) {
      const reason = content.subMsg ?? content.sub_msg ?? content.msg ?? content.code
      throw new PlatformAuthError('rejected', `支付宝未返回手机号：${String(reason)}`)
    }
    return content.mobile
  }
}
