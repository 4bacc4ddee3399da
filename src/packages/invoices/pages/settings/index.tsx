import { useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog, Switch } from '@nutui/nutui-react-taro'
import type { InvoiceSettingsView, InvoiceTitleView, InvoicingModeView } from '../../../../../types'
import {
  invoicingModeLabels,
  settingsProblems,
  titleKindLabels,
  type InvoiceSettingsValues,
  type InvoicingMode,
} from '../../../../../types/invoiceRules'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useApiAction } from '../../../../hooks/useApiAction'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import Chips from '../../../etc/components/chips'
import PageState from '../../../etc/components/page-state'
import Field from '../../components/field'
import { invoicesRoutes } from '../../routes'
import { SettingsListView } from './settingsList'
import '../../common.scss'
import './index.scss'

type Problems = Partial<Record<keyof InvoiceSettingsValues, string>>

function SwitchRow(props: {
  label: string
  className: string
  checked: boolean
  onChange: (on: boolean) => void
  error?: string
}) {
  return (
    <View className="inv-settings__row">
      <View className="inv-settings__switch">
        <Text>{props.label}</Text>
        <Switch className={props.className} checked={props.checked} onChange={props.onChange} />
      </View>
      {props.error ? (
        <Text className={`error-text inv-settings__error ${props.className}-error`}>{props.error}</Text>
      ) : null}
    </View>
  )
}

/** 省内单程一张票, 省内单月合并票, 发票接收邮箱, 是否自动发送: changed here, saved together. */
function SettingsForm({
  vehicleId,
  settings,
  onSaved,
}: {
  vehicleId: string
  settings: InvoiceSettingsView
  onSaved: (next: InvoiceSettingsView) => void
}) {
  const [values, setValues] = useState<InvoiceSettingsValues>({
    singleTrip: settings.singleTrip,
    monthlyMerged: settings.monthlyMerged,
    email: settings.email,
    autoSend: settings.autoSend,
  })
  const [problems, setProblems] = useState<Problems>({})
  const [saved, setSaved] = useState(false)
  const save = useApiAction('invoiceSettings.set')

  const set = (patch: Partial<InvoiceSettingsValues>) => {
    setValues((v) => ({ ...v, ...patch }))
    setProblems({})
    setSaved(false)
    save.reset()
  }

  const submit = async () => {
    const email = values.email?.trim() ? values.email.trim() : null
    const next = { ...values, email }
    const found = settingsProblems(next)
    setProblems(found)
    if (Object.keys(found).length > 0) return
    const answer = await save.run({ vehicleId, ...next })
    if (answer) {
      setSaved(true)
      onSaved(answer)
    }
  }

  const shown: Problems = { ...problems, ...(save.error?.fields as Problems | undefined) }
  return (
    <View className="card inv-settings__form">
      <Text className="inv-card-title">开票设置</Text>
      <SwitchRow
        label="省内单程一张票"
        className="inv-settings-single"
        checked={values.singleTrip}
        onChange={(on) => set({ singleTrip: on })}
        error={shown.singleTrip}
      />
      <SwitchRow
        label="省内单月合并票"
        className="inv-settings-merged"
        checked={values.monthlyMerged}
        onChange={(on) => set({ monthlyMerged: on })}
        error={shown.monthlyMerged}
      />
      <Field
        label="发票接收邮箱"
        className="inv-settings-email"
        maxLength={254}
        placeholder="选填，开具后发送到此邮箱"
        value={values.email ?? ''}
        onChange={(email) => set({ email })}
        error={shown.email}
      />
      <SwitchRow
        label="是否自动发送"
        className="inv-settings-auto"
        checked={values.autoSend}
        onChange={(on) => set({ autoSend: on })}
        error={shown.autoSend}
      />
      {save.error && !Object.keys(save.error.fields).length ? (
        <Text className="error-text inv-settings__error">{save.error.message}</Text>
      ) : null}
      {saved ? <Text className="inv-settings__saved">已保存</Text> : null}
      <Button
        block
        type="primary"
        className="inv-settings-save"
        disabled={save.running}
        onClick={() => void submit()}
      >
        {save.running ? '保存中…' : '保存设置'}
      </Button>
    </View>
  )
}

