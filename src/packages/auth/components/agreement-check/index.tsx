import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Checkbox } from '@nutui/nutui-react-taro'
import { rememberPolicyConsent } from '../../../../components/privacy-popup/consent'
import { AUTH_PAGES } from '../../shared/routes'
import './index.scss'

export interface AgreementCheckProps {
  checked: boolean
  onChange: (checked: boolean) => void
}

function open(url: string) {
  return (event: { stopPropagation: () => void }) => {
    event.stopPropagation()
    void Taro.navigateTo({ url })
  }
}

/** 我已阅读并同意《用户协议》和《隐私政策》: required before every way of logging in. */
export default function AgreementCheck({ checked, onChange }: AgreementCheckProps) {
  return (
    <View className="agreement-check">
      <Checkbox
        className="login-agree"
        checked={checked}
        onChange={(value) => {
          // ticking it is the consent to our policy the Alipay notice would otherwise ask for
          if (value) rememberPolicyConsent()
          onChange(value)
        }}
      >
        我已阅读并同意
      </Checkbox>
      <Text className="agreement-check__link login-agreement-link" onClick={open(AUTH_PAGES.agreement)}>
        《用户协议》
      </Text>
      <Text>和</Text>
      <Text className="agreement-check__link login-privacy-link" onClick={open(AUTH_PAGES.privacy)}>
        《隐私政策》
      </Text>
    </View>
  )
}
