import type {
  AccountSummary,
  ActionName,
  ActionRequest,
  ActionResponse,
  ApiEnvelope,
  ApiResult,
  CodeSent,
  ErrorCode,
  LoginBind,
  LoginChooseAccount,
  LoginConfirmLegacy,
  LoginHome,
  Me,
  PrincipalSummary,
  VehicleSummary,
} from '../../types'
import { errorBody } from '../../types/errors'
import { ApiError } from '../services/api/errors'

/**
 * What the stubbed transport answers per action: data, an error code, a lost answer (`network`: the
 * transport fails as when the phone is offline or the function timed out), or a function of the payload.
 */
export type FakeReply<A extends ActionName> =
  | { data: ActionResponse<A> }
  | { error: ErrorCode; message?: string; fields?: Record<string, string> }
  | { network: true }

export type FakeAnswer<A extends ActionName> = FakeReply<A> | ((payload: unknown) => FakeReply<A>)

export type FakeAnswers = { [A in ActionName]?: FakeAnswer<A> }

/** A transport `send` that answers ApiResults built from the contract types. */
export function fakeSend(answers: FakeAnswers) {
  return async (envelope: ApiEnvelope): Promise<ApiResult> => {
    const action = envelope.action as ActionName
    const entry = answers[action] as FakeAnswer<typeof action> | undefined
    if (!entry) return { ok: false, error: errorBody('UNKNOWN_ACTION'), requestId: 'test' }
    const answer = typeof entry === 'function' ? entry(envelope.payload) : entry
    if ('network' in answer) throw ApiError.network()
    if ('data' in answer) return { ok: true, data: answer.data, requestId: 'test' } as ApiResult
    return { ok: false, error: errorBody(answer.error, answer.message, answer.fields), requestId: 'test' }
  }
}

/** The payloads one action was sent with, in order, from a mocked transport's calls. */
export function payloadsOf<A extends ActionName>(
  calls: ReadonlyArray<readonly [ApiEnvelope, ...unknown[]]>,
  action: A,
): ActionRequest<A>[] {
  return calls.filter(([e]) => e.action === action).map(([e]) => e.payload as ActionRequest<A>)
}

export const me: Me = {
  account: { id: 'acc-1', userType: 'personal', displayName: '张*' },
  phone: '137****2756',
  vehicleCount: 2,
  showStoredValueMenu: true,
  profile: {
    userType: 'personal',
    userTypeLabel: '个人用户',
    name: '张*',
    idType: '身份证',
    idNumber: '330***********2718',
    phone: '137****2756',
    agentName: null,
  },
  validVehicles: { items: [], total: 0, nextCursor: null },
}

export const vehicles: VehicleSummary[] = [
  {
    id: 'veh-1',
    plate: '浙A12345',
    plateColor: '蓝',
    cardType: 'credit',
    cardNo: '3301*****9788',
    cardStatus: 'issued',
    tagNo: '3301*****0001',
    tagStatus: 'issued',
    signed: true,
    signing: { channel: '中国银行', signedAt: '2023-08-10T02:00:00.000Z', status: 'signed' },
  },
  {
    id: 'veh-2',
    plate: '浙AD12345',
    plateColor: '渐变绿',
    cardType: 'stored',
    cardNo: '3301*****4421',
    cardStatus: 'frozen',
    tagNo: null,
    tagStatus: null,
    signed: null,
    signing: null,
  },
]

// ---- auth: login steps as the contract answers them (types/actions/auth.ts) ----

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString()

export const unitAccount: AccountSummary = {
  id: 'acc-2',
  userType: 'unit',
  displayName: '杭州**物流有限公司',
}

const phonePrincipal: PrincipalSummary = { kind: 'phone', userType: 'personal', display: '137****2756' }

/** A login that reached an account. */
export function loginHome(overrides: Partial<LoginHome> = {}): LoginHome {
  return {
    next: 'home',
    token: 'session-token',
    expiresAt: inAnHour(),
    principal: phonePrincipal,
    account: me.account,
    accounts: [me.account, unitAccount],
    ...overrides,
  }
}

export function loginBind(overrides: Partial<LoginBind> = {}): LoginBind {
  return {
    next: 'bind',
    token: 'pending-token',
    expiresAt: inAnHour(),
    principal: phonePrincipal,
    account: null,
    accounts: [],
    idTypes: ['身份证', '护照', '港澳居民来往内地通行证', '台湾居民来往大陆通行证'],
    ...overrides,
  }
}

export function loginConfirmLegacy(overrides: Partial<LoginConfirmLegacy> = {}): LoginConfirmLegacy {
  return {
    next: 'confirmLegacy',
    token: 'pending-token',
    expiresAt: inAnHour(),
    principal: { kind: 'nickname', userType: 'personal', display: 'zhangsan' },
    account: null,
    accounts: [],
    legacyPhone: '137****2756',
    ...overrides,
  }
}

export function loginChooseAccount(overrides: Partial<LoginChooseAccount> = {}): LoginChooseAccount {
  return {
    next: 'chooseAccount',
    token: 'pending-token',
    expiresAt: inAnHour(),
    principal: phonePrincipal,
    account: null,
    accounts: [me.account, unitAccount],
    ...overrides,
  }
}

/** A tiny captcha SVG, as auth.captcha answers it. */
export function captcha(text: string): ActionResponse<'auth.captcha'> {
  return {
    captchaId: `captcha-${text}`,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text x="10" y="30">${text}</text></svg>`,
    expiresInSeconds: 300,
  }
}

/** A code texted to a phone shown masked, as the send actions answer it (auth.send*Code). */
export function codeSent(phone = '138****8000'): CodeSent {
  return { phone, cooldownSeconds: 60, expiresInSeconds: 300 }
}
