import type { OperatorLogin } from '../../../../types'
import type { OutletRecord, OutletRecordDetail } from '../../../../types/actions/outlet'
import { fen } from '../../../../types/money'
import { saveOperatorSession } from '../../operator/shared/session'

/** The outlet's answers, typed by the contract (types/actions/outlet.ts). */

export const outletOperator: OperatorLogin = {
  token: 'op.outlet-token',
  expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
  operator: {
    loginName: 'outlet-demo',
    name: '演示网点操作员',
    roles: ['outlet'],
    outletId: 'outlet-demo-001',
  },
}

export function outletLoggedIn(): void {
  saveOperatorSession({
    token: outletOperator.token,
    expiresAt: outletOperator.expiresAt,
    operator: outletOperator.operator,
  })
}

/** 已圈存 without proof: a MAC2 was issued, the card never confirmed it (may be reset). */
export function outletRecord(over: Partial<OutletRecord> = {}): OutletRecord {
  return {
    recordId: 'load-1',
    cardNo: '3301*****2345',
    plate: '浙AD35288',
    plateColor: '渐变绿',
    balanceBefore: fen(12_345),
    amount: fen(20_000),
    balanceAfter: fen(32_345),
    createdAt: '2026-12-02T02:03:04.000Z', // 10:03:04 in Shanghai
    state: 'loaded',
    proven: false,
    loadState: 'initialized',
    reloadedBy: null,
    canReset: true,
    canReload: false,
    ...over,
  }
}

export function outletDetail(over: Partial<OutletRecordDetail> = {}): OutletRecordDetail {
  return {
    ...outletRecord(over),
    readApdu: '805000020B0100004E20000000000001' + '10',
    confirm: null,
    ...over,
  }
}
