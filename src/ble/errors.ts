// The one error the card layer throws (frames, APDUs, transports), with a Chinese message for the user.

export type CardLinkErrorCode =
  // frames
  | 'FRAME_BCC'
  | 'FRAME_SEQUENCE'
  | 'FRAME_TRUNCATED'
  | 'FRAME_MALFORMED'
  | 'FRAME_TRANSPORT_STATUS'
  // card answers (status words)
  | 'CARD_PIN_WRONG'
  | 'CARD_PIN_LOCKED'
  | 'CARD_FILE_TYPE'
  | 'CARD_MAC_WRONG'
  | 'CARD_NO_PROOF'
  | 'CARD_SECURITY'
  | 'CARD_CONDITIONS'
  | 'CARD_NOT_FOUND'
  | 'CARD_STATUS'
  | 'CARD_RESPONSE'
  | 'CARD_NOT_STORED_VALUE'
  // a device that answers none of the known vendor profiles (src/packages/load/links.ts PROBE_ORDER)
  | 'DEVICE_UNSUPPORTED'
  // Bluetooth
  | 'BLE_NOT_INIT'
  | 'BLE_UNAVAILABLE'
  | 'BLE_NO_DEVICE'
  | 'BLE_CONNECT_FAILED'
  | 'BLE_NO_SERVICE'
  | 'BLE_NO_CHARACTERISTIC'
  | 'BLE_DISCONNECTED'
  | 'BLE_PROPERTY'
  | 'BLE_SYSTEM'
  | 'BLE_NO_CONNECTION'
  | 'BLE_OPERATE_CONFLICT'
  | 'BLE_NOT_SUPPORTED'
  | 'BLE_TIMEOUT'
  | 'BLE_NOT_AUTHORIZED'
  | 'BLE_LOCATION_DENIED'
  | 'BLE_LOCATION_OFF'
  | 'BLE_UNKNOWN'
  // NFC
  | 'NFC_UNSUPPORTED'
  | 'NFC_OFF'
  | 'NFC_NOT_AUTHORIZED'
  | 'NFC_TAG_LOST'
  | 'NFC_FAILED'

export const CARD_LINK_MESSAGES: Record<CardLinkErrorCode, string> = {
  FRAME_BCC: '设备数据校验失败（BCC错误），请重试',
  FRAME_SEQUENCE: '设备数据顺序错误，请重试',
  FRAME_TRUNCATED: '设备数据不完整，请靠近设备后重试',
  FRAME_MALFORMED: '设备数据格式错误，请重试',
  FRAME_TRANSPORT_STATUS: '设备读卡失败，请确认卡片已插好后重试',
  CARD_PIN_WRONG: '卡片密码错误',
  CARD_PIN_LOCKED: '卡片密码已锁定，请到营业网点解锁',
  CARD_FILE_TYPE: '卡片文件类型不符，请确认插入的是ETC储值卡',
  CARD_MAC_WRONG: '圈存校验失败（MAC2错误），卡内余额未变化',
  CARD_NO_PROOF: '卡片没有该笔交易的记录',
  CARD_SECURITY: '卡片安全状态不满足，请先校验密码',
  CARD_CONDITIONS: '卡片当前状态不允许该操作',
  CARD_NOT_FOUND: '卡片中没有ETC应用，请确认卡片类型',
  CARD_STATUS: '卡片返回异常状态',
  CARD_RESPONSE: '卡片返回数据不完整',
  DEVICE_UNSUPPORTED: '该设备未响应圈存指令，暂不支持该型号，请确认设备已唤醒，或更换OBU或蓝牙读卡器',
  CARD_NOT_STORED_VALUE: '记账卡无需圈存，只有储值卡可以圈存',
  BLE_NOT_INIT: '蓝牙未初始化，请重新进入页面',
  BLE_UNAVAILABLE: '蓝牙不可用，请在手机设置中打开蓝牙',
  BLE_NO_DEVICE: '未找到设备，请确认OBU或读卡器已开启并靠近手机',
  BLE_CONNECT_FAILED: '连接设备失败，请重试',
  BLE_NO_SERVICE: '未找到设备服务，请确认设备型号后重试',
  BLE_NO_CHARACTERISTIC: '未找到设备特征值，请确认设备型号后重试',
  BLE_DISCONNECTED: '设备连接已断开，请重新连接',
  BLE_PROPERTY: '设备不支持该操作',
  BLE_SYSTEM: '系统蓝牙异常，请稍后重试',
  BLE_NO_CONNECTION: '尚未连接设备，请先连接',
  BLE_OPERATE_CONFLICT: '蓝牙操作冲突，请稍后重试',
  BLE_NOT_SUPPORTED: '当前系统版本不支持低功耗蓝牙',
  BLE_TIMEOUT: '设备响应超时，请靠近设备后重试',
  BLE_NOT_AUTHORIZED: '未授权使用蓝牙，请在设置中允许本应用使用蓝牙',
  BLE_LOCATION_DENIED: '安卓手机搜索蓝牙设备需要位置权限，请在设置中允许',
  BLE_LOCATION_OFF: '安卓手机搜索蓝牙设备需要打开位置信息（GPS），请打开后重试',
  BLE_UNKNOWN: '蓝牙操作失败，请重试',
  NFC_UNSUPPORTED: '当前手机不支持NFC，请使用蓝牙设备圈存',
  NFC_OFF: '手机NFC未开启，请在系统设置中打开NFC',
  NFC_NOT_AUTHORIZED: '未授权使用NFC，请在设置中允许本应用使用NFC',
  NFC_TAG_LOST: '卡片已离开手机，请将卡片贴紧手机背面',
  NFC_FAILED: 'NFC读卡失败，请将卡片贴紧手机后重试',
}

export class CardLinkError extends Error {
  readonly code: CardLinkErrorCode
  /** Technical detail for logs (hex, platform errCode); never shown to the user. */
  readonly detail: string
  /** Card status word when the error came from the card. */
  readonly sw?: number

  constructor(code: CardLinkErrorCode, detail = '', options: { message?: string; sw?: number } = {}) {
    super(options.message ?? CARD_LINK_MESSAGES[code])
    this.name = 'CardLinkError'
    this.code = code
    this.detail = detail
    this.sw = options.sw
  }
}
