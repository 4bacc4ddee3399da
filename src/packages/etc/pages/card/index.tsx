import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { dateRangeProblems, oneYearSpan, type DateRange } from '../../../../../types/dateRange'
import PlateTag from '../../../../components/plate-tag'
import ListWithFilters from '../../../../components/list-with-filters'
import { formatShanghaiDate, formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { cardRows } from '../../components/card-info'
import InfoList from '../../components/info-list'
import PageState from '../../components/page-state'
import SigningCard from '../../components/signing'
import StatusDateFilter, { quickRange, type RangeMode } from './status-date-filter'
import '../../common.scss'
import './index.scss'
import NavBar from '../../../../components/nav-bar'

/** The records' filter: a year at most (the server's rule, types/dateRange.ts), 近1年 by default. */
const span = oneYearSpan

export function CardDetailView({ cardId }: { cardId: string }) {
  const loggedIn = useRequireLogin()
  const [today] = useState(shanghaiToday)
  const [mode, setMode] = useState<RangeMode>('1y')
  const [range, setRange] = useState<DateRange>(() => quickRange('1y', today, span))
  const detail = useApiQuery('cards.detail', { cardId }, { enabled: loggedIn && cardId !== '' })
  const records = usePagedList(
    'cards.statusList',
    { cardId, ...range },
    { enabled: loggedIn && cardId !== '' },
  )

  useListPageEvents(records, detail.refetch)

  const applyRange = (nextMode: RangeMode, next: DateRange) => {
    setMode(nextMode)
    setRange(next)
    // the filter shows its own message; only a range the server accepts is asked for
    if (dateRangeProblems(next, span, today).length === 0) records.setFilters({ cardId, ...next })
  }

  return (
    <View className="etc-card-detail page">
      <NavBar title="通行卡详情" />
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
            <InfoList title="通行卡信息" className="etc-card-info" rows={cardRows(d.card)} />
            {d.card.type === 'credit' ? <SigningCard signing={d.signing} /> : null}
          </View>
        )}
      </PageState>

      <Text className="etc-section-title">状态名单记录</Text>
      <ListWithFilters
        header={
          <View className="card etc-card-detail__filters">
            <StatusDateFilter
              mode={mode}
              value={range}
              today={today}
              span={span}
              earliest={detail.data ? formatShanghaiDate(detail.data.card.issuedAt) : undefined}
              onChange={applyRange}
            />
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
