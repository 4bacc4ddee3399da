import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ApiError } from '../../services/api'
import ErrorRetry from '../error-retry'
import './index.scss'

/** What the list shows and can ask for: usePagedList's answer fits as it is. */
export interface ListState<T> {
  items: T[]
  total: number
  hasMore: boolean
  loading: boolean
  loadingMore?: boolean
  error: ApiError | null
  loadMore: () => unknown
  refresh: () => unknown
}

export interface ListWithFiltersProps<T> {
  /** Filters (tabs, search…) shown above the list. */
  header?: ReactNode
  list: ListState<T>
  renderItem: (item: T) => ReactNode
  keyOf: (item: T) => string
  emptyText?: string
  className?: string
}

/** The one list: filters header, "共 N 条", items, load more / 没有更多了, empty and error states. */
export default function ListWithFilters<T>(props: ListWithFiltersProps<T>) {
  const { header, list, renderItem, keyOf, emptyText = '暂无数据', className } = props
  const { items, total, hasMore, loading, loadingMore = false, error } = list
  const onLoadMore = () => void list.loadMore()
  const onRetry = () => void list.refresh()

  let body: ReactNode
  if (loading && items.length === 0) {
    body = <Text className="list-with-filters__state">加载中…</Text>
  } else if (error && items.length === 0) {
    body = <ErrorRetry message={error.message} onRetry={onRetry} retryClassName="list-with-filters__retry" />
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
            <ErrorRetry
              message={error.message}
              onRetry={onLoadMore}
              retryClassName="list-with-filters__retry"
            />
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
