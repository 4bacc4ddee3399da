import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { cardStatusLabels } from '../../../../../types/enums'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiDate } from '../../../../components/date-time'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import Chips from '../../components/chips'
import FilterPanel from '../../components/filter-panel'
import { compact, statusFilterOptions } from '../../labels'
import { etcRoutes } from '../../routes'
import { checkPlate, checkTagNo } from '../../validate'
import '../../common.scss'
import './index.scss'

export default function TagsPage() {
  const loggedIn = useRequireLogin()
  const list = usePagedList('tags.list', { status: 'issued' }, { enabled: loggedIn })
  const [tagNo, setTagNo] = useState('')
  const [plate, setPlate] = useState('')
  const [filterError, setFilterError] = useState<string | null>(null)

  useListPageEvents(list)

  const search = (): boolean => {
    const t = checkTagNo(tagNo)
    const p = checkPlate(plate)
    const problem = t.error ?? p.error
    setFilterError(problem)
    if (problem) return false
    list.setFilters(compact({ ...list.filters, tagNo: t.value, plate: p.value }))
    return true
  }

  const reset = () => {
    setTagNo('')
    setPlate('')
    setFilterError(null)
    list.setFilters({ status: 'issued' })
  }

  const status = list.filters.status ?? 'issued'
  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'tag-no', placeholder: '请输入标签编号', value: tagNo, onChange: setTagNo, maxLength: 16 },
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={() => {
          if (search()) close()
        }}
        onReset={() => {
          reset()
          close()
        }}
      >
        <Chips
          label="标签状态"
          className="etc-tags-status"
          options={statusFilterOptions}
          value={status}
          onChange={(next) => list.setFilters({ ...list.filters, status: next })}
        />
      </FilterPanel>
      {filterError ? <Text className="error-text etc-filter-error">{filterError}</Text> : null}
    </View>
  )

  // 共 N 条（已发行 · 浙A12345）
  const summary = [
    status === 'all' ? '全部状态' : statusFilterOptions.find((o) => o.value === status)?.label,
    list.filters.tagNo ? `标签尾号${list.filters.tagNo.slice(-4)}` : undefined,
    list.filters.plate,
  ]
    .filter(Boolean)
    .join(' · ')
  const activeFilters = [
    status !== 'issued',
    Boolean(list.filters.tagNo),
    Boolean(list.filters.plate),
  ].filter(Boolean).length

  return (
    <View className="etc-tags page">
      <NavBar title="标签管理" />
      <ListWithFilters
        filters={filters}
        activeFilters={activeFilters}
        filterSummary={summary}
        list={list}
        keyOf={(t) => t.id}
        renderItem={(t) => (
          <View
            className="etc-tag-row card"
            onClick={() => void Taro.navigateTo({ url: etcRoutes.tag(t.id) })}
          >
            <View className="etc-tag-row__top">
              <Text className="etc-tag-row__no">{t.tagNo}</Text>
              <Text className={`etc-status--${t.status}`}>{cardStatusLabels[t.status]}</Text>
            </View>
            <View className="etc-tag-row__line">
              <PlateTag plate={t.plate} color={t.plateColor} />
              <Text className="muted">
                {t.brand} {t.model}
              </Text>
            </View>
            <View className="etc-tag-row__line muted">
              <Text>发行日期 {formatShanghaiDate(t.issuedAt)}</Text>
              <Text className="link">详情</Text>
            </View>
          </View>
        )}
      />
    </View>
  )
}
