import { useState } from 'react'
import { Text } from '@tarojs/components'
import { ApiError } from '../../services/api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import ListWithFilters from '.'

interface Row {
  id: string
  name: string
}

const rows = (from: number, count: number): Row[] =>
  Array.from({ length: count }, (_, i) => ({ id: `r${from + i}`, name: `第${from + i}行` }))

function Harness({
  all,
  pageSize,
  failFirst = false,
}: {
  all: Row[]
  pageSize: number
  failFirst?: boolean
}) {
  const [shown, setShown] = useState(pageSize)
  const [error, setError] = useState<ApiError | null>(failFirst ? ApiError.network() : null)
  return (
    <ListWithFilters
      header={<Text className="filters">筛选</Text>}
      list={{
        items: error ? [] : all.slice(0, shown),
        total: all.length,
        hasMore: shown < all.length,
        loading: false,
        error,
        loadMore: () => setShown((n) => n + pageSize),
        refresh: () => setError(null),
      }}
      keyOf={(r) => r.id}
      renderItem={(r) => <Text className="row">{r.name}</Text>}
    />
  )
}

describe('ListWithFilters', () => {
  it('shows the filters, the total and the first page, then loads more until the end', async () => {
    await mount(() => <Harness all={rows(1, 5)} pageSize={2} />)
    expect(text()).toContain('筛选')
    expect(text()).toContain('共 5 条')
    expect(document.querySelectorAll('.row')).toHaveLength(2)
    expect(text()).toContain('加载更多')

    click(find('.list-with-filters__more'))
    await waitForText('第4行')
    click(find('.list-with-filters__more'))
    await waitForText('第5行')
    expect(document.querySelectorAll('.row')).toHaveLength(5)
    expect(text()).toContain('没有更多了')
    expect(text()).not.toContain('加载更多')
  })

  it('shows 暂无数据 when there is nothing', async () => {
    await mount(() => <Harness all={[]} pageSize={10} />)
    expect(text()).toContain('暂无数据')
    expect(text()).not.toContain('共 0 条')
  })

  it('shows the error message with a retry that reloads', async () => {
    await mount(() => <Harness all={rows(1, 1)} pageSize={10} failFirst />)
    expect(text()).toContain('网络异常，请检查网络后重试')
    click(find('.list-with-filters__retry'))
    await waitForText('第1行')
    expect(text()).toContain('共 1 条')
    expect(text()).toContain('没有更多了')
  })

  it('shows 加载中… while the first page loads', async () => {
    await mount(() => (
      <ListWithFilters
        list={{
          items: [],
          total: 0,
          hasMore: false,
          loading: true,
          error: null,
          loadMore: () => undefined,
          refresh: () => undefined,
        }}
        keyOf={(r: Row) => r.id}
        renderItem={(r: Row) => <Text>{r.name}</Text>}
      />
    ))
    expect(text()).toBe('加载中…')
  })
})
