import { useState } from 'react'
import { Button, View } from '@tarojs/components'
import type { LoginResult, UserType } from '../../../../../types'
import { call, errorMessage } from '../../../../services/api'
import { confirmPrivacyPolicy } from '../../../../components/privacy-popup/consent'
import { alipayPhoneNumber } from '../../shared/platformPhone'
import { AGREEMENT_REQUIRED } from '../../shared/validate'
import './index.scss'

export type QuickLoginPlatform = 'weapp' | 'alipay' | 'h5'

export interface PhoneQuickLoginProps {
  userType: UserType
  agreed: boolean
  onLogin: (result: LoginResult) => void
  onMessage: (message: string) => void
  /** The build's platform; tests pass one. */
  platform?: QuickLoginPlatform
}

function currentPlatform(): QuickLoginPlatform {
  const env = process.env.TARO_ENV
  return env === 'weapp' || env === 'alipay' ? env : 'h5'
}

const REFUSED = '未获得手机号授权，您可以使用短信验证码登录'
const LABEL = '手机号一键登录'

/**
 * One-tap login with the phone number the platform vouches for. WeChat: the getPhoneNumber
 * button's code → auth.loginByWechatPhone. Alipay: the getAuthorize(phoneNumber) button, then
 * my.getPhoneNumber → auth.loginByAlipayPhone. Not on H5. Until the agreement is ticked the
 * button is a plain one that says so: the platform popup must not open before consent.
 */
export default function PhoneQuickLogin({
  userType,
  agreed,
  onLogin,
  onMessage,
  platform = currentPlatform(),
}: PhoneQuickLoginProps) {
  const [busy, setBusy] = useState(false)
  if (platform === 'h5') return null

  const login = async (request: () => Promise<LoginResult>) => {
    setBusy(true)
    try {
      onLogin(await request())
    } catch (e) {
      onMessage(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (!agreed) {
    return (
      <View className="phone-quick-login">
        <Button
          className="phone-quick-login__button login-wechat-phone"
          onClick={() => onMessage(AGREEMENT_REQUIRED)}
        >
          {LABEL}
        </Button>
      </View>
    )
  }

  if (platform === 'weapp') {
    return (
      <View className="phone-quick-login">
        <Button
          className="phone-quick-login__button login-wechat-phone"
          openType="getPhoneNumber"
          loading={busy}
          disabled={busy}
          onGetPhoneNumber={(event) => {
            const code = event.detail.code
            if (!code) {
              onMessage(REFUSED)
              return
            }
            void login(() => call('auth.loginByWechatPhone', { code, userType }))
          }}
        >
          {LABEL}
        </Button>
      </View>
    )
  }

  return (
    <View className="phone-quick-login">
      <Button
        className="phone-quick-login__button login-wechat-phone login-alipay-phone"
        openType="getAuthorize"
        scope="phoneNumber"
        loading={busy}
        disabled={busy}
        onGetAuthorize={() =>
          void (async () => {
            if (!(await confirmPrivacyPolicy('phone'))) return
            const phone = await alipayPhoneNumber()
            if (!phone) {
              onMessage(REFUSED)
              return
            }
            await login(() => call('auth.loginByAlipayPhone', { ...phone, userType }))
          })()
        }
        onError={() => onMessage(REFUSED)}
      >
        {LABEL}
      </Button>
    </View>
  )
}
