import type {
  CardBalance,
  CardRow,
  CardsPage,
  ParkingRow,
  ParkingSetResult,
  TagRow,
  UserProfile,
  VehicleDetail,
  VehicleSummary,
} from '../../types'
import { fen } from '../../types/money'
import { vehicles } from './fake-api'

/** ETC management answers, typed by the contract (types/actions/etc.ts). */

export const unitProfile: UserProfile = {
  userType: 'unit',
  userTypeLabel: '单位用户',
  name: '杭州**物流有限公司',
  idType: '统一社会信用代码',
  idNumber: '913***********123X',
  phone: '139****0001',
  agentName: '王*',
}

export const creditVehicle: VehicleSummary = vehicles[0]
export const storedVehicle: VehicleSummary = {
  ...vehicles[1],
  cardStatus: 'issued',
  tagNo: '3301*****0002',
  tagStatus: 'issued',
}

const baseCard: CardRow = {
  id: 'card-1',
  cardNo: '1811*****9788',
  type: 'credit',
  status: 'issued',
  inStatusList: false,
  issuedAt: '2023-08-09T16:30:00.000Z',
  updatedAt: '2023-12-21T02:00:00.000Z',
  canViewDetail: true,
  plate: '浙Z106NX',
  plateColor: '蓝',
  balance: null,
  unloaded: null,
  balanceHidden: false,
}

export function cardRow(over: Partial<CardRow>): CardRow {
  return { ...baseCard, ...over }
}

export const creditCards: CardRow[] = [
  cardRow({ id: 'card-1' }),
  cardRow({ id: 'card-2', cardNo: '1811*****9583', plate: '浙Z109NX', inStatusList: true }),
]

export const storedCards: CardRow[] = [
  cardRow({
    id: 'card-s1',
    type: 'stored',
    cardNo: '3301*****4421',
    plate: '浙AD12345',
    plateColor: '渐变绿',
    balanceHidden: true,
  }),
  cardRow({
    id: 'card-s2',
    type: 'stored',
    cardNo: '3301*****5225',
    plate: '浙B54321',
    plateColor: '黄',
    status: 'frozen',
    balanceHidden: true,
  }),
  cardRow({
    id: 'card-s3',
    type: 'stored',
    cardNo: '3301*****8867',
    plate: '浙A31660',
    status: 'cancelled',
    canViewDetail: false,
    balanceHidden: true,
  }),
]

export function cardsPage(
  type: 'credit' | 'stored',
  items: CardRow[],
  over: Partial<CardsPage> = {},
): CardsPage {
  return {
    items,
    total: items.length,
    nextCursor: null,
    type,
    stored:
      type === 'stored'
        ? {
            unallocatedBalance: fen(21),
            note: '由于通行信息滞后，实际金额与网站显示金额存在误差，仅供参考！',
          }
        : null,
    ...over,
  }
}

export const balances: CardBalance[] = [
  { cardId: 'card-s1', balance: fen(12345), unloaded: fen(500), updatedAt: '2026-11-23T02:00:00.000Z' },
  { cardId: 'card-s2', balance: fen(0), unloaded: fen(0), updatedAt: '2026-11-23T02:00:00.000Z' },
]

export const tagRows: TagRow[] = [
  {
    id: 'tag-1',
    tagNo: '3301*****5430',
    brand: '金溢',
    model: '蓝牙OBU',
    outlet: '杭州西湖服务网点',
    issuedAt: '2023-08-09T16:30:00.000Z',
    status: 'issued',
    plate: '浙Z106NX',
    plateColor: '蓝',
  },
]

export const parkingRows: ParkingRow[] = [
  { vehicleId: 'veh-1', plate: '浙A12345', plateColor: '蓝', authorized: false, lastOperatedAt: null },
  { vehicleId: 'veh-2', plate: '浙AD12345', plateColor: '渐变绿', authorized: false, lastOperatedAt: null },
  {
    vehicleId: 'veh-3',
    plate: '浙B54321',
    plateColor: '黄',
    authorized: true,
    lastOperatedAt: '2026-11-01T01:02:03.000Z',
  },
]

export function vehicleDetail(type: 'credit' | 'stored'): VehicleDetail {
  const card = cardRow({ id: 'card-1', type })
  return {
    vehicle: {
      id: 'veh-1',
      plate: '浙A12345',
      plateColor: '蓝',
      scope: 'current',
      parkingAuthorized: true,
      createdAt: '2023-08-09T16:30:00.000Z',
    },
    card: {
      id: card.id,
      cardNo: card.cardNo,
      type: card.type,
      status: card.status,
      inStatusList: card.inStatusList,
      issuedAt: card.issuedAt,
      updatedAt: card.updatedAt,
      canViewDetail: card.canViewDetail,
    },
    tag: tagRows[0],
    cardHistory: [
      {
        id: 'card-0',
        cardNo: '1005*****8867',
        type,
        status: 'cancelled',
        inStatusList: false,
        issuedAt: '2011-01-01T00:00:00.000Z',
        updatedAt: '2023-08-01T00:00:00.000Z',
        canViewDetail: false,
      },
    ],
    tagHistory: [],
    signing:
      type === 'credit'
        ? { channel: '中国银行', signedAt: '2023-08-10T02:00:00.000Z', status: 'signed' }
        : null,
    invoiceTitles: [{ id: 'it-1', title: '张*', taxNumber: null, isDefault: true }],
  }
}

/** A parking.set answer (a fleet batch's progress, types/batches.ts): done unless told otherwise. */
export function parkingSetAnswer(over: Partial<ParkingSetResult> = {}): ParkingSetResult {
  return {
    batchKey: 'b-test-key-0001',
    state: 'done',
    continuation: null,
    total: 0,
    processed: 0,
    changed: 0,
    unchanged: 0,
    failed: 0,
    failures: [],
    operatedAt: '2026-11-23T06:30:00.000Z',
    items: [],
    ...over,
  }
}
