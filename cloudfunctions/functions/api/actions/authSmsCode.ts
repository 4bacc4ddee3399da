import { collections, type SmsCodeDoc } from '../../../core/documents'
import { checkSmsCode, type SmsCheck } from '../../../core/smsCodes'
import { ActionError, type ActionContext } from '../context'
import type { Stored } from './views'

/**
 * Uses up a sent code: a right one is deleted, a wrong one counts a try (5 and it dies), all in
 * one transaction so two guesses cannot both be counted as the first.
 */
export async function consumeSmsCode(
  ctx: ActionContext,
  codeId: string,
  code: string,
  now: Date,
): Promise<void> {
  const candidate = ctx.vault.lookupHash('smsCode', `${codeId}:${code}`)
  const check = await ctx.store.transaction(async (tx): Promise<SmsCheck> => {
    const record = await tx.get<Stored<SmsCodeDoc>>(collections.smsCodes, codeId)
    const result = checkSmsCode(record, candidate, now)
    if (result.result === 'ok') await tx.remove(collections.smsCodes, codeId)
    if (result.result === 'wrong') await tx.set(collections.smsCodes, codeId, { ...result.next })
    return result
  })
  if (check.result === 'expired') throw new ActionError('SMS_CODE_EXPIRED')
  if (check.result !== 'ok') throw new ActionError('SMS_CODE_INVALID')
}
