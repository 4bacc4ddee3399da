/**
 * The slice of wx-server-sdk's `cloud.cloudPay` the WeChat Pay adapter calls, typed from what the
 * installed SDK (4.0.2) does with a call:
 * - parameters go in camelCase; the SDK converts every key to snake_case before sending;
 * - a JSON answer comes back with every key converted to camelCase, and the SDK then overwrites
 *   `errCode` with 0 and `errMsg` with '<api>:ok'. WeChat Pay's own err_code is therefore LOST:
 *   only `errCodeDes` (err_code_des) survives, so business failures are told apart by it;
 * - an answer that is not JSON (downloadBill's CSV) comes back as `{ data: string }`;
 * - transport and CloudBase errors reject with `{ errCode: number, errMsg: string }`.
 * Amount fields may arrive as numbers or as numeric strings (WeChat Pay v2 is XML on its side).
 */

export type Amount = number | string

/** Fields every cloudPay answer may carry (WeChat Pay v2 common fields, camelCased). */
export interface CloudPayCommonResult {
  returnCode?: string
  returnMsg?: string
  resultCode?: string
  /** Always 0 after the SDK: see above. */
  errCode?: number | string
  errCodeDes?: string
  errMsg?: string
  mchId?: string
  subMchId?: string
  appid?: string
  subAppid?: string
}

export interface UnifiedOrderParams {
  body: string
  outTradeNo: string
  spbillCreateIp: string
  subMchId: string
  totalFee: number
  envId: string
  functionName: string
  nonceStr: string
  tradeType: 'JSAPI'
  subAppid?: string
  subOpenid?: string
  /** yyyyMMddHHmmss, Beijing time. */
  timeExpire?: string
}

export interface UnifiedOrderResult extends CloudPayCommonResult {
  prepayId?: string
  payment?: {
    appId?: string
    timeStamp?: string
    nonceStr?: string
    package?: string
    signType?: string
    paySign?: string
  }
}

export interface OrderParams {
  subMchId: string
  outTradeNo: string
  nonceStr: string
}

export interface QueryOrderResult extends CloudPayCommonResult {
  tradeState?: string
  tradeStateDesc?: string
  outTradeNo?: string
  transactionId?: string
  totalFee?: Amount
  /** yyyyMMddHHmmss, Beijing time. */
  timeEnd?: string
}

export interface RefundParams {
  subMchId: string
  outTradeNo: string
  outRefundNo: string
  totalFee: number
  refundFee: number
  refundDesc: string
  nonceStr: string
}

export interface RefundResult extends CloudPayCommonResult {
  outRefundNo?: string
  refundId?: string
  refundFee?: Amount
}

export interface DownloadBillParams {
  subMchId: string
  /** yyyyMMdd */
  billDate: string
  billType: 'ALL' | 'SUCCESS' | 'REFUND'
}

export interface DownloadBillResult extends CloudPayCommonResult {
  /** The bill text (no tarType: GZIP requested). Absent when WeChat Pay answered a failure. */
  data?: string
}

export interface CloudPayApi {
  unifiedOrder(params: UnifiedOrderParams): Promise<UnifiedOrderResult>
  queryOrder(params: OrderParams): Promise<QueryOrderResult>
  closeOrder(params: OrderParams): Promise<CloudPayCommonResult>
  refund(params: RefundParams): Promise<RefundResult>
  downloadBill(params: DownloadBillParams): Promise<DownloadBillResult>
}
