/**
 * Limits and wording the account forms and the server share. No zod here: the mini-program
 * pages import these values, and the schemas in types/actions/auth.ts are built from them.
 */

export const passwordRules = {
  /** New passwords (重置密码, 修改密码): 8–20 printable ASCII, a letter and a digit. */
  newMinLength: 8,
  newMaxLength: 20,
  /** Passwords typed to log in or to prove the old one: whatever the legacy portal allowed. */
  loginMaxLength: 64,
} as const

export const passwordMessages = {
  newTooShort: `密码长度为${passwordRules.newMinLength}-${passwordRules.newMaxLength}位`,
  /** Over-long input is refused with this, never cut to fit. */
  newTooLong: `密码最多${passwordRules.newMaxLength}位，当前输入超出长度，请重新输入`,
  loginTooLong: `密码最多${passwordRules.loginMaxLength}位，当前输入超出长度，请重新输入`,
} as const

/**
 * The input's own cap: one over the limit, so an over-long paste stays over-long and is refused
 * with the message above instead of being cut by the input to a length that would be accepted.
 */
export function passwordInputCap(limit: number): number {
  return limit + 1
}

/** How a holder changes the reserved phone, said plainly wherever an SMS code is needed. */
export const reservedPhoneChangeHelp =
  '如预留手机号已不再使用，请本人携带有效身份证件（单位用户请经办人携带单位证件及本人身份证件）到浙江ETC营业网点办理预留手机号变更，变更后即可用新手机号接收验证码。'
