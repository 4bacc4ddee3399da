import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import './index.scss'

export interface ErrorRetryProps {
  /** The server's Chinese message, shown as given. */
  message: string
  onRetry: () => void
  /** Extra classes for tests and page layout. */
  className?: string
  retryClassName?: string
}

/** A failed load: the message and 重试. */
export default function ErrorRetry({ message, onRetry, className, retryClassName }: ErrorRetryProps) {
  return (
    <View className={`error-retry${className ? ` ${className}` : ''}`}>
      <Text className="error-retry__message error-text">{message}</Text>
      <Button size="small" className={retryClassName} onClick={onRetry}>
        重试
      </Button>
    </View>
  )
}
