import { Text, View } from '@tarojs/components'
import { waitFor } from '@testing-library/dom'
import type { ActionRequest, Page } from '../../types'
import type { ParkingRow } from '../../types/actions/etc'
import { click, find, mount, text } from '../testing/render'
import { usePagedList } from './usePagedList'

const row = (plate: string): ParkingRow => ({
  vehicleId: plate,
  plate,
  plateColor: '蓝',
  authorized: false,
  lastOperatedAt: null,
})

/** A server whose answers the test releases one at a time, in any order. */
function server() {
  const pending: { payload: ActionRequest<'parking.list'>; answer: (page: Page<ParkingRow>) => void }[] = []
  const caller = (_action: 'parking.list', payload: ActionRequest<'parking.list'>) =>
    new Promise<Page<ParkingRow>>((resolve) => pending.push({ payload, answer: resolve }))
  return { pending, caller }
}

function List({ caller }: { caller: ReturnType<typeof server>['caller'] }) {
  const list = usePagedList('parking.list', {}, { caller, limit: 1 })
  return (
    <View>
      <Text className="state">{list.loading ? 'loading' : list.loadingMore ? 'loading-more' : 'idle'}</Text>
      <Text className="items">{list.items.map((item) => item.plate).join(',')}</Text>
      <Text className="more" onClick={() => void list.loadMore()}>
        more
      </Text>
      <Text className="refresh" onClick={() => void list.refresh()}>
        refresh
      </Text>
    </View>
  )
}

describe('usePagedList', () => {
  it('a refresh during a load-more wins: the late page is dropped and nothing stays loading', async () => {
    const { pending, caller } = server()
    await mount(() => <List caller={caller} />)
    await waitFor(() => expect(pending).toHaveLength(1))
    pending[0]!.answer({ items: [row('浙A1')], total: 3, nextCursor: 'c1' })
    await waitFor(() => expect(text(find('.items'))).toBe('浙A1'))

    click(find('.more'))
    await waitFor(() => expect(text(find('.state'))).toBe('loading-more'))
    expect(pending[1]!.payload).toMatchObject({ cursor: 'c1' })
    click(find('.refresh'))
    await waitFor(() => expect(pending).toHaveLength(3))
    pending[2]!.answer({ items: [row('浙B2')], total: 3, nextCursor: 'c2' })
    await waitFor(() => expect(text(find('.state'))).toBe('idle'))
    expect(text(find('.items'))).toBe('浙B2')

    // the superseded load-more answers late: its rows are not appended
    pending[1]!.answer({ items: [row('浙A9')], total: 3, nextCursor: null })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(text(find('.items'))).toBe('浙B2')
    expect(text(find('.state'))).toBe('idle')

    // and paging goes on from the refreshed first page
    click(find('.more'))
    await waitFor(() => expect(pending).toHaveLength(4))
    expect(pending[3]!.payload).toMatchObject({ cursor: 'c2' })
    pending[3]!.answer({ items: [row('浙C3')], total: 3, nextCursor: null })
    await waitFor(() => expect(text(find('.items'))).toBe('浙B2,浙C3'))
    expect(text(find('.state'))).toBe('idle')
  })
})
