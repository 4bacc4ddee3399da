import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { useState } from 'react'
import PlateTag from '../../../../components/plate-tag'
import ListWithFilters from '../../../../components/list-with-filters'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { CardInfoCard } from '../../components/card-info'
import DateRange, { type DateRangeValue } from '../../components/date-range'
import PageState from '../../components/page-state'
import SigningCard from '../../components/signing'
import { compact } from '../../labels'
import '../../common.scss'
import './index.scss'

/** The contract allows ranges of at most one year (dateRangeProblem). */
function rangeProblem({ from, to }: DateRangeValue): string | null {
  if (!from || !to) return null
  if (from > to) return '开始日期不能晚于结束日期'
  if (dayjs(to).isAfter(dayjs(from).add(1, 'year'))) return '查询时间范围不能超过1年'
  return null
}

export function CardDetailView({ cardId }: { cardId: string }) {
  const loggedIn = useRequireLogin()
  const detail = useApiQuery('cards.detail', { cardId }, { enabled: loggedIn && cardId !== '' })
  const records = usePagedList('cards.statusList', { cardId }, { enabled: loggedIn && cardId !== '' })
  const [range, setRange] = useState<DateRangeValue>({})
  const [rangeError, setRangeError] = useState<string | null>(null)

  useListPageEvents(records, detail.refetch)

  const applyRange = (next: DateRangeValue) => {
    setRange(next)
    const problem = rangeProblem(next)
    setRangeError(problem)
    if (!problem) records.setFilters(compact({ cardId, from: next.from, to: next.to }))
  }

  return (
    <View className="etc-card-detail page">
      <PageState
        data={detail.data}
        loading={detail.loading}
        error={detail.error}
        onRetry={() => void detail.refetch()}
      >
        {(d) => (
          <View>
            <View className="etc-card-detail__plate card">
              <PlateTag plate={d.card.plate} color={d.card.plateColor} />
            </View>
            <CardInfoCard card={d.card} />
            {d.card.type === 'credit' ? <SigningCard signing={d.signing} /> : null}
          </View>
        )}
      </PageState>

      <Text className="etc-section-title">状态名单记录</Text>
      <ListWithFilters
        header={
          <View className="card etc-card-detail__filters">
            <DateRange label="开始日期" value={range} onChange={applyRange} className="etc-status-range" />
            {rangeError ? <Text className="error-text etc-filter-error">{rangeError}</Text> : null}
          </View>
        }
        list={records}
        keyOf={(r) => r.id}
        renderItem={(r) => (
          <View className="etc-status-row card">
            <View className="etc-status-row__top">
              <Text className="etc-status-row__reason">{r.reason}</Text>
              <Text className={r.current ? 'error-text' : 'muted'}>{r.current ? '名单中' : '已解除'}</Text>
            </View>
            <Text className="etc-status-row__time muted">开始时间 {formatShanghaiTime(r.startAt)}</Text>
            <Text className="etc-status-row__time muted">
              结束时间 {r.endAt ? formatShanghaiTime(r.endAt) : '-'}
            </Text>
          </View>
        )}
      />
    </View>
  )
}

export default function CardDetailPage() {
  const { params } = useRouter()
  return <CardDetailView cardId={params.id ?? ''} />
}
