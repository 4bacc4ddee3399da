import { z } from 'zod'
import { passwordMessages, passwordRules } from '../authRules'
import { phoneSchema, plateSchema, smsCodeSchema } from '../common'
import type { UserType } from '../enums'
import { plateColorSchema, userTypeSchema } from '../schemas/enums'

const empty = z.object({}).strict()

/** ID document types the issuing system records; the first four belong to persons, the rest to units. */
export const idTypes = [
  '身份证',
  '护照',
  '港澳居民来往内地通行证',
  '台湾居民来往大陆通行证',
  '统一社会信用代码',
  '组织机构代码证',
] as const
export type IdType = (typeof idTypes)[number]
export const idTypeSchema = z.enum(idTypes, { error: '证件类型不正确' })

export const personalIdTypes = [
  '身份证',
  '护照',
  '港澳居民来往内地通行证',
  '台湾居民来往大陆通行证',
] as const satisfies readonly IdType[]
export const unitIdTypes = ['统一社会信用代码', '组织机构代码证'] as const satisfies readonly IdType[]

/** Legacy portal nicknames: any visible characters; compared case-insensitively on the server. */
export const nicknameSchema = z
  .string({ error: '请输入网站昵称' })
  .trim()
  .min(1, '请输入网站昵称')
  .max(32, '昵称最多32个字符')
  .regex(/^[^\s\p{C}]+$/u, '昵称不能包含空格或特殊控制字符')

/**
 * Login accepts whatever the legacy portal allowed; only new passwords follow the strength rule.
 * Lengths come from types/authRules.ts, which the forms' inputs use too: too long is refused
 * with a message, never cut.
 */
export const loginPasswordSchema = z
  .string({ error: '请输入密码' })
  .min(1, '请输入密码')
  .max(passwordRules.loginMaxLength, passwordMessages.loginTooLong)

/** 8–20 characters, at least one letter and one digit, printable ASCII without spaces. */
export const newPasswordSchema = z
  .string({ error: '请输入新密码' })
  .min(passwordRules.newMinLength, passwordMessages.newTooShort)
  .max(passwordRules.newMaxLength, passwordMessages.newTooLong)
  .regex(/^[\x21-\x7e]+$/, '密码只能包含字母、数字和英文符号，不能有空格')
  .regex(/[A-Za-z]/, '密码必须同时包含字母和数字')
  .regex(/\d/, '密码必须同时包含字母和数字')

/** The new password again: too long is said as such, not as a mismatch. */
const confirmPasswordSchema = z
  .string({ error: '请再次输入新密码' })
  .max(passwordRules.newMaxLength, passwordMessages.newTooLong)

const samePasswordTwice = {
  check: (v: { newPassword: string; confirmPassword: string }) => v.newPassword === v.confirmPassword,
  params: { path: ['confirmPassword'], message: '两次输入的密码不一致' },
}

export const captchaIdSchema = z
  .string({ error: '请先获取图形验证码' })
  .min(1, '请先获取图形验证码')
  .max(64, '图形验证码已失效，请刷新')
export const captchaTextSchema = z
  .string({ error: '请输入图形验证码' })
  .trim()
  .min(1, '请输入图形验证码')
  .max(8, '图形验证码不正确')

/** Format only; the check digit / check character is verified on the server (core/idNumbers). */
export const idNumberSchema = z
  .string({ error: '请输入证件号码' })
  .trim()
  .toUpperCase()
  .min(1, '请输入证件号码')
  .max(32, '证件号码过长')
  .regex(/^[A-Z0-9-]+$/, '证件号码只能包含字母、数字和连字符')

/** 个人名称 / 单位名称 as registered. */
export const holderNameSchema = z
  .string({ error: '请输入名称' })
  .trim()
  .min(1, '请输入名称')
  .max(60, '名称最多60个字')

const platformCodeSchema = z.string({ error: '授权码缺失' }).min(1, '授权码缺失').max(512, '授权码不正确')

/** An optional graphic captcha: both fields or neither. */
const optionalCaptcha = {
  captchaId: captchaIdSchema.optional(),
  captchaText: captchaTextSchema.optional(),
}
const captchaPairs = {
  check: (v: { captchaId?: string; captchaText?: string }) =>
    (v.captchaId === undefined) === (v.captchaText === undefined),
  params: { path: ['captchaText'], message: '请输入图形验证码' },
}

