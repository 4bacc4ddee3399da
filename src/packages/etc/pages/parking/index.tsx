import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Checkbox, Dialog, Switch } from '@nutui/nutui-react-taro'
import type { ParkingRow, ParkingSetResult } from '../../../../../types'
import type { BatchProgress } from '../../../../../types/batches'
import ListWithFilters from '../../../../components/list-with-filters'
import FleetBatchStatus, { useFleetBatch } from '../../../../components/fleet-batch'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiTime } from '../../../../components/date-time'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import FilterPanel from '../../components/filter-panel'
import { compact } from '../../labels'
import { checkPlate } from '../../validate'
import '../../common.scss'
import './index.scss'

/** maxParkingBatch of the contract: more than this goes as "全选全部" (a filter), not as ids. */
const MAX_IDS = 200

/** The loaded rows the user ticked, or every vehicle matching the filter (全选全部 N 辆). */
type Selection = { mode: 'ids'; ids: string[] } | { mode: 'all' }
const none: Selection = { mode: 'ids', ids: [] }

function resultText(authorized: boolean, r: BatchProgress): string {
  const verb = authorized ? '开启' : '关闭'
  return `已${verb}拓展授权 ${r.changed} 辆${r.unchanged > 0 ? `，${r.unchanged} 辆原已${verb}` : ''}`
}

