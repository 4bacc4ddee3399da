import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ApiError } from '../../services/api'
import './index.scss'

export interface ListWithFiltersProps<T> {
  /** Filters (tabs, search…) shown above the list. */
  header?: ReactNode
  items: T[]
  total: number
  hasMore: boolean
  loading: boolean
  loadingMore?: boolean
  error: ApiError | null
  renderItem: (item: T) => ReactNode
  keyOf: (item: T) => string
  onLoadMore: () => void
  onRetry: () => void
  emptyText?: string
  className?: string
}

/** The one list: filters header, "共 N 条", items, load more / 没有更多了, empty and error states. */
export default function ListWithFilters<T>(props: ListWithFiltersProps<T>) {
  const { header, items, total, hasMore, loading, loadingMore = false, error, renderItem, keyOf } = props
  const { onLoadMore, onRetry, emptyText = '暂无数据', className } = props

  let body: ReactNode
  if (loading && items.length === 0) {
    body = <Text className="list-with-filters__state">加载中…</Text>
  } else if (error && items.length === 0) {
    body = (
      <View className="list-with-filters__error">
        <Text className="list-with-filters__state error-text">{error.message}</Text>
        <Button size="small" className="list-with-filters__retry" onClick={onRetry}>
          重试
        </Button>
      </View>
    )
  } else if (items.length === 0) {
    body = <Text className="list-with-filters__state list-with-filters__empty">{emptyText}</Text>
  } else {
    body = (
      <View>
        <Text className="list-with-filters__total">共 {total} 条</Text>
        <View className="list-with-filters__items">
          {items.map((item) => (
            <View key={keyOf(item)} className="list-with-filters__item">
              {renderItem(item)}
            </View>
          ))}
        </View>
        <View className="list-with-filters__footer">
          {error ? (
            <View className="list-with-filters__error">
              <Text className="error-text">{error.message}</Text>
              <Button size="small" className="list-with-filters__retry" onClick={onLoadMore}>
                重试
              </Button>
            </View>
          ) : loadingMore ? (
            <Text className="muted">加载中…</Text>
          ) : hasMore ? (
            <Button size="small" fill="none" className="list-with-filters__more" onClick={onLoadMore}>
              加载更多
            </Button>
          ) : (
            <Text className="muted list-with-filters__end">没有更多了</Text>
          )}
        </View>
      </View>
    )
  }

  return (
    <View className={`list-with-filters${className ? ` ${className}` : ''}`}>
      {header ? <View className="list-with-filters__header">{header}</View> : null}
      {body}
    </View>
  )
}
