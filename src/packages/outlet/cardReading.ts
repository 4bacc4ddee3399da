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
import { DEFAULT_PIN, FlowError, PIN_LOCKED } from '../load/flow'

export const PIN_NEEDED =
  '该卡需要校验密码，且默认密码校验未通过，无法在此读卡；请让车主在手机上圈存或联系管理员'

/**
 * The card's reply (hex, data then SW 9000) to `readApdu`. A card that wants its PIN (6982) gets
 * the issuer's default once, in the same message as the init (the load flow's rule); a wrong
 * default is never retried here, it costs the card a try.
 */
export async function readForReset(channel: CardChannel, readApdu: string): Promise<string> {
  await selectEtc(channel)
  const [reply] = await channel.transceive([hexToBytes(readApdu)])
  if (!reply) throw new CardLinkError('CARD_RESPONSE', 'initialize for load')
  try {
    expectOk(reply, 'initialize for load')
    return bytesToHex(reply)
  } catch (e) {
    if (!(e instanceof CardLinkError && e.code === 'CARD_SECURITY')) throw e
  }
  const [verified, init] = await channel.transceive([Apdu.verifyPin(DEFAULT_PIN), hexToBytes(readApdu)])
  if (!verified) throw new CardLinkError('CARD_RESPONSE', 'verify PIN')
  try {
    expectOk(verified, 'verify PIN')
  } catch (e) {
    const left = pinTriesLeft(e)
    if (left === 0 || (e instanceof CardLinkError && e.code === 'CARD_PIN_LOCKED')) {
      throw new FlowError(PIN_LOCKED, false)
    }
    throw new FlowError(PIN_NEEDED, false)
  }
  if (!init) throw new CardLinkError('CARD_RESPONSE', 'initialize for load')
  expectOk(init, 'initialize for load')
  return bytesToHex(init)
}
