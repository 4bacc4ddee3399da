/**
 * The card reading an outlet operator takes before 未圈存 (seed 003, issue 10): select the ETC
 * application and send the record's INITIALIZE FOR LOAD (`readApdu` of outlet.records.detail). The
 * reply (balance, online serial, card random, MAC1) is what outlet.records.reset authenticates; no
 * reply from the phone itself settles anything. Taro-free: tests drive it against tools/virtual-card.
 */
import type { CardChannel } from '../../ble/apdu/channel'
import { initializeUnlessPin, initializeWithPin, selectEtc } from '../../ble/apdu/session'
import { DEFAULT_PIN, FlowError } from '../load/flow'

/** At the outlet the operator can unlock the card; the driver's wording sends them to an outlet. */
export const READING_PIN_LOCKED = '通行卡密码已锁定，无法读卡；请先为该卡办理密码解锁后再操作'

/**
 * The card's reply (hex, data then SW 9000) to `readApdu` and the PIN it accepted on the way (none
 * asked: null), or the card wants a PIN the operator must ask the customer for (`triesLeft`: what
 * the card said after a wrong one, null before).
 */
export type ResetReading =
  { kind: 'read'; response: string; pin: string | null } | { kind: 'pin'; triesLeft: number | null }

export interface PinChoice {
  /** the PIN the customer typed: sent once, in the same message as the init */
  pin?: string
  /** false once the card refused the issuer's default: it is never sent twice to one card */
  tryDefault: boolean
}

/**
 * Reads the card for the reset. A card that wants its PIN (6982) gets the typed PIN, else the
 * issuer's default when still allowed, each once and in the same message as the init (the load
 * flow's rule): a wrong PIN costs the card a try, so nothing here retries one.
 */
export async function readForReset(
  channel: CardChannel,
  readApdu: string,
  choice: PinChoice = { tryDefault: true },
): Promise<ResetReading> {
  await selectEtc(channel)
  const reply = await initializeUnlessPin(channel, readApdu)
  if (reply !== null) return { kind: 'read', response: reply, pin: null }
  const pin = choice.pin ?? (choice.tryDefault ? DEFAULT_PIN : null)
  if (pin === null) return { kind: 'pin', triesLeft: null }
  const init = await initializeWithPin(channel, pin, readApdu)
  if (init.kind === 'locked') throw new FlowError(READING_PIN_LOCKED, false)
  if (init.kind === 'wrong') return { kind: 'pin', triesLeft: init.triesLeft }
  return { kind: 'read', response: init.reply, pin }
}
