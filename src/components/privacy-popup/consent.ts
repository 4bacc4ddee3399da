import Taro from '@tarojs/taro'

/** Bumped when the privacy policy changes materially: users are asked again. */
export const PRIVACY_POLICY_VERSION = '2026-11-23'
export const PRIVACY_PAGE_URL = '/packages/auth/pages/privacy/index'
const CONSENT_KEY = 'etc.privacyConsent'

/** The user has accepted our policy (the login checkbox or the notice below), for this policy version. */
export function hasPolicyConsent(): boolean {
  try {
    return Taro.getStorageSync(CONSENT_KEY) === PRIVACY_POLICY_VERSION
  } catch {
    return false
  }
}

export function rememberPolicyConsent(): void {
  try {
    Taro.setStorageSync(CONSENT_KEY, PRIVACY_POLICY_VERSION)
  } catch {
    // storage unavailable: the user is asked again next time
  }
}

export type SensitiveUse = 'phone' | 'bluetooth'

const purpose: Record<SensitiveUse, string> = {
  phone: '获取您在支付宝绑定的手机号，用于核对ETC预留手机号并登录',
  bluetooth: '使用蓝牙连接ETC车载单元或读卡器完成圈存（安卓手机搜索蓝牙设备需开启定位，我们不读取位置）',
}

/**
 * Call before the first phone-number or Bluetooth request.
 *
 * WeChat: nothing to do here. With `__usePrivacyCheck__` the platform raises
 * onNeedPrivacyAuthorization for a privacy API the user has not agreed to yet, and
 * <PrivacyPopup /> answers it.
 *
 * Alipay: the platform shows its own privacy popup for sensitive APIs (phone number,
 * Bluetooth, location) once the privacy policy and the used APIs are declared in the Alipay
 * open-platform console (小程序 → 隐私保护 → 用户隐私保护指引). Ours is shown first, once per
 * policy version, so the user sees what we do with the data before the platform asks.
 *
 * H5: no phone or Bluetooth APIs; always true.
 * Resolves true when the caller may go on.
 */
export async function confirmPrivacyPolicy(use: SensitiveUse): Promise<boolean> {
  if (process.env.TARO_ENV !== 'alipay' || hasPolicyConsent()) return true
  try {
    const res = await Taro.showModal({
      title: '隐私保护提示',
      content: `我们将${purpose[use]}。请阅读《隐私政策》了解我们如何收集、加密保存和使用您的信息。`,
      confirmText: '同意',
      cancelText: '查看政策',
    })
    if (res.confirm) {
      rememberPolicyConsent()
      return true
    }
    await Taro.navigateTo({ url: PRIVACY_PAGE_URL })
  } catch {
    // the modal or the navigation failed: do not go on without consent
  }
  return false
}