function TitleCard({
  title,
  onDefault,
  onRemove,
  busy,
}: {
  title: InvoiceTitleView
  onDefault: () => void
  onRemove: () => void
  busy: boolean
}) {
  return (
    <View className={`inv-settings-title${title.isDefault ? ' inv-settings-title--default' : ''}`}>
      <View className="inv-settings-title__head">
        <Text className="inv-settings-title__name">{title.name}</Text>
        {title.isDefault ? <Text className="inv-settings-title__default">默认</Text> : null}
      </View>
      <Text className="muted inv-settings-title__line">
        {titleKindLabels[title.kind]}
        {title.taxNumber ? ` · 税号 ${title.taxNumber}` : ''}
      </Text>
      <View className="inv-settings-title__actions">
        {!title.isDefault ? (
          <Text
            className={`link inv-settings-title-default${busy ? ' muted' : ''}`}
            onClick={busy ? undefined : onDefault}
          >
            设为默认
          </Text>
        ) : null}
        <Text
          className="link inv-settings-title-edit"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.title(title.vehicleId, title.id) })}
        >
          编辑
        </Text>
        <Text className="inv-settings-title-remove error-text" onClick={busy ? undefined : onRemove}>
          删除
        </Text>
      </View>
    </View>
  )
}

function TitlesCard({
  vehicleId,
  titles,
  onChange,
}: {
  vehicleId: string
  titles: InvoiceTitleView[]
  onChange: (items: InvoiceTitleView[]) => void
}) {
  const setDefault = useApiAction('invoiceTitles.setDefault')
  const remove = useApiAction('invoiceTitles.remove')
  const [removing, setRemoving] = useState<InvoiceTitleView | null>(null)
  const busy = setDefault.running || remove.running
  const error = setDefault.error ?? remove.error

  const makeDefault = async (id: string) => {
    const answer = await setDefault.run({ id })
    if (answer) onChange(answer.items)
  }
  const confirmRemove = async () => {
    const title = removing
    setRemoving(null)
    if (!title) return
    const answer = await remove.run({ id: title.id })
    if (answer) onChange(answer.items)
  }

  return (
    <View className="card inv-settings__titles">
      <View className="inv-settings__titles-head">
        <Text className="inv-card-title">发票抬头</Text>
        <Text
          className="link inv-settings-title-add"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.title(vehicleId) })}
        >
          + 添加抬头
        </Text>
      </View>
      {titles.length === 0 ? (
        <Text className="muted inv-settings__empty">暂未设置发票抬头，开票前请先添加</Text>
      ) : null}
      {titles.map((t) => (
        <TitleCard
          key={t.id}
          title={t}
          busy={busy}
          onDefault={() => void makeDefault(t.id)}
          onRemove={() => setRemoving(t)}
        />
      ))}
      {error ? <Text className="error-text inv-settings__error">{error.message}</Text> : null}
      <Dialog
        className="inv-settings-remove-confirm"
        visible={removing !== null}
        title="删除发票抬头"
        content={
          removing
            ? `确定删除“${removing.name}”吗？${removing.isDefault ? '删除后最新添加的抬头将成为默认抬头。' : ''}`
            : ''
        }
        confirmText="删除"
        cancelText="取消"
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(null)}
        onClose={() => setRemoving(null)}
      />
    </View>
  )
}