/** Login, binding, sessions and account switching. */
export const authRequestSchemas = {
  /**
   * The first three codes a phone gets in a Shanghai day need no captcha; after that every send
   * (for any purpose) needs one: CAPTCHA_REQUIRED asks for it. A captcha given is always checked.
   */
  'auth.sendSmsCode': z
    .object({ phone: phoneSchema, userType: userTypeSchema, ...optionalCaptcha })
    .strict()
    .refine(captchaPairs.check, captchaPairs.params),
  'auth.loginBySms': z.object({ phone: phoneSchema, code: smsCodeSchema, userType: userTypeSchema }).strict(),
  'auth.logout': empty,

  /** A fresh graphic captcha; single use, valid 5 minutes, case-insensitive; limited per caller. */
  'auth.captcha': empty,
  'auth.loginByNickname': z
    .object({
      nickname: nicknameSchema,
      password: loginPasswordSchema,
      captchaId: captchaIdSchema,
      captchaText: captchaTextSchema,
      userType: userTypeSchema,
    })
    .strict(),
  /**
   * 找回昵称, step 1: plate (+ colour) and the phone registered with the nickname. Answers the
   * same whether or not they match; only a match texts a code to that phone. Limited per plate
   * and per caller.
   */
  'auth.sendRecoverNicknameCode': z
    .object({
      plate: plateSchema,
      plateColor: plateColorSchema.optional(),
      phone: phoneSchema,
      captchaId: captchaIdSchema,
      captchaText: captchaTextSchema,
    })
    .strict(),
  /** 找回昵称, step 2: the same plate and phone with the texted code → the nickname and its cards. */
  'auth.recoverNickname': z
    .object({
      plate: plateSchema,
      plateColor: plateColorSchema.optional(),
      phone: phoneSchema,
      code: smsCodeSchema,
    })
    .strict(),
  /**
   * 忘记密码, step 1: the details registered on the legacy portal. Failures count toward the
   * nickname lockout (per nickname and per caller, as login); a match texts a code to the
   * account's reserved phone and answers it masked.
   */
  'auth.sendResetPasswordCode': z
    .object({
      nickname: nicknameSchema,
      userType: userTypeSchema,
      userName: holderNameSchema,
      idType: idTypeSchema,
      idNumber: idNumberSchema,
      captchaId: captchaIdSchema,
      captchaText: captchaTextSchema,
    })
    .strict(),
  /** 忘记密码, step 2: the texted code and the new password twice. */
  'auth.resetPassword': z
    .object({
      nickname: nicknameSchema,
      userType: userTypeSchema,
      code: smsCodeSchema,
      newPassword: newPasswordSchema,
      confirmPassword: confirmPasswordSchema,
    })
    .strict()
    .refine(samePasswordTwice.check, samePasswordTwice.params),
  /**
   * Logged-in nickname users; revokes every other session of the nickname. A wrong old password
   * counts toward the nickname lockout, as a failed login does.
   */
  'auth.changePassword': z
    .object({
      oldPassword: loginPasswordSchema,
      newPassword: newPasswordSchema,
      confirmPassword: confirmPasswordSchema,
    })
    .strict()
    .refine(samePasswordTwice.check, samePasswordTwice.params)
    .refine((v) => v.newPassword !== v.oldPassword, {
      path: ['newPassword'],
      message: '新密码不能与原密码相同',
    }),
  /** WeChat `getPhoneNumber` button code. */
  'auth.loginByWechatPhone': z.object({ code: platformCodeSchema, userType: userTypeSchema }).strict(),
  /** Alipay `my.getPhoneNumber` encrypted response and its signature. */
  'auth.loginByAlipayPhone': z
    .object({
      response: z.string({ error: '授权信息缺失' }).min(1, '授权信息缺失').max(4096, '授权信息不正确'),
      sign: z.string({ error: '授权签名缺失' }).min(1, '授权签名缺失').max(1024, '授权签名不正确'),
      userType: userTypeSchema,
    })
    .strict(),
  /** Logged in (token): remembers this Alipay user so the next launch resumes without a login. */
  'auth.alipaySession': z.object({ authCode: platformCodeSchema }).strict(),
  /** On Alipay launch: resumes the session of the principal this Alipay user is bound to, if any. */
  'auth.resumeAlipay': z.object({ authCode: platformCodeSchema }).strict(),
  /** First login (信息校验): name + ID of one account the principal may reach. */
  'auth.bind': z
    .object({
      userType: userTypeSchema,
      name: holderNameSchema,
      idType: idTypeSchema,
      idNumber: idNumberSchema,
    })
    .strict(),
  /** Legacy-bound nickname users: sends the code to the legacy account's reserved phone. */
  'auth.sendLegacyBindingCode': z
    .object({ ...optionalCaptcha })
    .strict()
    .refine(captchaPairs.check, captchaPairs.params),
  'auth.confirmLegacyBinding': z.object({ code: smsCodeSchema }).strict(),
  'auth.accounts': empty,
  'auth.switchAccount': z
    .object({
      accountId: z.string({ error: '请选择账户' }).min(1, '请选择账户').max(64, '账户不存在'),
    })
    .strict(),
  /** HTTP callers: a new token; the old one is revoked. WeChat: extends the OPENID binding. */
  'auth.refresh': empty,
} as const

