import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { AccountSummary, IdType, LoginResult, UserType } from '../../../../../types'
import { call, logout } from '../../../../services/api'
import AccountList from '../../components/account-list'
import LoginSteps from '../../components/login-steps'
import OptionPicker from '../../components/option-picker'
import { clearLoginStep, continueLogin, readLoginStep, saveLoginStep } from '../../shared/flow'
import { AUTH_PAGES } from '../../shared/routes'
import { useAccountChoice } from '../../shared/useAccountChoice'
import { useFormAction } from '../../shared/useFormAction'
import { firstProblem, holderNameError, idNumberError, idTypesOf } from '../../shared/validate'
import LabeledInput from '../../components/labeled-input'
import ErrorRetry from '../../../../components/error-retry'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

const wording: Record<UserType, { name: string; idType: string; idNumber: string; intro: string }> = {
  personal: {
    name: '个人名称',
    idType: '个人证件类型',
    idNumber: '个人证件号码',
    intro: '系统已全面升级，您需要关联个人信息，才能查看详细信息',
  },
  unit: {
    name: '单位名称',
    idType: '单位证件类型',
    idNumber: '单位证件号码',
    intro: '系统已全面升级，您需要关联单位信息，才能查看详细信息',
  },
}

/** 信息校验: name + ID type + ID number of the holder. */
function VerifyStep({
  userType,
  idTypes,
  onResult,
}: {
  userType: UserType
  idTypes: readonly IdType[]
  onResult: (r: LoginResult) => void
}) {
  const [name, setName] = useState('')
  const [idType, setIdType] = useState<IdType>(idTypes[0] ?? '身份证')
  const [idNumber, setIdNumber] = useState('')
  const form = useFormAction()
  const words = wording[userType]

  const submit = async () => {
    const problem = firstProblem(
      holderNameError(name, `请输入${words.name}`),
      idNumberError(idNumber, `请输入${words.idNumber}`),
    )
    const result = await form.run(problem, () =>
      call('auth.bind', { userType, name: name.trim(), idType, idNumber: idNumber.trim().toUpperCase() }),
    )
    if (result) onResult(result)
  }

  return (
    <View className="card bind-verify">
      <LabeledInput
        label={words.name}
        className="bind-name"
        maxLength={60}
        placeholder={`请输入${words.name}`}
        value={name}
        onChange={setName}
      />
      <OptionPicker
        className="bind-id-type"
        label={words.idType}
        options={idTypes}
        value={idType}
        onChange={setIdType}
      />
      <LabeledInput
        label={words.idNumber}
        className="bind-id-number"
        maxLength={32}
        placeholder={`请输入${words.idNumber}`}
        value={idNumber}
        onChange={setIdNumber}
      />
      <Text className="auth-form__notice muted">{words.intro}</Text>
      {form.message ? (
        <Text className="auth-form__message bind-message error-text">{form.message}</Text>
      ) : null}
      <Button className="bind-submit" block type="primary" loading={form.busy} onClick={submit}>
        校验
      </Button>
    </View>
  )
}

/** 账号登录: pick one of the reachable accounts. */
function ChooseStep({
  principal,
  known,
  onResult,
}: {
  principal: string
  known: AccountSummary[] | null
  onResult: (r: LoginResult) => void
}) {
  const choice = useAccountChoice(known)
  const [selected, setSelected] = useState<string | null>(null)
  const form = useFormAction()
  const picked = selected ?? (choice.accounts.length === 1 ? choice.accounts[0].id : null)

  const submit = async () => {
    const result = await form.run(picked ? null : '请选择账户', () =>
      call('auth.switchAccount', { accountId: picked ?? '' }),
    )
    if (result) onResult(result)
  }

  return (
    <View className="card bind-choose">
      {principal ? <Text className="auth-form__notice bind-principal">{principal} 已通过</Text> : null}
      {choice.loading ? <Text className="state-text">加载中…</Text> : null}
      {choice.error ? <ErrorRetry message={choice.error} onRetry={() => void choice.reload()} /> : null}
      {!choice.loading && !choice.error && choice.accounts.length === 0 ? (
        <Text className="state-text">没有可登录的账户，请致电客服热线 0571-96866</Text>
      ) : null}
      <AccountList accounts={choice.accounts} selectedId={picked} onSelect={(a) => setSelected(a.id)} />
      {form.message ? (
        <Text className="auth-form__message bind-message error-text">{form.message}</Text>
      ) : null}
      <Button className="bind-login" block type="primary" loading={form.busy} onClick={submit}>
        登录
      </Button>
    </View>
  )
}

/** 账号绑定 after the first login: 1 用户登录 2 信息校验 3 账号登录. */
export default function BindPage() {
  // useRouter has no page outside a real page stack (tests): no params then
  const params: Partial<Record<string, string>> = useRouter()?.params ?? {}
  const [step] = useState(readLoginStep)
  const [stage, setStage] = useState<'verify' | 'choose'>(params.step === 'choose' ? 'choose' : 'verify')
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(
    step?.accounts.length ? step.accounts : null,
  )
  const userType: UserType = step?.userType ?? (params.userType === 'unit' ? 'unit' : 'personal')
  const idTypes = step?.idTypes?.length ? step.idTypes : idTypesOf(userType)

  const onResult = (result: LoginResult) => {
    if (result.next === 'chooseAccount') {
      saveLoginStep(result)
      setAccounts(result.accounts)
      setStage('choose')
      return
    }
    void continueLogin(result)
  }

  const back = async () => {
    clearLoginStep()
    await logout().catch(() => undefined)
    await Taro.reLaunch({ url: AUTH_PAGES.login })
  }

  return (
    <View className="bind page">
      <NavBar title="账号绑定" />
      <LoginSteps current={stage === 'verify' ? 2 : 3} />
      <Text className="bind-back auth-form__notice" onClick={() => void back()}>
        {'< 返回上一步'}
      </Text>
      {stage === 'verify' ? (
        <VerifyStep userType={userType} idTypes={idTypes} onResult={onResult} />
      ) : (
        <ChooseStep principal={step?.principal ?? ''} known={accounts} onResult={onResult} />
      )}
    </View>
  )
}
