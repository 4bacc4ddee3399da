import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Checkbox, Dialog } from '@nutui/nutui-react-taro'
import type { FleetApplyResult, FleetFilter, FleetPreview, InvoiceSettingsView } from '../../../../../types'
import type { BatchProgress } from '../../../../../types/batches'
import { maxFleetIds } from '../../../../../types/invoiceRules'
import FleetBatchStatus, { useFleetBatch } from '../../../../components/fleet-batch'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { cardTypeLabels } from '../../../../components/vehicle-card'
import { useApiAction } from '../../../../hooks/useApiAction'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useSession } from '../../../../hooks/useSession'
import Chips from '../../../etc/components/chips'
import FilterPanel from '../../../etc/components/filter-panel'
import { checkPlate } from '../../../etc/validate'
import Field from '../../components/field'
import TitleForm from '../../components/title-form'
import { emptyTitleDraft } from '../../titleRules'
import { invoicesRoutes } from '../../routes'
import {
  changeOf,
  changeProblems,
  describeChange,
  hasProblems,
  rowChanges,
  type ChangeDraft,
  type ChangeProblems,
  type Toggle,
} from './changeForm'
import '../../common.scss'
import './index.scss'

/** The loaded rows the user ticked, or every vehicle matching the filter (全选 N 辆). */
type Selection = { mode: 'ids'; ids: string[] } | { mode: 'all' }
const none: Selection = { mode: 'ids', ids: [] }

type CardChoice = 'any' | 'credit' | 'stored'
const cardOptions = [
  { label: '全部', value: 'any' as const },
  { label: '记账卡', value: 'credit' as const },
  { label: '储值卡', value: 'stored' as const },
]
/** The title filter: any, none ('' in the contract), or one default-title name. */
const ANY_TITLE = '__any__'
const NO_TITLE = '__none__'

const toggleOptions = [
  { label: '不修改', value: 'keep' as const },
  { label: '开启', value: 'on' as const },
  { label: '关闭', value: 'off' as const },
]

const initialDraft: ChangeDraft = {
  setTitle: true,
  title: emptyTitleDraft,
  setSettings: false,
  singleTrip: 'keep',
  monthlyMerged: 'keep',
  autoSend: 'keep',
  email: '',
}
const noProblems: ChangeProblems = { title: {}, settings: null, email: null, empty: null }

function settingsLine(s: InvoiceSettingsView): string {
  const on = (v: boolean) => (v ? '开' : '关')
  return `单程票 ${on(s.singleTrip)} · 合并票 ${on(s.monthlyMerged)} · 自动发送 ${on(s.autoSend)}`
}

function filterSummary(f: FleetFilter): string | undefined {
  const parts: string[] = []
  if (f.plate) parts.push(`车牌 ${f.plate}`)
  if (f.cardType) parts.push(cardTypeLabels[f.cardType])
  if (f.title !== undefined) parts.push(f.title === '' ? '未设置抬头' : `抬头 ${f.title}`)
  return parts.length > 0 ? parts.join('，') : undefined
}

function PreviewCard({
  preview,
  description,
  count,
}: {
  preview: FleetPreview
  description: string
  count: number
}) {
  return (
    <View className="card inv-fleet-preview">
      <Text className="inv-card-title">变更预览</Text>
      <Text className="inv-fleet-preview__what">{`对 ${count} 辆车：${description}`}</Text>
      <Text className="inv-fleet-preview__counts">
        {`将修改 ${preview.willChange} 辆，${preview.unchanged} 辆已是目标设置${
          preview.problems > 0 ? `，${preview.problems} 辆无法应用` : ''
        }`}
      </Text>
      {preview.items.map((row) => {
        const changes = rowChanges(row)
        return (
          <View key={row.vehicleId} className="inv-fleet-preview__row">
            <PlateTag plate={row.plate} color={row.plateColor} />
            {row.problem ? (
              <Text className="error-text inv-fleet-preview__change">{row.problem}</Text>
            ) : changes.length === 0 ? (
              <Text className="muted inv-fleet-preview__change">无需修改</Text>
            ) : (
              changes.map((c) => (
                <Text key={c} className="inv-fleet-preview__change">
                  {c}
                </Text>
              ))
            )}
          </View>
        )
      })}
      {preview.total > preview.items.length ? (
        <Text className="muted inv-fleet-preview__more">{`仅列出前 ${preview.items.length} 辆`}</Text>
      ) : null}
    </View>
  )
}