export interface AccountSummary {
  id: string
  userType: UserType
  /** Masked: 张* / 杭州**物流有限公司 */
  displayName: string
}

/** Who logged in: a reserved/agent phone or a legacy nickname (platform users resolve to one of these). */
export interface PrincipalSummary {
  kind: 'phone' | 'nickname'
  userType: UserType
  /** Masked phone 138****8000, or the nickname itself. */
  display: string
}

/** What the client shows after a login step. */
export type LoginNext = 'home' | 'bind' | 'confirmLegacy' | 'chooseAccount'

interface LoginBase {
  /** Signed, expiring session token for Alipay and H5; absent on WeChat, where OPENID is the session. */
  token?: string
  expiresAt: string
  principal: PrincipalSummary
}

/** An account is chosen: go to the home page; `accounts` lists every account to switch to. */
export interface LoginHome extends LoginBase {
  next: 'home'
  account: AccountSummary
  accounts: AccountSummary[]
}

/** Several accounts are reachable and none is chosen yet: call auth.switchAccount. */
export interface LoginChooseAccount extends LoginBase {
  next: 'chooseAccount'
  account: null
  accounts: AccountSummary[]
}

/** First login: call auth.bind with the holder's name and ID (信息校验). */
export interface LoginBind extends LoginBase {
  next: 'bind'
  account: null
  accounts: AccountSummary[]
  /** ID types the form offers for this user type. */
  idTypes: IdType[]
}

/** Legacy-bound nickname: call auth.sendLegacyBindingCode, then auth.confirmLegacyBinding. */
export interface LoginConfirmLegacy extends LoginBase {
  next: 'confirmLegacy'
  account: null
  accounts: AccountSummary[]
  /** Masked reserved phone the code goes to: 137****2756 */
  legacyPhone: string
}

export type LoginResult = LoginHome | LoginChooseAccount | LoginBind | LoginConfirmLegacy

/** A code texted to a phone shown masked (137****2756). */
export interface CodeSent {
  phone: string
  cooldownSeconds: number
  expiresInSeconds: number
}

export type AlipayResume = { resumed: false } | { resumed: true; login: LoginResult }

export interface AuthResponses {
  'auth.sendSmsCode': { cooldownSeconds: number; expiresInSeconds: number }
  'auth.loginBySms': LoginResult
  'auth.logout': { loggedOut: true }
  'auth.captcha': { captchaId: string; svg: string; expiresInSeconds: number }
  'auth.loginByNickname': LoginResult
  /** Masked phone the code went to, if the details matched: the answer is the same either way. */
  'auth.sendRecoverNicknameCode': CodeSent
  /** Card numbers masked 1811*****9788. */
  'auth.recoverNickname': { nickname: string; cardNos: string[] }
  /** The account's reserved phone, masked, that the code went to. */
  'auth.sendResetPasswordCode': CodeSent
  'auth.resetPassword': { reset: true }
  'auth.changePassword': { changed: true; revokedSessions: number }
  'auth.loginByWechatPhone': LoginResult
  'auth.loginByAlipayPhone': LoginResult
  'auth.alipaySession': { token: string; expiresAt: string }
  'auth.resumeAlipay': AlipayResume
  'auth.bind': LoginResult
  'auth.sendLegacyBindingCode': CodeSent
  'auth.confirmLegacyBinding': LoginResult
  'auth.accounts': { current: AccountSummary | null; accounts: AccountSummary[] }
  'auth.switchAccount': LoginHome
  'auth.refresh': { token?: string; expiresAt: string }
}
