import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import './index.scss'

export interface NavBarProps {
  /** The page title: the same words as the page config's navigationBarTitleText. */
  title: string
  className?: string
}

/** Only H5 needs it: WeChat and Alipay draw their own navigation bar from the page config. */
export const showsNavBar = (): boolean => process.env.TARO_ENV === 'h5'

/** True when the page stack holds a page to go back to (tab pages and deep links have none). */
function canGoBack(): boolean {
  try {
    return Taro.getCurrentPages().length > 1
  } catch {
    return false
  }
}

/** The H5 title bar: the page title, and a back arrow when there is a page to go back to. */
export default function NavBar({ title, className }: NavBarProps) {
  const [back, setBack] = useState(canGoBack)
  useDidShow(() => setBack(canGoBack()))
  if (!showsNavBar()) return null
  return (
    <View className={`nav-bar${className ? ` ${className}` : ''}`}>
      {back ? (
        <View className="nav-bar__back" onClick={() => void Taro.navigateBack()}>
          <View className="nav-bar__arrow" />
          <Text className="nav-bar__back-text">返回</Text>
        </View>
      ) : null}
      <Text className="nav-bar__title">{title}</Text>
    </View>
  )
}
