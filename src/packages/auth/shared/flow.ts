import Taro from '@tarojs/taro'
import type { AccountSummary, IdType, LoginResult, UserType } from '../../../../types'
import { HOME_URL, takeReturnPage } from '../../../services/api'
import { rememberAlipayUser } from '../../../services/api/launch'
import { AUTH_PAGES } from './routes'

/**
 * What the steps after a login need from its answer (ID types to offer, the legacy phone, the
 * accounts to choose from). Kept in memory and storage: a page reopened mid-way still has it.
 */
export interface LoginStep {
  userType: UserType
  /** Masked phone or nickname that logged in. */
  principal: string
  idTypes?: IdType[]
  legacyPhone?: string
  accounts: AccountSummary[]
}

const STEP_KEY = 'etc.loginStep'

export function saveLoginStep(login: LoginResult): void {
  const step: LoginStep = {
    userType: login.principal.userType,
    principal: login.principal.display,
    accounts: login.accounts,
    ...(login.next === 'bind' ? { idTypes: login.idTypes } : {}),
    ...(login.next === 'confirmLegacy' ? { legacyPhone: login.legacyPhone } : {}),
  }
  try {
    Taro.setStorageSync(STEP_KEY, step)
  } catch {
    // the pages fall back to what they can ask the server
  }
}

export function readLoginStep(): LoginStep | null {
  try {
    const value: unknown = Taro.getStorageSync(STEP_KEY)
    if (typeof value !== 'object' || value === null) return null
    const v = value as Partial<LoginStep>
    if ((v.userType !== 'personal' && v.userType !== 'unit') || !Array.isArray(v.accounts)) return null
    return value as LoginStep
  } catch {
    return null
  }
}

export function clearLoginStep(): void {
  try {
    Taro.removeStorageSync(STEP_KEY)
  } catch {
    // nothing to clear
  }
}

/** Where a login step answer leads. */
export function nextPageOf(login: LoginResult): string {
  switch (login.next) {
    case 'bind':
      return AUTH_PAGES.bind
    case 'confirmLegacy':
      return AUTH_PAGES.legacyConfirm
    case 'chooseAccount':
      return `${AUTH_PAGES.bind}?step=choose`
    default:
      return HOME_URL
  }
}

/** Follows a LoginResult: the binding steps, the legacy confirmation, the account choice, or home. */
export async function continueLogin(login: LoginResult): Promise<void> {
  if (login.next === 'home') {
    clearLoginStep()
    await rememberAlipayUser()
    await Taro.reLaunch({ url: takeReturnPage() ?? HOME_URL })
    return
  }
  saveLoginStep(login)
  await Taro.redirectTo({ url: nextPageOf(login) })
}
