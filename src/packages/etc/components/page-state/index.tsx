import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ApiError } from '../../../../services/api'

export interface PageStateProps<T> {
  data: T | null
  loading: boolean
  error: ApiError | null
  onRetry: () => void
  children: (data: T) => ReactNode
}

/** A detail page's states: 加载中…, the error with 重试, or the content. */
export default function PageState<T>({ data, loading, error, onRetry, children }: PageStateProps<T>) {
  if (data) return <>{children(data)}</>
  if (error && !loading) {
    return (
      <View className="etc-page-error">
        <Text className="state-text error-text">{error.message}</Text>
        <Button size="small" className="etc-page-retry" onClick={onRetry}>
          重试
        </Button>
      </View>
    )
  }
  return <Text className="state-text">加载中…</Text>
}
