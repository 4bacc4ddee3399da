import { useState, type ReactNode } from 'react'
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

/** Folds the filter form again, e.g. after 查询. */
export interface FilterPanelControl {
  close: () => void
}

export interface ListWithFiltersProps<T> {
  /** Always shown above the list: tabs, account summaries… */
  header?: ReactNode
  /**
   * The filter form, folded behind a 筛选 button until the user opens it (peer apps do the
   * same: the first rows stay on screen). A function receives `close` to fold it after 查询.
   */
  filters?: ReactNode | ((panel: FilterPanelControl) => ReactNode)
  /** Filters set beyond the defaults: shown on the button (筛选 2). */
  activeFilters?: number
  /** Names the filter applied, after the count: 共 193 条（已发行）. */
  filterSummary?: string
  /** Between the filter bar and the rows: actions on the rows (batch bars, notes). */
  actions?: ReactNode
  list: ListState<T>
  renderItem: (item: T) => ReactNode
  keyOf: (item: T) => string
  emptyText?: string
  /** Under the empty text: a way out, e.g. widen the filter. */
  emptyAction?: ReactNode
  className?: string
}

/**
 * The one list: header, a bar with "共 N 条（filter）" and 筛选 (the filter form folds out below
 * it), row actions, items, load more / 没有更多了, empty and error states.
 */
export default function ListWithFilters<T>(props: ListWithFiltersProps<T>) {
  const {
    header,
    filters,
    activeFilters = 0,
    filterSummary,
    actions,
    list,
    renderItem,
    keyOf,
    emptyText = '暂无数据',
    emptyAction,
    className,
  } = props
  const { items, total, hasMore, loading, loadingMore = false, error } = list
  const [open, setOpen] = useState(false)
  const onLoadMore = () => void list.loadMore()
  const onRetry = () => void list.refresh()
  const hasRows = items.length > 0
  const totalText = `共 ${total} 条${filterSummary ? `（${filterSummary}）` : ''}`

  let body: ReactNode
  if (loading && !hasRows) {
    body = <Text className="list-with-filters__state">加载中…</Text>
  } else if (error && !hasRows) {
    body = <ErrorRetry message={error.message} onRetry={onRetry} retryClassName="list-with-filters__retry" />
  } else if (!hasRows) {
    body = (
      <View className="list-with-filters__state list-with-filters__empty">
        <Text>{emptyText}</Text>
        {emptyAction ? <View className="list-with-filters__empty-action">{emptyAction}</View> : null}
      </View>
    )
  } else {
    body = (
      <View>
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

  const control: FilterPanelControl = { close: () => setOpen(false) }
  const showBar = filters !== undefined || hasRows
  return (
    <View className={`list-with-filters${className ? ` ${className}` : ''}`}>
      {header ? <View className="list-with-filters__header">{header}</View> : null}
      {showBar ? (
        <View className="list-with-filters__bar">
          {/* the total speaks of rows: without any (loading, empty, failed) it says nothing */}
          <Text className="list-with-filters__total">{hasRows ? totalText : ''}</Text>
          {filters !== undefined ? (
            <Text
              className={`list-with-filters__toggle${open ? ' list-with-filters__toggle--open' : ''}${
                activeFilters > 0 ? ' list-with-filters__toggle--active' : ''
              }`}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? '收起筛选' : activeFilters > 0 ? `筛选 ${activeFilters}` : '筛选'}
            </Text>
          ) : null}
        </View>
      ) : null}
      {filters !== undefined && open ? (
        <View className="list-with-filters__panel">
          {typeof filters === 'function' ? filters(control) : filters}
        </View>
      ) : null}
      {actions ? <View className="list-with-filters__actions">{actions}</View> : null}
      {body}
    </View>
  )
}