export default function ParkingPage() {
  const loggedIn = useRequireLogin()
  const list = usePagedList('parking.list', {}, { enabled: loggedIn })
  const batch = useFleetBatch('parking.set')
  const [plate, setPlate] = useState('')
  const [filterError, setFilterError] = useState<string | null>(null)
  const [selection, setSelection] = useState<Selection>(none)
  const [confirming, setConfirming] = useState<boolean | null>(null)
  const [pendingIds, setPendingIds] = useState<string[]>([])
  const [lastAuthorized, setLastAuthorized] = useState(true)

  useListPageEvents(list)

  const loadedIds = list.items.map((r) => r.vehicleId)
  const selectedIds = selection.mode === 'ids' ? selection.ids.filter((id) => loadedIds.includes(id)) : []
  const allMatching = selection.mode === 'all'
  const selectedCount = allMatching ? list.total : selectedIds.length
  const allLoadedSelected = allMatching || (loadedIds.length > 0 && selectedIds.length === loadedIds.length)
  const tooMany = !allMatching && selectedIds.length > MAX_IDS
  const running = batch.phase === 'running'
  const isSelected = (id: string) => allMatching || selectedIds.includes(id)

  /** Puts the rows a call answered in place. */
  const showRows = (answer: ParkingSetResult) => {
    const byId = new Map<string, ParkingRow>(answer.items.map((r) => [r.vehicleId, r]))
    if (byId.size > 0) list.updateItems((rows) => rows.map((r) => byId.get(r.vehicleId) ?? r))
  }

  const finish = (answer: ParkingSetResult | null, wholeFleet: boolean) => {
    setPendingIds([])
    if (!answer) return false
    // a filter batch (or one resumed after a lost answer) changed rows no answer carried
    if (wholeFleet || answer.processed > answer.items.length) void list.refresh()
    return true
  }

  const switchOne = async (vehicleId: string, authorized: boolean) => {
    setLastAuthorized(authorized)
    setPendingIds([vehicleId])
    finish(await batch.start({ vehicleIds: [vehicleId], authorized }, showRows), false)
  }

  const confirmBatch = async () => {
    if (confirming === null) return
    const authorized = confirming
    setConfirming(null)
    setLastAuthorized(authorized)
    const payload = allMatching
      ? { allMatching: compact({ plate: list.filters.plate }), authorized }
      : { vehicleIds: selectedIds, authorized }
    if (!allMatching) setPendingIds(selectedIds)
    if (finish(await batch.start(payload, showRows), allMatching)) setSelection(none)
  }

  const resume = async () => {
    const answer = await batch.resume()
    // the lost answer's rows are unknown here: reload what is shown
    if (finish(answer, true)) setSelection(none)
  }

  const toggle = (id: string, on: boolean) =>
    setSelection((prev) => {
      // leaving "all matching" keeps the loaded rows ticked, minus this one
      const ids = prev.mode === 'all' ? loadedIds : prev.ids
      return { mode: 'ids', ids: on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id) }
    })

  const search = () => {
    const p = checkPlate(plate)
    setFilterError(p.error)
    if (p.error) return false
    setSelection(none)
    list.setFilters(compact({ plate: p.value }))
    return true
  }

  const reset = () => {
    setPlate('')
    setFilterError(null)
    setSelection(none)
    list.setFilters({})
  }

  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={() => {
          if (search()) close()
        }}
        onReset={() => {
          reset()
          close()
        }}
      />
      {filterError ? <Text className="error-text etc-filter-error">{filterError}</Text> : null}
    </View>
  )

  const actions = (
    <View>
      <View className="etc-parking__bar card">
        <View className="etc-parking__select">
          <Checkbox
            className="etc-parking-select-all"
            checked={allLoadedSelected}
            label="全选"
            disabled={loadedIds.length === 0}
            onChange={(on) => setSelection(on ? { mode: 'ids', ids: loadedIds } : none)}
          />
          <Text className="etc-parking__count muted">已选 {selectedCount} 辆</Text>
        </View>
        <View className="etc-parking__buttons">
          <Button
            size="small"
            type="primary"
            className="etc-parking-batch-on"
            disabled={selectedCount === 0 || tooMany || running}
            onClick={() => setConfirming(true)}
          >
            批量授权开启
          </Button>
          <Button
            size="small"
            className="etc-parking-batch-off"
            disabled={selectedCount === 0 || tooMany || running}
            onClick={() => setConfirming(false)}
          >
            批量授权关闭
          </Button>
        </View>
        {allLoadedSelected && list.total > loadedIds.length ? (
          <View className="etc-parking__matching">
            {allMatching ? (
              <Text className="muted">
                已选择{list.filters.plate ? '符合筛选条件的' : ''}全部 {list.total} 辆
              </Text>
            ) : (
              <Text className="muted">已选择已加载的 {selectedIds.length} 辆</Text>
            )}
            {allMatching ? (
              <Text className="link etc-parking-select-clear" onClick={() => setSelection(none)}>
                清除选择
              </Text>
            ) : (
              <Text
                className="link etc-parking-select-matching"
                onClick={() => setSelection({ mode: 'all' })}
              >
                全选全部 {list.total} 辆
              </Text>
            )}
          </View>
        ) : null}
        {tooMany ? (
          <Text className="error-text etc-parking__too-many">
            一次最多选择{MAX_IDS}辆，更多车辆请用“全选全部 {list.total} 辆”
          </Text>
        ) : null}
      </View>
      <FleetBatchStatus
        className="etc-parking-status"
        resultClassName="etc-parking-result"
        phase={batch.phase}
        progress={batch.progress}
        error={batch.error}
        describe={(p) => resultText(lastAuthorized, p)}
        onResume={() => void resume()}
      />
    </View>
  )

  const verb = confirming ? '开启' : '关闭'
  return (
    <View className="etc-parking page">
      <NavBar title="拓展授权管理" />
      <ListWithFilters
        filters={filters}
        activeFilters={list.filters.plate ? 1 : 0}
        filterSummary={list.filters.plate ? `车牌 ${list.filters.plate}` : undefined}
        actions={actions}
        list={list}
        keyOf={(r) => r.vehicleId}
        renderItem={(r) => (
          <View className={`etc-parking-row card${r.authorized ? ' etc-parking-row--on' : ''}`}>
            <View className="etc-parking-row__top">
              <View className="etc-parking-row__vehicle">
                <Checkbox
                  className="etc-parking-select"
                  checked={isSelected(r.vehicleId)}
                  onChange={(on) => toggle(r.vehicleId, on)}
                />
                <PlateTag plate={r.plate} color={r.plateColor} />
              </View>
              <Switch
                className="etc-parking-switch"
                checked={r.authorized}
                disabled={running || pendingIds.includes(r.vehicleId)}
                onChange={(on) => void switchOne(r.vehicleId, on)}
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
        content={
          allMatching
            ? `确定为${list.filters.plate ? `车牌 ${list.filters.plate} 的` : ''}全部 ${list.total} 辆车${verb}拓展授权吗？`
            : `确定为选中的 ${selectedIds.length} 辆车${verb}拓展授权吗？`
        }
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void confirmBatch()}
        onCancel={() => setConfirming(null)}
        onClose={() => setConfirming(null)}
      />
    </View>
  )
}