/** 开票方式 of a stored-value account: chosen once, locked by the first invoice. */
function ModeCard({ mode, onChange }: { mode: InvoicingModeView; onChange: (m: InvoicingModeView) => void }) {
  const setMode = useApiAction('invoiceSettings.setMode')
  if (!mode.applies) return null
  const options = (['trip', 'recharge'] as const).map((m) => ({ label: invoicingModeLabels[m], value: m }))
  const choose = async (next: InvoicingMode) => {
    if (mode.locked) return
    const answer = await setMode.run({ mode: next })
    if (answer) onChange(answer)
  }
  return (
    <View className={`card inv-settings__mode${mode.locked ? ' inv-settings__mode--locked' : ''}`}>
      <Text className="inv-card-title">开票方式（储值卡账户）</Text>
      {mode.locked ? (
        <View>
          <Text className="inv-settings-mode-value">
            {mode.mode ? invoicingModeLabels[mode.mode] : '-'}（已锁定）
          </Text>
          <Text className="muted inv-settings__lock-reason">
            {`本账户已${mode.mode ? invoicingModeLabels[mode.mode] : '开票'}开具过发票，开票方式已锁定，不能再更改：同一笔资金只能开一次发票，储值卡账户只能按充值或按通行其中一种方式开票。`}
          </Text>
        </View>
      ) : (
        <View>
          <Chips
            className="inv-settings-mode"
            options={options}
            value={mode.mode ?? ('' as InvoicingMode)}
            onChange={(m) => void choose(m)}
          />
          <Text className="muted inv-settings__lock-reason">
            {mode.mode ? '' : '尚未选择。'}开具第一张发票后，开票方式将锁定，不能再更改。
          </Text>
        </View>
      )}
      {setMode.error ? <Text className="error-text inv-settings__error">{setMode.error.message}</Text> : null}
    </View>
  )
}

export function SettingsView({ vehicleId }: { vehicleId: string }) {
  const loggedIn = useRequireLogin()
  const enabled = loggedIn && vehicleId !== ''
  const q = useApiQuery('invoiceSettings.get', { vehicleId }, { enabled })
  const modeQ = useApiQuery('invoiceSettings.mode', {}, { enabled: loggedIn })
  const [titles, setTitles] = useState<InvoiceTitleView[] | null>(null)
  const [mode, setMode] = useState<InvoicingModeView | null>(null)
  const shownOnce = useRef(false)

  const reload = () => {
    setTitles(null)
    setMode(null)
    return Promise.all([q.refetch(), modeQ.refetch()])
  }
  // back from the title page: the titles may have changed
  useDidShow(() => {
    if (shownOnce.current && enabled) void reload()
    shownOnce.current = true
  })
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className="inv-settings page">
      <NavBar title="开票设置" />
      <PageState data={q.data} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
        {(d) => (
          <View>
            <View className="card inv-settings__vehicle">
              <PlateTag plate={d.settings.plate} color={d.settings.plateColor} />
              <Text className="muted inv-settings__updated">
                更新时间 {formatShanghaiTime(d.settings.updatedAt)}
              </Text>
            </View>
            <SettingsForm
              key={`${d.settings.vehicleId}-${d.settings.updatedAt ?? ''}`}
              vehicleId={vehicleId}
              settings={d.settings}
              onSaved={() => undefined}
            />
            <TitlesCard vehicleId={vehicleId} titles={titles ?? d.titles} onChange={setTitles} />
            {(mode ?? modeQ.data) ? (
              <ModeCard mode={(mode ?? modeQ.data) as InvoicingModeView} onChange={setMode} />
            ) : null}
            <Text
              className="link inv-settings-invoices"
              onClick={() => void Taro.navigateTo({ url: invoicesRoutes.list(vehicleId) })}
            >
              查看该车辆已开发票 {'>'}
            </Text>
          </View>
        )}
      </PageState>
    </View>
  )
}

export default function SettingsPage() {
  const { params } = useRouter()
  // without a vehicle (the 账单 tab's 开票设置): 开票设置查询, the list of every vehicle's settings
  return params.vehicleId ? <SettingsView vehicleId={params.vehicleId} /> : <SettingsListView />
}
