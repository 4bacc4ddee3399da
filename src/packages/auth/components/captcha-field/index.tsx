import { Image, Text, View } from '@tarojs/components'
import { Input } from '@nutui/nutui-react-taro'
import type { Captcha } from '../../../../hooks/useCaptcha'
import './index.scss'

export interface CaptchaFieldProps {
  captcha: Captcha
  /** Class of the input (tests and browser tests select it). */
  inputClassName?: string
  imageClassName?: string
}

/** 图形验证码: the input and the SVG image; tap the image for a new one. */
export default function CaptchaField({
  captcha,
  inputClassName = 'login-captcha',
  imageClassName = 'login-captcha-image',
}: CaptchaFieldProps) {
  const refresh = () => void captcha.refresh()
  return (
    <View className="captcha-field">
      <View className="captcha-field__row">
        <Input
          className={`captcha-field__input ${inputClassName}`}
          maxLength={8}
          placeholder="请输入图形验证码"
          value={captcha.text}
          onChange={(v) => captcha.setText(v)}
        />
        {captcha.imageSrc ? (
          <Image
            className={`captcha-field__image ${imageClassName}`}
            src={captcha.imageSrc}
            mode="aspectFit"
            onClick={refresh}
          />
        ) : (
          <Text
            className={`captcha-field__image captcha-field__placeholder ${imageClassName}`}
            onClick={refresh}
          >
            {captcha.loading ? '加载中…' : '点击获取'}
          </Text>
        )}
      </View>
      {captcha.error ? <Text className="captcha-field__error error-text">{captcha.error}</Text> : null}
    </View>
  )
}
