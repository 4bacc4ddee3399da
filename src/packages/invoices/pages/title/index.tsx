import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Checkbox } from '@nutui/nutui-react-taro'
import type { InvoiceTitleView } from '../../../../../types'
import NavBar from '../../../../components/nav-bar'
import { useApiAction } from '../../../../hooks/useApiAction'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import PageState from '../../../etc/components/page-state'
import TitleForm from '../../components/title-form'
import {
  emptyTitleDraft,
  serverTitleProblems,
  titleInputOf,
  titleProblems,
  type TitleDraft,
  type TitleProblems,
} from '../../titleRules'
import '../../common.scss'

function draftOf(t: InvoiceTitleView): TitleDraft {
  return {
    kind: t.kind,
    name: t.name,
    taxNumber: t.taxNumber ?? '',
    address: t.address ?? '',
    phone: t.phone ?? '',
    bank: t.bank ?? '',
    bankAccount: t.bankAccount ?? '',
  }
}

function TitleEditor({
  vehicleId,
  title,
  onSaved,
}: {
  vehicleId: string
  title: InvoiceTitleView | null
  onSaved: (saved: InvoiceTitleView) => void
}) {
  const [draft, setDraft] = useState<TitleDraft>(() => (title ? draftOf(title) : emptyTitleDraft))
  const [problems, setProblems] = useState<TitleProblems>({})
  const [isDefault, setIsDefault] = useState(title?.isDefault ?? false)
  const save = useApiAction('invoiceTitles.save')

  const change = (next: TitleDraft) => {
    setDraft(next)
    save.reset()
    // a corrected field loses its message; others keep theirs until 保存
    setProblems((prev) => {
      const left = { ...prev }
      for (const key of Object.keys(prev) as (keyof TitleProblems)[])
        if (next[key] !== draft[key] || next.kind !== draft.kind) delete left[key]
      return left
    })
  }

  const submit = async () => {
    const found = titleProblems(draft)
    setProblems(found)
    if (Object.keys(found).length > 0) return
    const saved = await save.run({
      vehicleId,
      ...(title ? { id: title.id } : {}),
      title: titleInputOf(draft),
      ...(isDefault ? { isDefault: true } : {}),
    })
    if (saved) onSaved(saved)
  }

  // the server's field messages (a check the client cannot make) stand under their fields too
  const fieldErrors = save.error ? serverTitleProblems(save.error.fields) : {}
  const shown = { ...problems, ...fieldErrors }
  return (
    <View className="inv-title-page">
      <View className="card">
        <TitleForm draft={draft} problems={shown} onChange={change} />
        {title?.isDefault ? (
          <Text className="muted inv-title-page__default">当前为默认抬头</Text>
        ) : (
          <Checkbox
            className="inv-title-default"
            checked={isDefault}
            label="设为默认抬头"
            onChange={setIsDefault}
          />
        )}
      </View>
      {save.error && Object.keys(fieldErrors).length === 0 ? (
        <Text className="error-text inv-title-page__error">{save.error.message}</Text>
      ) : null}
      <Button
        block
        type="primary"
        className="inv-title-save"
        disabled={save.running}
        onClick={() => void submit()}
      >
        {save.running ? '保存中…' : '保存'}
      </Button>
    </View>
  )
}

export function TitleView({ vehicleId, titleId }: { vehicleId: string; titleId?: string }) {
  const loggedIn = useRequireLogin()
  const editing = titleId !== undefined && titleId !== ''
  const titles = useApiQuery('invoiceTitles.list', { vehicleId }, { enabled: loggedIn && editing })
  const done = () => void Taro.navigateBack()
  return (
    <View className="page">
      <NavBar title={editing ? '编辑发票抬头' : '添加发票抬头'} />
      {editing ? (
        <PageState
          data={titles.data}
          loading={titles.loading}
          error={titles.error}
          onRetry={() => void titles.refetch()}
        >
          {(d) => {
            const title = d.items.find((t) => t.id === titleId)
            return title ? (
              <TitleEditor vehicleId={vehicleId} title={title} onSaved={done} />
            ) : (
              <Text className="state-text">该发票抬头已删除</Text>
            )
          }}
        </PageState>
      ) : (
        <TitleEditor vehicleId={vehicleId} title={null} onSaved={done} />
      )}
    </View>
  )
}

export default function TitlePage() {
  const { params } = useRouter()
  return <TitleView vehicleId={params.vehicleId ?? ''} titleId={params.id} />
}
