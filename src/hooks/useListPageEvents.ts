import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'

interface Refreshable {
  hasMore: boolean
  refresh: () => Promise<void>
  loadMore: () => Promise<void>
}

/**
 * Wires a list page to the platform: pull-to-refresh reloads the first page (same filters),
 * reaching the bottom loads the next one. The page config needs `enablePullDownRefresh: true`.
 */
export function useListPageEvents(list: Refreshable, extraRefresh?: () => Promise<unknown>): void {
  usePullDownRefresh(() => {
    void Promise.all([list.refresh(), extraRefresh ? extraRefresh() : Promise.resolve()]).finally(() =>
      Taro.stopPullDownRefresh(),
    )
  })
  useReachBottom(() => {
    if (list.hasMore) void list.loadMore()
  })
}
