import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { Dialog } from '@nutui/nutui-react-taro'
import './index.scss'

export { confirmPrivacyPolicy, hasPolicyConsent, rememberPolicyConsent } from './consent'

type Resolve = (option: Taro.onNeedPrivacyAuthorization.ResolveOption) => void
type Show = (resolve: Resolve) => void

/**
 * WeChat allows one onNeedPrivacyAuthorization listener for the whole app and has no way to
 * remove it: register once, and hand each request to the popup of the page on top (the
 * most recently mounted one).
 */
const popups: Show[] = []
let listening = false

function listen(): void {
  if (listening || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
  listening = true
  // Taro's wrapper answers a rejected promise where the base library lacks the API (and in H5):
  // then there is nothing to listen to
  const registered: unknown = Taro.onNeedPrivacyAuthorization((resolve) => {
    const show = popups[popups.length - 1]
    if (show) show(resolve)
    else resolve({ event: 'disagree' })
  })
  if (registered instanceof Promise) registered.catch(() => undefined)
}

const AGREE_BUTTON_ID = 'privacy-agree'

/**
 * WeChat's privacy authorization (app.config `__usePrivacyCheck__`): when a privacy API or
 * component (phone number button, Bluetooth) needs the user's consent, explain and ask.
 * Renders nothing outside WeChat (see ./consent.ts for Alipay).
 */
export default function PrivacyPopup() {
  const [pending, setPending] = useState<Resolve | null>(null)

  useEffect(() => {
    if (process.env.TARO_ENV !== 'weapp') return
    const show: Show = (resolve) => {
      resolve({ event: 'exposureAuthorization' })
      setPending(() => resolve)
    }
    popups.push(show)
    listen()
    return () => {
      const i = popups.lastIndexOf(show)
      if (i >= 0) popups.splice(i, 1)
    }
  }, [])

  if (process.env.TARO_ENV !== 'weapp') return null

  const answer = (option: Taro.onNeedPrivacyAuthorization.ResolveOption) => {
    pending?.(option)
    setPending(null)
  }

  return (
    <Dialog
      className="privacy-popup"
      visible={pending !== null}
      title="用户隐私保护提示"
      closeOnOverlayClick={false}
      content={
        <View className="privacy-popup__content">
          <Text>感谢您使用浙江ETC服务营业厅。在使用手机号一键登录、蓝牙圈存等功能前，请阅读并同意</Text>
          <Text className="privacy-popup__link" onClick={() => Taro.openPrivacyContract()}>
            《浙江ETC服务营业厅小程序隐私保护指引》
          </Text>
          <Text>。我们只在您使用相应功能时收集必要信息，并加密保存。</Text>
        </View>
      }
      footer={
        <View className="privacy-popup__actions">
          <Button className="privacy-popup__disagree" onClick={() => answer({ event: 'disagree' })}>
            拒绝
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className="privacy-popup__agree"
            openType="agreePrivacyAuthorization"
            onAgreePrivacyAuthorization={() => answer({ event: 'agree', buttonId: AGREE_BUTTON_ID })}
          >
            同意
          </Button>
        </View>
      }
    />
  )
}
