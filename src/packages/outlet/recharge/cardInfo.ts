/**
 * 【读卡】 of 用户卡充值 (seed 002): what the operator checks before the amount — 车牌, 卡号, 卡类型
 * and the balance before the recharge — from one reading of the card (file 0015 and GET BALANCE).
 * Taro-free: tests read the virtual card box through the phone's real BLE stack.
 */
import type { CardLink } from '../../load/flow'
import { CARD_TYPE_LABELS, CREDIT_CARD_REFUSED, FlowError, maskCardNo } from '../../load/flow'
import { PLATE_COLORS } from '../../../ble/apdu/responses'
import { readCard, type CardReading } from '../../../ble/apdu/session'
import { CardLinkError } from '../../../ble/errors'
import type { Fen } from '../../../../types/money'

export interface OutletCardReading {
  /** 20 digits from file 0015: what outlet.recharge.create names the card by */
  cardNo: string
  /** first 4 + ***** + last 4, as shown */
  maskedCardNo: string
  plate: string
  /** the plate colour's name from file 0015 ('' when the card's code is unknown) */
  plateColor: string
  /** 储值卡 / 记账卡 / 未知卡类型 */
  cardType: string
  /** only a stored-value card is recharged; otherwise why not */
  refusal: string | null
  /** 卡内余额 before the recharge */
  balance: Fen
}

export const NOT_STORED_VALUE = '无法识别该卡类型，只有ETC储值卡可以充值'

/** What the page shows of a reading, and whether it may be recharged. */
export function describeReading(reading: CardReading): OutletCardReading {
  const { file } = reading
  return {
    cardNo: file.cardNo,
    maskedCardNo: maskCardNo(file.cardNo),
    plate: file.plate,
    plateColor: PLATE_COLORS[file.plateColor] ?? '',
    cardType: CARD_TYPE_LABELS[file.cardKind],
    refusal:
      file.cardKind === 'stored' ? null : file.cardKind === 'credit' ? CREDIT_CARD_REFUSED : NOT_STORED_VALUE,
    balance: reading.balance as Fen,
  }
}

/** One reading on a fresh link, closed afterwards whatever happened. */
export async function readOutletCard(connect: () => Promise<CardLink>): Promise<OutletCardReading> {
  const link = await connect()
  try {
    return describeReading(await readCard(link.channel))
  } finally {
    await Promise.resolve(link.close()).catch(() => undefined)
  }
}

/** The words for a failed reading. */
export function readingError(e: unknown): string {
  if (e instanceof CardLinkError || e instanceof FlowError) return e.message
  return '读卡失败，请确认卡片已插好后重试'
}
