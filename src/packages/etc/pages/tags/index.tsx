import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { cardStatusLabels } from '../../../../../types/enums'
import ListWithFilters from '../../../../components/list-with-filters'
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

  const search = () => {
    const t = checkTagNo(tagNo)
    const p = checkPlate(plate)
    const problem = t.error ?? p.error
    setFilterError(problem)
    if (problem) return
    list.setFilters(compact({ ...list.filters, tagNo: t.value, plate: p.value }))
  }

  const reset = () => {
    setTagNo('')
    setPlate('')
    setFilterError(null)
    list.setFilters({ status: 'issued' })
  }

  const header = (
    <View>
      <FilterPanel
        fields={[
          { key: 'tag-no', placeholder: '请输入标签编号', value: tagNo, onChange: setTagNo, maxLength: 16 },
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={search}
        onReset={reset}
      >
        <Chips
          label="标签状态"
          className="etc-tags-status"
          options={statusFilterOptions}
          value={list.filters.status ?? 'issued'}
          onChange={(status) => list.setFilters({ ...list.filters, status })}
        />
      </FilterPanel>
      {filterError ? <Text className="error-text etc-filter-error">{filterError}</Text> : null}
    </View>
  )

  return (
    <View className="etc-tags page">
      <ListWithFilters
        header={header}
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
