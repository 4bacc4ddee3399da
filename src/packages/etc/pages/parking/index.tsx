import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Checkbox, Dialog, Switch } from '@nutui/nutui-react-taro'
import type { ParkingRow, ParkingSetResult } from '../../../../../types'
import ListWithFilters from '../../../../components/list-with-filters'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useApiAction } from '../../../../hooks/useApiAction'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import FilterPanel from '../../components/filter-panel'
import { compact } from '../../labels'
import { checkPlate } from '../../validate'
import '../../common.scss'
import './index.scss'

/** maxParkingBatch of the contract. */
const MAX_BATCH = 200

function resultText(authorized: boolean, r: ParkingSetResult): string {
  const verb = authorized ? '开启' : '关闭'
  return `已${verb}拓展授权 ${r.changed} 辆${r.unchanged > 0 ? `，${r.unchanged} 辆原已${verb}` : ''}`
}

export default function ParkingPage() {
  const loggedIn = useRequireLogin()
  const list = usePagedList('parking.list', {}, { enabled: loggedIn })
  const setAction = useApiAction('parking.set')
  const [plate, setPlate] = useState('')
  const [filterError, setFilterError] = useState<string | null>(null)
  const [selected, setSelected] = useState<string[]>([])
  const [confirming, setConfirming] = useState<boolean | null>(null)
  const [pendingIds, setPendingIds] = useState<string[]>([])
  const [result, setResult] = useState<string | null>(null)

  useListPageEvents(list)

  const loadedIds = list.items.map((r) => r.vehicleId)
  const selection = selected.filter((id) => loadedIds.includes(id))
  const allSelected = loadedIds.length > 0 && selection.length === loadedIds.length

  const apply = async (vehicleIds: string[], authorized: boolean) => {
    setResult(null)
    setPendingIds(vehicleIds)
    const answer = await setAction.run({ vehicleIds, authorized })
    setPendingIds([])
    if (!answer) return false
    const byId = new Map<string, ParkingRow>(answer.items.map((r) => [r.vehicleId, r]))
    list.updateItems((rows) => rows.map((r) => byId.get(r.vehicleId) ?? r))
    setResult(resultText(authorized, answer))
    return true
  }

  const confirmBatch = async () => {
    if (confirming === null) return
    const authorized = confirming
    setConfirming(null)
    if (await apply(selection.slice(0, MAX_BATCH), authorized)) setSelected([])
  }

  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => (on ? [...prev.filter((x) => x !== id), id] : prev.filter((x) => x !== id)))

  const search = () => {
    const p = checkPlate(plate)
    setFilterError(p.error)
    if (p.error) return
    setSelected([])
    list.setFilters(compact({ plate: p.value }))
  }

  const reset = () => {
    setPlate('')
    setFilterError(null)
    setSelected([])
    list.setFilters({})
  }

  const header = (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={search}
        onReset={reset}
      />
      {filterError ? <Text className="error-text etc-filter-error">{filterError}</Text> : null}
      <View className="etc-parking__bar card">
        <Checkbox
          className="etc-parking-select-all"
          checked={allSelected}
          label="全选"
          disabled={loadedIds.length === 0}
          onChange={(on) => setSelected(on ? loadedIds : [])}
        />
        <Text className="etc-parking__count muted">已选 {selection.length} 辆</Text>
        <Button
          size="small"
          type="primary"
          className="etc-parking-batch-on"
          disabled={selection.length === 0 || setAction.running}
          onClick={() => setConfirming(true)}
        >
          批量授权开启
        </Button>
        <Button
          size="small"
          className="etc-parking-batch-off"
          disabled={selection.length === 0 || setAction.running}
          onClick={() => setConfirming(false)}
        >
          批量授权关闭
        </Button>
      </View>
      {result ? <Text className="etc-parking-result">{result}</Text> : null}
      {setAction.error ? (
        <Text className="error-text etc-parking-error">{setAction.error.message}</Text>
      ) : null}
    </View>
  )

  return (
    <View className="etc-parking page">
      <ListWithFilters
        header={header}
        list={list}
        keyOf={(r) => r.vehicleId}
        renderItem={(r) => (
          <View className={`etc-parking-row card${r.authorized ? ' etc-parking-row--on' : ''}`}>
            <View className="etc-parking-row__top">
              <Checkbox
                className="etc-parking-select"
                checked={selection.includes(r.vehicleId)}
                onChange={(on) => toggle(r.vehicleId, on)}
              />
              <PlateTag plate={r.plate} color={r.plateColor} />
              <Switch
                className="etc-parking-switch"
                checked={r.authorized}
                disabled={pendingIds.includes(r.vehicleId)}
                onChange={(on) => void apply([r.vehicleId], on)}
              />
            </View>
            <View className="etc-parking-row__line muted">
              <Text className="etc-parking-row__state">{r.authorized ? '已开启授权' : '未开启授权'}</Text>
              <Text className="etc-parking-row__time">
                上次操作时间 {formatShanghaiTime(r.lastOperatedAt)}
              </Text>
            </View>
          </View>
        )}
      />
      <Dialog
        className="etc-parking-confirm"
        visible={confirming !== null}
        title={confirming ? '批量授权开启' : '批量授权关闭'}
        content={`确定为选中的 ${Math.min(selection.length, MAX_BATCH)} 辆车${confirming ? '开启' : '关闭'}拓展授权吗？`}
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void confirmBatch()}
        onCancel={() => setConfirming(null)}
        onClose={() => setConfirming(null)}
      />
    </View>
  )
}
