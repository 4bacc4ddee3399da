import { Text, View } from '@tarojs/components'
import { titleKindLabels, titleNameMax } from '../../../../../types/invoiceRules'
import Chips from '../../../etc/components/chips'
import Field from '../field'
import type { TitleDraft, TitleField, TitleProblems } from '../../titleRules'
import './index.scss'

export interface TitleFormProps {
  draft: TitleDraft
  problems: TitleProblems
  onChange: (draft: TitleDraft) => void
  /** Prefix of the field classes (tests select `${prefix}-name` …). */
  prefix?: string
}

const kindOptions = [
  { label: titleKindLabels.company, value: 'company' as const },
  { label: titleKindLabels.personal, value: 'personal' as const },
]

/**
 * 发票抬头 as typed: 单位 (name, 统一社会信用代码, optional address, phone, bank, account) or 个人
 * (name). Each field's message stands under it.
 */
export default function TitleForm({ draft, problems, onChange, prefix = 'inv-title' }: TitleFormProps) {
  const set = (field: TitleField) => (value: string) => onChange({ ...draft, [field]: value })
  const company = draft.kind === 'company'
  return (
    <View className="inv-title-form">
      <Chips
        label="抬头类型"
        className={`${prefix}-kind`}
        options={kindOptions}
        value={draft.kind}
        onChange={(kind) => onChange({ ...draft, kind })}
      />
      <Field
        label={company ? '单位名称' : '个人姓名'}
        className={`${prefix}-name`}
        required
        maxLength={titleNameMax}
        placeholder={company ? '请输入单位名称' : '请输入姓名'}
        value={draft.name}
        onChange={set('name')}
        error={problems.name}
      />
      {company ? (
        <View>
          <Field
            label="统一社会信用代码"
            className={`${prefix}-tax`}
            required
            maxLength={22}
            placeholder="请输入18位统一社会信用代码"
            value={draft.taxNumber}
            onChange={set('taxNumber')}
            error={problems.taxNumber}
            hint="18位，由数字和大写字母组成"
          />
          <Field
            label="地址"
            className={`${prefix}-address`}
            maxLength={120}
            placeholder="选填"
            value={draft.address}
            onChange={set('address')}
            error={problems.address}
          />
          <Field
            label="电话"
            className={`${prefix}-phone`}
            type="tel"
            maxLength={20}
            placeholder="选填"
            value={draft.phone}
            onChange={set('phone')}
            error={problems.phone}
          />
          <Field
            label="开户银行"
            className={`${prefix}-bank`}
            maxLength={60}
            placeholder="选填"
            value={draft.bank}
            onChange={set('bank')}
            error={problems.bank}
          />
          <Field
            label="银行账号"
            className={`${prefix}-account`}
            maxLength={40}
            placeholder="选填"
            value={draft.bankAccount}
            onChange={set('bankAccount')}
            error={problems.bankAccount}
          />
        </View>
      ) : (
        <Text className="inv-title-form__note muted">个人抬头仅需填写姓名，无需税号</Text>
      )}
    </View>
  )
}
