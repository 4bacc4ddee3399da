import type { authRequestSchemas } from '../../../../types/actions/auth'
import type { HandlerTable } from '../handlers'
import { loginBySms, logout, sendSmsCode } from './auth'

export const authHandlers: HandlerTable<keyof typeof authRequestSchemas> = {
  'auth.sendSmsCode': { access: 'public', run: sendSmsCode },
  'auth.loginBySms': { access: 'public', run: loginBySms },
  'auth.logout': { access: 'account', run: logout },
}