export function FleetView() {
  const session = useSession({ requireLogin: true })
  const unit = session.me?.account.userType === 'unit'
  const [plate, setPlate] = useState('')
  const [plateError, setPlateError] = useState<string | null>(null)
  const list = usePagedList('invoiceSettings.list', {}, { enabled: unit })
  const names = useApiQuery('invoiceSettings.titleNames', {}, { enabled: unit })
  const preview = useApiAction('invoiceSettings.fleetPreview')
  const batch = useFleetBatch('invoiceSettings.fleetApply')
  const [selection, setSelection] = useState<Selection>(none)
  const [draft, setDraft] = useState<ChangeDraft>(initialDraft)
  const [problems, setProblems] = useState<ChangeProblems>(noProblems)
  const [previewed, setPreviewed] = useState<{
    preview: FleetPreview
    description: string
    count: number
  } | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [applied, setApplied] = useState('')
  useListPageEvents(list)

  const filter = list.filters as FleetFilter
  const loadedIds = list.items.map((r) => r.vehicleId)
  const allMatching = selection.mode === 'all'
  const selectedIds = selection.mode === 'ids' ? selection.ids.filter((id) => loadedIds.includes(id)) : []
  const selectedCount = allMatching ? list.total : selectedIds.length
  const pageSelected = allMatching || (loadedIds.length > 0 && selectedIds.length === loadedIds.length)
  const tooMany = !allMatching && selectedIds.length > maxFleetIds
  const running = batch.phase === 'running'
  const isSelected = (id: string) => allMatching || selectedIds.includes(id)

  const select = (next: Selection) => {
    setSelection(next)
    setPreviewed(null)
  }
  const setFilter = (next: FleetFilter) => {
    select(none)
    list.setFilters(next)
  }
  /** Functional: two quick taps each build on the other's change. */
  const editDraft = (update: (d: ChangeDraft) => ChangeDraft) => {
    setDraft(update)
    setProblems(noProblems)
    setPreviewed(null)
  }
  const toggle = (id: string, on: boolean) => {
    const ids = selection.mode === 'all' ? loadedIds : selection.ids
    select({ mode: 'ids', ids: on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id) })
  }

  /** What the request reaches: ids, or the filter the list shows (any fleet size). */
  const target = () => (allMatching ? { allMatching: { ...filter } } : { vehicleIds: selectedIds })

  const runPreview = async () => {
    const found = changeProblems(draft)
    setProblems(found)
    if (hasProblems(found)) return
    const change = changeOf(draft)
    const answer = await preview.run({ ...target(), change, limit: 20 })
    if (answer) setPreviewed({ preview: answer, description: describeChange(change), count: selectedCount })
  }

  /** After the batch: the rows (a filter batch also changed rows not loaded) and the title names. */
  const finish = (answer: FleetApplyResult | null) => {
    if (!answer) return
    setPreviewed(null)
    setSelection(none)
    void list.refresh()
    void names.refetch()
  }

  const apply = async () => {
    setConfirming(false)
    const change = changeOf(draft)
    setApplied(describeChange(change))
    finish(await batch.start({ ...target(), change }))
  }

  const resume = async () => finish(await batch.resume())

  const describe = (p: BatchProgress) =>
    `已为 ${p.changed} 辆车完成修改（${applied}）${p.unchanged > 0 ? `，${p.unchanged} 辆原已如此` : ''}`

  if (session.me && !unit)
    return (
      <View className="page">
        <NavBar title="批量开票设置" />
        <Text className="state-text inv-fleet__units-only">批量开票设置仅对单位用户开放</Text>
      </View>
    )

  const titleChoice = filter.title === undefined ? ANY_TITLE : filter.title === '' ? NO_TITLE : filter.title
  const titleOptions = [
    { label: '全部', value: ANY_TITLE },
    { label: '未设置', value: NO_TITLE },
    ...(names.data?.names ?? []).map((n) => ({ label: n, value: n })),
  ]

  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={() => {
          const p = checkPlate(plate)
          setPlateError(p.error)
          if (p.error) return
          const { plate: _drop, ...rest } = filter
          setFilter(p.value ? { ...rest, plate: p.value } : rest)
          close()
        }}
        onReset={() => {
          setPlate('')
          setPlateError(null)
          setFilter({})
          close()
        }}
      >
        <Chips<CardChoice>
          label="卡类型"
          className="inv-fleet-card"
          options={cardOptions}
          value={filter.cardType ?? 'any'}
          onChange={(v) => {
            const { cardType: _drop, ...rest } = filter
            setFilter(v === 'any' ? rest : { ...rest, cardType: v })
          }}
        />
        <Chips<string>
          label="当前抬头"
          className="inv-fleet-title-filter"
          options={titleOptions}
          value={titleChoice}
          onChange={(v) => {
            const { title: _drop, ...rest } = filter
            setFilter(v === ANY_TITLE ? rest : { ...rest, title: v === NO_TITLE ? '' : v })
          }}
        />
      </FilterPanel>
      {plateError ? <Text className="error-text inv-fleet__filter-error">{plateError}</Text> : null}
    </View>
  )

  const setToggle = (field: 'singleTrip' | 'monthlyMerged' | 'autoSend') => (v: Toggle) =>
    editDraft((d) => ({ ...d, [field]: v }))

  const actions = (
    <View>
      <View className="card inv-fleet__bar">
        <View className="inv-fleet__select">
          <Checkbox
            className="inv-fleet-select-page"
            checked={pageSelected}
            label="全选本页"
            disabled={loadedIds.length === 0}
            onChange={(on) => select(on ? { mode: 'ids', ids: loadedIds } : none)}
          />
          <Text className="inv-fleet__count muted">已选 {selectedCount} 辆</Text>
        </View>
        {list.total > 0 ? (
          allMatching ? (
            <Text className="link inv-fleet-select-clear" onClick={() => select(none)}>
              清除选择
            </Text>
          ) : (
            <Text className="link inv-fleet-select-all" onClick={() => select({ mode: 'all' })}>
              全选 {list.total} 辆
            </Text>
          )
        ) : null}
        {allMatching ? (
          <Text className="muted inv-fleet__matching">
            已选择{filterSummary(filter) ? `符合筛选条件（${filterSummary(filter)}）的` : ''}全部 {list.total}{' '}
            辆，包括未加载的车辆
          </Text>
        ) : null}
        {tooMany ? (
          <Text className="error-text inv-fleet__too-many">
            一次最多选择{maxFleetIds}辆，更多车辆请用“全选 {list.total} 辆”
          </Text>
        ) : null}
      </View>

      {selectedCount === 0 ? (
        <Text className="muted inv-fleet__hint">
          勾选车辆，或点击“全选 {list.total} 辆”选择全部符合筛选条件的车辆，再设置要应用的修改
        </Text>
      ) : (
        <View className="card inv-fleet__change">
          <Text className="inv-card-title">要应用的修改</Text>
          <Checkbox
            className="inv-fleet-set-title"
            checked={draft.setTitle}
            label="设置默认发票抬头"
            onChange={(on) => editDraft((d) => ({ ...d, setTitle: on }))}
          />
          {draft.setTitle ? (
            <View className="inv-fleet__section">
              <TitleForm
                prefix="inv-fleet-title"
                draft={draft.title}
                problems={problems.title}
                onChange={(title) => editDraft((d) => ({ ...d, title }))}
              />
            </View>
          ) : null}
          <Checkbox
            className="inv-fleet-set-settings"
            checked={draft.setSettings}
            label="修改开票设置"
            onChange={(on) => editDraft((d) => ({ ...d, setSettings: on }))}
          />
          {draft.setSettings ? (
            <View className="inv-fleet__section">
              <Chips<Toggle>
                label="省内单程一张票"
                className="inv-fleet-single"
                options={toggleOptions}
                value={draft.singleTrip}
                onChange={setToggle('singleTrip')}
              />
              <Chips<Toggle>
                label="省内单月合并票"
                className="inv-fleet-merged"
                options={toggleOptions}
                value={draft.monthlyMerged}
                onChange={setToggle('monthlyMerged')}
              />
              {problems.settings ? (
                <Text className="error-text inv-fleet__error">{problems.settings}</Text>
              ) : null}
              <Chips<Toggle>
                label="是否自动发送"
                className="inv-fleet-auto"
                options={toggleOptions}
                value={draft.autoSend}
                onChange={setToggle('autoSend')}
              />
              <Field
                label="发票接收邮箱"
                className="inv-fleet-email"
                maxLength={254}
                placeholder="留空则不修改"
                value={draft.email}
                onChange={(email) => editDraft((d) => ({ ...d, email }))}
                error={problems.email}
              />
            </View>
          ) : null}
          {problems.empty ? <Text className="error-text inv-fleet__error">{problems.empty}</Text> : null}
          {preview.error ? (
            <Text className="error-text inv-fleet__error">{preview.error.message}</Text>
          ) : null}
          <Button
            block
            type="primary"
            fill="outline"
            className="inv-fleet-preview-button"
            disabled={selectedCount === 0 || tooMany || preview.running || running}
            onClick={() => void runPreview()}
          >
            {preview.running ? '正在预览…' : `预览修改（${selectedCount} 辆）`}
          </Button>
        </View>
      )}

      {previewed ? (
        <View>
          <PreviewCard {...previewed} />
          <Button
            block
            type="primary"
            className="inv-fleet-apply"
            disabled={running || previewed.preview.willChange === 0}
            onClick={() => setConfirming(true)}
          >
            {`应用到 ${previewed.count} 辆车`}
          </Button>
        </View>
      ) : null}

      <FleetBatchStatus
        className="inv-fleet-status"
        resultClassName="inv-fleet-result"
        phase={batch.phase}
        progress={batch.progress}
        error={batch.error}
        describe={describe}
        onResume={() => void resume()}
      />
    </View>
  )

  return (
    <View className="inv-fleet page">
      <NavBar title="批量开票设置" />
      <ListWithFilters
        filters={filters}
        activeFilters={Object.keys(filter).length}
        filterSummary={filterSummary(filter)}
        actions={actions}
        list={list}
        emptyText="没有符合条件的车辆"
        keyOf={(r) => r.vehicleId}
        renderItem={(r) => (
          <View className="card inv-fleet-row">
            <View className="inv-fleet-row__top">
              <Checkbox
                className="inv-fleet-select"
                checked={isSelected(r.vehicleId)}
                onChange={(on) => toggle(r.vehicleId, on)}
              />
              <PlateTag plate={r.plate} color={r.plateColor} />
              <Text className="muted inv-fleet-row__card">{cardTypeLabels[r.cardType]}</Text>
            </View>
            <Text className="inv-fleet-row__title">抬头：{r.defaultTitle ?? '未设置'}</Text>
            <Text className="muted inv-fleet-row__settings">{settingsLine(r)}</Text>
            <Text
              className="link inv-fleet-row__open"
              onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(r.vehicleId) })}
            >
              开票设置 {'>'}
            </Text>
          </View>
        )}
      />
      <Dialog
        className="inv-fleet-confirm"
        visible={confirming}
        title="确认批量修改"
        content={previewed ? `确定对 ${previewed.count} 辆车${previewed.description}吗？` : ''}
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void apply()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
    </View>
  )
}

export default function FleetPage() {
  return <FleetView />
}
