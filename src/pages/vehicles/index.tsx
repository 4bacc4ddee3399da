import { useState } from 'react'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Input, Segmented } from '@nutui/nutui-react-taro'
import type { CardStatusFilter } from '../../../types'
import ListWithFilters from '../../components/list-with-filters'
import NavBar from '../../components/nav-bar'
import VehicleCard from '../../components/vehicle-card'
import { usePagedList } from '../../hooks/usePagedList'
import { useSession } from '../../hooks/useSession'
import Chips from '../../packages/etc/components/chips'
import { statusFilterOptions } from '../../packages/etc/labels'
import { etcRoutes } from '../../packages/etc/routes'
import './index.scss'

type Scope = 'current' | 'history'

const PLATE_RE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}[A-Z0-9挂学警港澳领]?$/

const scopeOptions = [
  { label: '当前车辆', value: 'current', className: 'vehicles-scope-current' },
  { label: '历史车辆', value: 'history', className: 'vehicles-scope-history' },
]

/** Seed §2.5.1: current vehicles show 已发行 by default; history vehicles (cancelled cards) every status. */
const defaultStatus = (scope: Scope): CardStatusFilter => (scope === 'current' ? 'issued' : 'all')

const statusName = (status: CardStatusFilter): string =>
  status === 'all' ? '全部状态' : (statusFilterOptions.find((o) => o.value === status)?.label ?? '')

export default function VehiclesPage() {
  const session = useSession({ requireLogin: true })
  const list = usePagedList('vehicles.list', { scope: 'current' }, { limit: 20, enabled: session.loggedIn })
  const [plateInput, setPlateInput] = useState('')
  const [plateError, setPlateError] = useState<string | null>(null)
  const [keyboardOpen, setKeyboardOpen] = useState(false)
  const scope: Scope = list.filters.scope === 'history' ? 'history' : 'current'
  // what the server applied (it echoes the default), else what was asked
  const status: CardStatusFilter =
    list.firstPage?.cardStatus ?? list.filters.cardStatus ?? defaultStatus(scope)
  const hidden = list.firstPage?.hiddenByStatus ?? 0

  usePullDownRefresh(() => {
    void list.refresh().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    if (list.hasMore) void list.loadMore()
  })

  const applyPlate = (raw: string): boolean => {
    const plate = raw.trim().toUpperCase()
    setKeyboardOpen(false)
    if (plate && !PLATE_RE.test(plate)) {
      setPlateError('车牌号码格式不正确')
      return false
    }
    setPlateError(null)
    const { plate: _old, ...rest } = list.filters
    list.setFilters({ ...rest, ...(plate ? { plate } : {}) })
    return true
  }

  const clearPlate = () => {
    setPlateInput('')
    setPlateError(null)
    const { plate: _old, ...rest } = list.filters
    list.setFilters(rest)
  }

  const setStatus = (cardStatus: CardStatusFilter) => list.setFilters({ ...list.filters, cardStatus })

  const filters = ({ close }: { close: () => void }) => (
    <View className="vehicles__filters">
      <View className="vehicles__plate">
        {process.env.TARO_ENV === 'weapp' ? (
          <Text
            className={`vehicles__plate-display${plateInput ? '' : ' muted'}`}
            onClick={() => setKeyboardOpen(true)}
          >
            {plateInput || '按车牌号码筛选'}
          </Text>
        ) : (
          <Input
            className="vehicles__plate-input"
            placeholder="按车牌号码筛选，如 浙A12345"
            maxLength={8}
            value={plateInput}
            onChange={(v) => setPlateInput(v)}
            onConfirm={() => {
              if (applyPlate(plateInput)) close()
            }}
          />
        )}
        <Button
          size="small"
          type="primary"
          className="vehicles__search"
          onClick={() => {
            if (applyPlate(plateInput)) close()
          }}
        >
          查询
        </Button>
        {list.filters.plate ? (
          <Button size="small" fill="none" className="vehicles__clear" onClick={clearPlate}>
            清除
          </Button>
        ) : null}
      </View>
      {plateError ? <Text className="vehicles__plate-error error-text">{plateError}</Text> : null}
      {process.env.TARO_ENV === 'weapp' && keyboardOpen ? (
        <plate-keyboard
          value={plateInput}
          onChange={(e) => setPlateInput(e.detail.value)}
          onConfirm={(e) => {
            if (applyPlate(e.detail.value)) close()
          }}
        />
      ) : null}
      <Chips
        label="通行卡状态"
        className="vehicles-status"
        options={statusFilterOptions}
        value={status}
        onChange={setStatus}
      />
    </View>
  )

  const header = (
    <Segmented
      className="vehicles__scope"
      options={scopeOptions}
      value={scope}
      onChange={(value) => {
        const next: Scope = value === 'history' ? 'history' : 'current'
        // each scope starts from its own default status; the plate stays
        if (next !== scope)
          list.setFilters({ scope: next, ...(list.filters.plate ? { plate: list.filters.plate } : {}) })
      }}
    />
  )

  const actions =
    hidden > 0 ? (
      <View className="vehicles__hidden">
        <Text className="muted">另有 {hidden} 辆其他状态的车辆未显示</Text>
        <Text className="link vehicles-show-all" onClick={() => setStatus('all')}>
          查看全部
        </Text>
      </View>
    ) : null

  const activeFilters = (list.filters.plate ? 1 : 0) + (status !== defaultStatus(scope) ? 1 : 0)
  const summary = [statusName(status), list.filters.plate].filter(Boolean).join(' · ')

  return (
    <View className="vehicles page">
      <NavBar title="车辆" />
      <ListWithFilters
        header={header}
        filters={filters}
        activeFilters={activeFilters}
        filterSummary={summary}
        actions={actions}
        list={list}
        keyOf={(v) => v.id}
        renderItem={(v) => (
          <VehicleCard
            className="vehicles-item"
            vehicle={v}
            onClick={() => void Taro.navigateTo({ url: etcRoutes.vehicle(v.id) })}
          />
        )}
        emptyText={list.filters.plate ? `没有符合条件的车辆（${summary}）` : '暂无数据'}
      />
    </View>
  )
}
