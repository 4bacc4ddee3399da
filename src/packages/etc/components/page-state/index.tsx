import type { ReactNode } from 'react'
import { Text } from '@tarojs/components'
import type { ApiError } from '../../../../services/api'
import ErrorRetry from '../../../../components/error-retry'

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
    return <ErrorRetry message={error.message} onRetry={onRetry} retryClassName="etc-page-retry" />
  }
  return <Text className="state-text">加载中…</Text>
}
