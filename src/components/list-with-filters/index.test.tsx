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

  it('folds the filters behind 筛选, names the applied filter in the count, and closes after 查询', async () => {
    const searched: string[] = []
    await mount(() => (
      <ListWithFilters
        header={<Text className="tabs">当前车辆</Text>}
        filters={({ close }) => (
          <Text
            className="search"
            onClick={() => {
              searched.push('浙A12345')
              close()
            }}
          >
            查询
          </Text>
        )}
        activeFilters={1}
        filterSummary="已发行"
        actions={<Text className="batch">批量</Text>}
        list={{
          items: rows(1, 2),
          total: 193,
          hasMore: true,
          loading: false,
          error: null,
          loadMore: () => undefined,
          refresh: () => undefined,
        }}
        keyOf={(r: Row) => r.id}
        renderItem={(r: Row) => <Text className="row">{r.name}</Text>}
      />
    ))
    expect(text()).toContain('共 193 条（已发行）')
    expect(document.querySelector('.search')).toBeNull()
    expect(document.querySelectorAll('.row')).toHaveLength(2)
    expect(find('.list-with-filters__toggle').textContent).toBe('筛选 1')
    // header, bar, actions, then the rows: the first row is not pushed down by the form
    const order = ['.tabs', '.list-with-filters__bar', '.batch', '.row'].map((s) => find(s))
    for (let i = 1; i < order.length; i++)
      expect(order[i - 1].compareDocumentPosition(order[i]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()

    click(find('.list-with-filters__toggle'))
    await waitForText('收起筛选')
    const form = find('.search')
    expect(form.compareDocumentPosition(find('.row')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    click(form)
    await waitForText('筛选 1')
    expect(searched).toEqual(['浙A12345'])
    expect(document.querySelector('.search')).toBeNull()
  })

  it('keeps 筛选 reachable when the filter finds nothing, with a way to widen it', async () => {
    await mount(() => (
      <ListWithFilters
        filters={<Text className="form">表单</Text>}
        filterSummary="已发行"
        emptyText="没有符合条件的车辆"
        emptyAction={<Text className="widen">查看全部状态</Text>}
        list={{
          items: [],
          total: 0,
          hasMore: false,
          loading: false,
          error: null,
          loadMore: () => undefined,
          refresh: () => undefined,
        }}
        keyOf={(r: Row) => r.id}
        renderItem={(r: Row) => <Text>{r.name}</Text>}
      />
    ))
    expect(text()).toContain('没有符合条件的车辆')
    expect(text()).toContain('查看全部状态')
    expect(text()).not.toContain('共 0 条')
    click(find('.list-with-filters__toggle'))
    await waitForText('表单')
  })
})
