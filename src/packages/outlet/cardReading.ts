/**
 * The card reading an outlet operator takes before 未圈存 (seed 003, issue 10): select the ETC
 * application and send the record's INITIALIZE FOR LOAD (`readApdu` of outlet.records.detail). The
 * reply (balance, online serial, card random, MAC1) is what outlet.records.reset authenticates; no
 * reply from the phone itself settles anything. Taro-free: tests drive it against tools/virtual-card.
 */
import type { CardChannel } from '../../ble/apdu/channel'
import { Apdu } from '../../ble/apdu/commands'
import { expectOk, pinTriesLeft } from '../../ble/apdu/responses'
import { selectEtc } from '../../ble/apdu/session'
import { bytesToHex, hexToBytes } from '../../ble/bytes'
import { CardLinkError } from '../../ble/errors'
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
  const [reply] = await channel.transceive([hexToBytes(readApdu)])
  if (!reply) throw new CardLinkError('CARD_RESPONSE', 'initialize for load')
  try {
    expectOk(reply, 'initialize for load')
    return { kind: 'read', response: bytesToHex(reply), pin: null }
  } catch (e) {
    if (!(e instanceof CardLinkError && e.code === 'CARD_SECURITY')) throw e
  }
  const pin = choice.pin ?? (choice.tryDefault ? DEFAULT_PIN : null)
  if (pin === null) return { kind: 'pin', triesLeft: null }
  const [verified, init] = await channel.transceive([Apdu.verifyPin(pin), hexToBytes(readApdu)])
  if (!verified) throw new CardLinkError('CARD_RESPONSE', 'verify PIN')
  try {
    expectOk(verified, 'verify PIN')
  } catch (e) {
    const left = pinTriesLeft(e)
    if (left === 0 || (e instanceof CardLinkError && e.code === 'CARD_PIN_LOCKED')) {
      throw new FlowError(READING_PIN_LOCKED, false)
    }
    if (left === null) throw e
    return { kind: 'pin', triesLeft: left }
  }
  if (!init) throw new CardLinkError('CARD_RESPONSE', 'initialize for load')
  expectOk(init, 'initialize for load')
  return { kind: 'read', response: bytesToHex(init), pin }
}
