import { useState } from 'react'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Input, Segmented } from '@nutui/nutui-react-taro'
import ListWithFilters from '../../components/list-with-filters'
import VehicleCard from '../../components/vehicle-card'
import { usePagedList } from '../../hooks/usePagedList'
import { useSession } from '../../hooks/useSession'
import { etcRoutes } from '../../packages/etc/routes'
import './index.scss'

type Scope = 'current' | 'history'

const PLATE_RE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}[A-Z0-9挂学警港澳领]?$/

const scopeOptions = [
  { label: '当前车辆', value: 'current', className: 'vehicles-scope-current' },
  { label: '历史车辆', value: 'history', className: 'vehicles-scope-history' },
]

export default function VehiclesPage() {
  const session = useSession({ requireLogin: true })
  const list = usePagedList('vehicles.list', { scope: 'current' }, { limit: 20, enabled: session.loggedIn })
  const [plateInput, setPlateInput] = useState('')
  const [plateError, setPlateError] = useState<string | null>(null)
  const [keyboardOpen, setKeyboardOpen] = useState(false)
  const scope: Scope = list.filters.scope === 'history' ? 'history' : 'current'

  usePullDownRefresh(() => {
    void list.refresh().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    if (list.hasMore) void list.loadMore()
  })

  const applyPlate = (raw: string) => {
    const plate = raw.trim().toUpperCase()
    setKeyboardOpen(false)
    if (plate && !PLATE_RE.test(plate)) {
      setPlateError('车牌号码格式不正确')
      return
    }
    setPlateError(null)
    list.setFilters({ scope, ...(plate ? { plate } : {}) })
  }

  const clearPlate = () => {
    setPlateInput('')
    setPlateError(null)
    list.setFilters({ scope })
  }

  const header = (
    <View className="vehicles__filters">
      <Segmented
        className="vehicles__scope"
        options={scopeOptions}
        value={scope}
        onChange={(value) =>
          list.setFilters({ ...list.filters, scope: value === 'history' ? 'history' : 'current' })
        }
      />
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
            onConfirm={() => applyPlate(plateInput)}
          />
        )}
        <Button
          size="small"
          type="primary"
          className="vehicles__search"
          onClick={() => applyPlate(plateInput)}
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
          onConfirm={(e) => applyPlate(e.detail.value)}
        />
      ) : null}
    </View>
  )

  return (
    <View className="vehicles page">
      <ListWithFilters
        header={header}
        list={list}
        keyOf={(v) => v.id}
        renderItem={(v) => (
          <VehicleCard
            className="vehicles-item"
            vehicle={v}
            onClick={() => void Taro.navigateTo({ url: etcRoutes.vehicle(v.id) })}
          />
        )}
        emptyText={list.filters.plate ? '没有符合条件的车辆' : '暂无数据'}
      />
    </View>
  )
}
