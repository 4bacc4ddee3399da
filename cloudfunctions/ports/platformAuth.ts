/**
 * What the platforms tell us about a user, behind ports so the actions stay platform-free.
 * Production adapters call WeChat's open API and Alipay's gateway; tests point the real SDKs
 * at local endpoints that check the real request signatures.
 */

/** WeChat `getPhoneNumber`: the button's code, exchanged on the server for the phone number. */
export interface WechatPhoneNumbers {
  phoneNumberOf(code: string): Promise<string>
}

/** Alipay `my.getPhoneNumber`: the encrypted response, its signature checked, then decrypted. */
export interface AlipayPhoneNumbers {
  phoneNumberOf(encrypted: { response: string; sign: string }): Promise<string>
}

/** Alipay `my.getAuthCode`: the code, exchanged (alipay.system.oauth.token) for the Alipay user id. */
export interface AlipayOAuth {
  userIdOf(authCode: string): Promise<string>
}

export interface PlatformAuth {
  wechatPhone: WechatPhoneNumbers
  alipayPhone: AlipayPhoneNumbers
  alipayOAuth: AlipayOAuth
}

/** A platform refused or could not be reached; actions answer it with a typed error. */
export class PlatformAuthError extends Error {
  constructor(
    readonly reason: 'rejected' | 'badSignature' | 'unavailable',
    message: string,
  ) {
    super(message)
    this.name = 'PlatformAuthError'
  }
}
