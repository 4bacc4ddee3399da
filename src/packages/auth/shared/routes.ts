/** Pages of the auth subpackage and where they lead. */
const ROOT = '/packages/auth/pages'

export const AUTH_PAGES = {
  login: `${ROOT}/login/index`,
  agreement: `${ROOT}/agreement/index`,
  privacy: `${ROOT}/privacy/index`,
  recoverNickname: `${ROOT}/recover-nickname/index`,
  resetPassword: `${ROOT}/reset-password/index`,
  changePassword: `${ROOT}/change-password/index`,
  bind: `${ROOT}/bind/index`,
  legacyConfirm: `${ROOT}/legacy-confirm/index`,
  switchAccount: `${ROOT}/switch-account/index`,
} as const

export const SERVICE_HOTLINE = '0571-96866'
