import { createHash } from 'node:crypto'
import type { AccountDoc } from '../../cloudfunctions/core/documents'
import { hashPassword } from '../../cloudfunctions/core/passwords'
import type { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import {
  nicknameKey,
  nicknamePrincipalId,
  phonePrincipalId,
  type NicknamePrincipalDoc,
  type PhonePrincipalDoc,
  type PrincipalDoc,
} from '../../cloudfunctions/core/principals'
import type { IdType } from '../../types/actions/auth'
import type { PlateColor, UserType } from '../../types/enums'
import { creditOnlyDemo } from './seedEtc'

/**
 * Demo login principals: phones (bound, and one that must bind on first login) and legacy
 * nicknames with passwords (bound, legacy-bound awaiting SMS confirmation, unbound).
 */

export const demoNicknames = {
  zhangwei: { nickname: 'zhangwei2019', password: 'Etc2019pass' },
  ouyang: { nickname: 'ouyang_nn', password: 'Ouyang2020' },
  shunda: { nickname: 'shunda_wl', password: 'Shunda2018' },
} as const

/**
 * The money demo's holder (personal, phone login goes straight home): three stored-value cars, all
 * 已发行, no credit card, 可用余额 0.00, small 卡上未圈存金额 (in fen) so an even allocation shows.
 */
export const zhouTaoDemo = {
  accountId: 'acc-p-05-zhoutao',
  phone: '13655557777',
  name: '周涛',
  /** Passes the GB 11643 check digit. */
  idNumber: '330102198805171351',
  cars: [
    { plate: '浙A2W7R5', plateColor: '蓝', balance: 8650, unloaded: 1230 },
    { plate: '浙AD71836', plateColor: '渐变绿', balance: 23000, unloaded: 0 },
    { plate: '浙B6H3Q8', plateColor: '蓝', balance: 4120, unloaded: 500 },
  ],
} as const satisfies {
  accountId: string
  phone: string
  name: string
  idNumber: string
  cars: ReadonlyArray<{ plate: string; plateColor: PlateColor; balance: number; unloaded: number }>
}

/** What the logins that must bind type into 信息校验 (name, ID type, ID number), exactly. */
export interface DemoBinding {
  /** How to log in first. */
  login: string
  /** The SMS login's phone; null for a nickname login. */
  phone: string | null
  userType: UserType
  name: string
  idType: IdType
  idNumber: string
}

export const demoBindings: readonly DemoBinding[] = [
  {
    login: '短信 13588886666',
    phone: '13588886666',
    userType: 'personal',
    name: '陈静',
    idType: '身份证',
    idNumber: '330106199006183022',
  },
  {
    login: `单位昵称 ${demoNicknames.shunda.nickname}`,
    phone: null,
    userType: 'unit',
    name: '杭州顺达物流有限公司',
    idType: '统一社会信用代码',
    idNumber: '91330106MA2B3C4D5D',
  },
]

const bindingHint = (b: DemoBinding) => `首次登录需信息校验：${b.name} / ${b.idType} ${b.idNumber}`

export const accountDemoLogins = [
  {
    phone: creditOnlyDemo.phone,
    userType: 'personal' as UserType,
    label: `个人用户 ${creditOnlyDemo.name}（仅记账卡，无储值资金：不显示储值菜单）`,
  },
  {
    phone: '13588886666',
    userType: 'personal' as UserType,
    label: `个人用户 陈静（${bindingHint(demoBindings[0])}）`,
  },
  {
    phone: '13800138000',
    userType: 'personal' as UserType,
    label: '昵称登录 zhangwei2019 / Etc2019pass（张伟，已绑定；找回昵称：浙A8K2M7 + 13800138000）',
  },
  {
    phone: '13712342756',
    userType: 'personal' as UserType,
    label: '昵称登录 ouyang_nn / Ouyang2020（欧阳娜娜，原门户已绑定，需短信确认）',
  },
  {
    phone: '13900139000',
    userType: 'unit' as UserType,
    label: `单位昵称登录 shunda_wl / Shunda2018（${bindingHint(demoBindings[1])}）`,
  },
]

/** Deterministic salts so the seed writes the same bytes every time (demo data only). */
function demoSalt(nickname: string): Buffer {
  return createHash('sha256').update(`demo-salt:${nickname}`).digest().subarray(0, 16)
}

export async function demoPrincipals(
  vault: PersonalDataVault,
  accounts: AccountDoc[],
  now: Date,
): Promise<Array<PrincipalDoc & { [key: string]: unknown }>> {
  const at = now.toISOString()
  const byId = (id: string): AccountDoc => {
    const account = accounts.find((a) => a.id === id)
    if (!account) throw new Error(`demo account ${id} is missing`)
    return account
  }
  const phone = (
    number: string,
    userType: UserType,
    bound: AccountDoc | null,
  ): PhonePrincipalDoc & { [key: string]: unknown } => {
    const phoneHash = vault.lookupHash('phone', number)
    return {
      id: phonePrincipalId(userType, phoneHash),
      kind: 'phone',
      userType,
      phoneHash,
      phone: vault.seal(number),
      bindingState: bound ? 'bound' : 'unbound',
      verifiedIdHashes: bound ? [bound.idNumberHash] : [],
      lastAccountId: bound?.id ?? null,
      createdAt: at,
      updatedAt: at,
    }
  }
  const nickname = async (
    demo: { nickname: string; password: string },
    account: AccountDoc,
    reservedPhone: string,
    state: PrincipalDoc['bindingState'],
  ): Promise<NicknamePrincipalDoc & { [key: string]: unknown }> => ({
    id: nicknamePrincipalId(account.userType, demo.nickname),
    kind: 'nickname',
    userType: account.userType,
    nickname: demo.nickname,
    nicknameKey: nicknameKey(demo.nickname),
    passwordHash: await hashPassword(demo.password, demoSalt(demo.nickname)),
    passwordChangedAt: at,
    registeredName: account.name,
    registeredIdType: account.idType,
    registeredIdNumberHash: account.idNumberHash,
    reservedPhoneHash: vault.lookupHash('phone', reservedPhone),
    legacyAccountIds: state === 'unbound' ? [] : [account.id],
    bindingState: state,
    verifiedIdHashes: state === 'bound' ? [account.idNumberHash] : [],
    lastAccountId: state === 'bound' ? account.id : null,
    createdAt: at,
    updatedAt: at,
  })
  const zhang = byId('acc-p-01-zhangwei')
  return [
    phone('13800138000', 'personal', zhang),
    phone('13900139000', 'unit', byId('acc-u-shunda')),
    phone('13712342756', 'personal', byId('acc-p-03-ouyangnana')),
    phone('13588886666', 'personal', null),
    // 赵敏 logs in with her reserved phone straight to her account, like the other bound phones.
    phone(creditOnlyDemo.phone, 'personal', byId(creditOnlyDemo.accountId)),
    phone(zhouTaoDemo.phone, 'personal', byId(zhouTaoDemo.accountId)),
    await nickname(demoNicknames.zhangwei, zhang, '13800138000', 'bound'),
    await nickname(demoNicknames.ouyang, byId('acc-p-03-ouyangnana'), '13712342756', 'legacyPending'),
    await nickname(demoNicknames.shunda, byId('acc-u-shunda'), '13900139000', 'unbound'),
  ]
}
