/** Every failure an action can answer, with its HTTP-style status and the Chinese message users see. */
export const errorCatalog = {
  INVALID_INPUT: { status: 400, message: '请求参数不正确' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '请求内容过大' },
  UNKNOWN_ACTION: { status: 404, message: '不支持的操作' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  SESSION_INVALID: { status: 401, message: '登录状态无效，请重新登录' },
  FORBIDDEN: { status: 403, message: '无权进行此操作' },
  NOT_FOUND: { status: 404, message: '记录不存在' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  SMS_CODE_INVALID: { status: 400, message: '验证码错误' },
  SMS_CODE_EXPIRED: { status: 400, message: '验证码已失效，请重新获取' },
  PHONE_NOT_REGISTERED: { status: 400, message: '该手机号未在浙江ETC预留，请核对后重试' },
  CAPTCHA_INVALID: { status: 400, message: '图形验证码错误或已失效，请刷新后重试' },
  /** The phone has had its captcha-free codes today: send again with the graphic captcha. */
  CAPTCHA_REQUIRED: { status: 400, message: '该手机号今日已多次获取验证码，请输入图形验证码后再获取' },
  PASSWORD_INVALID: { status: 400, message: '昵称或密码错误' },
  LOGIN_LOCKED: { status: 423, message: '密码错误次数过多，账号已临时锁定，请稍后再试' },
  LOGIN_THROTTLED: { status: 429, message: '登录尝试过于频繁，请稍后再试' },
  BINDING_MISMATCH: { status: 400, message: '信息校验未通过，请核对名称、证件类型和证件号码' },
  BINDING_REQUIRED: { status: 403, message: '请先完成账号绑定' },
  ACCOUNT_NOT_REACHABLE: { status: 403, message: '当前登录身份无法访问该账户' },
  NICKNAME_NOT_FOUND: { status: 404, message: '未找到匹配的昵称，请核对车牌号码和手机号' },
  RESET_MISMATCH: { status: 400, message: '注册信息不匹配，请核对后重试' },
  RESERVED_PHONE_UNAVAILABLE: {
    status: 409,
    message: '该账号没有可接收验证码的预留手机号，请本人携带有效身份证件到浙江ETC营业网点办理预留手机号变更',
  },
  LOGIN_METHOD_UNAVAILABLE: { status: 503, message: '该登录方式暂不可用' },
  PLATFORM_AUTH_FAILED: { status: 400, message: '授权失败，请重新授权' },
  CONFLICT: { status: 409, message: '数据已被修改，请刷新后重试' },
  CARD_CANCELLED: { status: 409, message: '已注销状态的通行卡无法查看详情' },
  VEHICLE_NOT_CURRENT: { status: 409, message: '历史车辆无法设置拓展授权' },
  BATCH_KEY_REUSED: { status: 409, message: '该批量操作编号已用于另一项操作，请重新发起' },
  BATCH_NOT_FOUND: { status: 404, message: '批量操作不存在或已过期，请重新发起' },
  RECHARGE_CLOSED: { status: 409, message: '22:00 至次日 2:00 不可进行充值服务，请在 2:00 后再试' },
  CARD_CANNOT_RECEIVE: { status: 409, message: '该通行卡不是已发行的储值卡，无法充值或分配' },
  INSUFFICIENT_FUNDS: { status: 409, message: '可用余额不足' },
  PAYMENT_CHANNEL_UNAVAILABLE: { status: 400, message: '当前环境不支持该充值方式' },
  PAYMENT_UNAVAILABLE: { status: 503, message: '支付渠道暂时无法连接，请稍后重试' },
  REQUEST_KEY_REUSED: { status: 409, message: '该请求编号已用于另一项操作，请重新发起' },
  EXPORT_EMPTY: { status: 409, message: '没有符合条件的记录，无需导出' },
  EXPORT_TOO_LARGE: { status: 413, message: '符合条件的记录过多，请缩小查询范围后分批导出' },
  EXPORT_BUSY: { status: 429, message: '已有导出任务正在进行，请等待完成后再导出' },
  EXPORT_NOT_READY: { status: 409, message: '导出文件尚未生成，请稍后再试' },
  EXPORT_EXPIRED: { status: 410, message: '导出文件已过期，请重新导出' },
  EXPORT_UNAVAILABLE: { status: 503, message: '导出文件暂时无法下载，请稍后再试' },
  INVOICE_REVERSED: { status: 409, message: '该发票已红冲，无法再次红冲重开' },
  INVOICE_REISSUING: { status: 409, message: '该发票正在红冲重开，请稍后查看结果' },
  ALREADY_INVOICED: { status: 409, message: '该记录已开具发票，请勿重复开票' },
  NOT_INVOICEABLE: { status: 409, message: '该记录暂不能开具发票' },
  INVOICE_TITLE_REQUIRED: { status: 400, message: '请先为该车辆添加发票抬头' },
  INVOICE_TITLE_LIMIT: { status: 409, message: '每辆车最多保存10个发票抬头' },
  INVOICING_MODE_MISMATCH: {
    status: 409,
    message: '储值卡账户只能选择按充值开票或按通行开票其中一种，当前开票方式不支持该开票请求',
  },
  INVOICING_MODE_LOCKED: { status: 409, message: '开票方式已在开票后锁定，不能再更改' },
  INVOICE_PLATFORM_UNAVAILABLE: { status: 503, message: '开票平台暂时无法连接，请稍后重试' },
  LOAD_UNAVAILABLE: { status: 503, message: '圈存服务暂不可用，请稍后再试' },
  LOAD_NOT_YOUR_CARD: { status: 403, message: '该通行卡不属于当前账户，无法圈存' },
  LOAD_CARD_NOT_STORED_VALUE: { status: 409, message: '该卡为记账卡，只有储值卡可以圈存' },
  LOAD_CARD_NOT_ISSUED: { status: 409, message: '该储值卡不是已发行状态，无法圈存' },
  LOAD_NOTHING_TO_LOAD: { status: 409, message: '该卡没有待圈存金额' },
  LOAD_AMOUNT_EXCEEDS: { status: 409, message: '圈存金额超过该卡待圈存金额' },
  LOAD_CARD_BUSY: { status: 409, message: '该卡正在进行另一笔圈存，请完成或等待其结束后再试' },
  LOAD_WRONG_STATE: { status: 409, message: '该圈存当前状态不允许此操作，请刷新后重试' },
  LOAD_WRONG_CARD: { status: 409, message: '读取到的卡片不是本次圈存的通行卡，请放入正确的卡片' },
  LOAD_BAD_RESPONSE: { status: 400, message: '卡片响应格式不正确，请重新读卡后再试' },
  LOAD_ALGORITHM_UNSUPPORTED: { status: 409, message: '该卡的密钥算法暂不支持在线圈存，请到营业网点办理' },
  LOAD_MAC1_INVALID: { status: 400, message: '卡片认证失败（MAC1 校验不通过），请重新读卡后再试' },
  LOAD_INIT_REPLAYED: { status: 409, message: '该卡片响应已使用过，请重新读卡后再试' },
  LOAD_SERIAL_CONTRADICTION: {
    status: 409,
    message: '卡片交易序号与记录不符，已记录待核查，请到营业网点处理',
  },
  LOAD_TAC_INVALID: { status: 400, message: '交易认证码（TAC）校验不通过，圈存结果未确认' },
  OUTLET_RESET_PROVEN: {
    status: 409,
    message: '该笔圈存已由卡片交易认证码（TAC）确认写入卡片，不能改为未圈存',
  },
  OUTLET_RESET_REFUSED: { status: 409, message: '读卡结果不能证明该笔圈存未写入卡片，不能改为未圈存' },
  OUTLET_RECORD_NOT_LOADED: { status: 409, message: '该充值记录已是未圈存状态' },
  OUTLET_RELOAD_EXPIRED: { status: 409, message: '未圈存记录只能在充值当天到网点圈存' },
  INTERNAL: { status: 500, message: '系统繁忙，请稍后再试' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof errorCatalog

export interface ApiErrorBody {
  code: ErrorCode
  /** Chinese, safe to show to the user as is. */
  message: string
  status: number
  /** Which fields were wrong, for forms: path → Chinese message. */
  fields?: Record<string, string>
}

export function errorBody(code: ErrorCode, message?: string, fields?: Record<string, string>): ApiErrorBody {
  const entry = errorCatalog[code]
  return { code, status: entry.status, message: message ?? entry.message, ...(fields ? { fields } : {}) }
}
