import { authRequestSchemas } from '../../../../types/actions/auth'
import type { ActionDomain, HandlerTable } from '../handlers'
import { loginBySms, sendSmsCode } from './auth'
import { createCaptcha } from './authCaptcha'
import {
  changePassword,
  loginByNickname,
  recoverNickname,
  resetPassword,
  sendRecoverNicknameCode,
  sendResetPasswordCode,
} from './authNickname'
import { loginByAlipayPhone, loginByWechatPhone, resumeAlipay } from './authPlatform'
import {
  accounts,
  alipaySession,
  bind,
  confirmLegacyBinding,
  logout,
  principalHandler,
  refresh,
  sendLegacyBindingCode,
  switchAccount,
} from './authPrincipal'

/**
 * Public: no session needed. principalHandler: a logged-in principal, before or after it has
 * chosen an account (binding, switching, sessions). None of them takes identity from the body.
 */
export const authHandlers: HandlerTable<keyof typeof authRequestSchemas> = {
  'auth.sendSmsCode': { access: 'public', run: sendSmsCode },
  'auth.loginBySms': { access: 'public', run: loginBySms },
  'auth.captcha': { access: 'public', run: createCaptcha },
  'auth.loginByNickname': { access: 'public', run: loginByNickname },
  'auth.sendRecoverNicknameCode': { access: 'public', run: sendRecoverNicknameCode },
  'auth.recoverNickname': { access: 'public', run: recoverNickname },
  'auth.sendResetPasswordCode': { access: 'public', run: sendResetPasswordCode },
  'auth.resetPassword': { access: 'public', run: resetPassword },
  'auth.loginByWechatPhone': { access: 'public', run: loginByWechatPhone },
  'auth.loginByAlipayPhone': { access: 'public', run: loginByAlipayPhone },
  'auth.resumeAlipay': { access: 'public', run: resumeAlipay },
  'auth.logout': principalHandler(logout),
  'auth.changePassword': principalHandler(changePassword),
  'auth.alipaySession': principalHandler(alipaySession),
  'auth.bind': principalHandler(bind),
  'auth.sendLegacyBindingCode': principalHandler(sendLegacyBindingCode),
  'auth.confirmLegacyBinding': principalHandler(confirmLegacyBinding),
  'auth.accounts': principalHandler(accounts),
  'auth.switchAccount': principalHandler(switchAccount),
  'auth.refresh': principalHandler(refresh),
}

export const authDomain: ActionDomain = { schemas: authRequestSchemas, handlers: authHandlers }
