import { collections, type RateLimitDoc, type SmsCodeDoc } from '../../../core/documents'
import { applyRateRule, rateLimitId, type RateRule } from '../../../core/rateLimits'
import {
  checkSmsCode,
  generateSmsCode,
  newSmsCodeDoc,
  phoneDayRule,
  sendNeedsCaptcha,
  type SmsCheck,
} from '../../../core/smsCodes'
import { ActionError, type ActionContext } from '../context'
import { consumeCaptcha } from './authCaptcha'
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

/** One more limit a send counts, with what to say when it is reached. */
export interface SendLimit {
  rule: RateRule
  key: string
  message?: string
}

/** Where a code goes: the phone, the code's id, the text around it. */
export interface CodeDelivery {
  phone: string
  codeId: string
  text: (code: string) => string
}

/**
 * The graphic captcha of the request: answered (checked here), already checked by the action,
 * or not given (then a phone past its captcha-free sends is answered CAPTCHA_REQUIRED).
 */
export type CaptchaProof = { captchaId: string; captchaText: string } | 'checked' | null

export function captchaProofOf(input: { captchaId?: string; captchaText?: string }): CaptchaProof {
  return input.captchaId !== undefined && input.captchaText !== undefined
    ? { captchaId: input.captchaId, captchaText: input.captchaText }
    : null
}

function refusal(limit: SendLimit, decision: { reason: 'interval' | 'limit'; retryAfterSeconds: number }) {
  if (limit.rule === phoneDayRule) {
    return new ActionError(
      'RATE_LIMITED',
      decision.reason === 'interval'
        ? `验证码已发送，请${decision.retryAfterSeconds}秒后再试`
        : '该手机号今日获取验证码次数已达上限，请明天再试',
    )
  }
  if (decision.reason === 'interval') {
    return new ActionError('RATE_LIMITED', `操作过于频繁，请${decision.retryAfterSeconds}秒后再试`)
  }
  return new ActionError('RATE_LIMITED', limit.message)
}

function captchaRequired(): ActionError {
  return new ActionError('CAPTCHA_REQUIRED', undefined, { captchaText: '请输入图形验证码' })
}

/**
 * Every SMS code, whatever it is for, goes through here: it spends one send of the phone's daily
 * quota (one counter per phone, shared by login, 重置密码, 找回昵称 and legacy confirmation) and the
 * other limits, and after the phone's first three sends of the day it needs the graphic captcha.
 * A refused request changes nothing and spends no captcha. `deliver` runs after the captcha is
 * checked and answers where the code goes, or null to count the request without sending
 * anything (when the answer must not tell whether the details matched).
 */
export async function sendCountedCode(
  ctx: ActionContext,
  opts: {
    phoneHash: string
    limits: SendLimit[]
    captcha: CaptchaProof
    deliver: () => Promise<CodeDelivery | null>
  },
): Promise<void> {
  const now = ctx.clock.now()
  const limits: SendLimit[] = [{ rule: phoneDayRule, key: opts.phoneHash }, ...opts.limits]
  const idOf = (l: SendLimit) => rateLimitId(l.rule, l.key)

  // Look first: a refused send must not burn the captcha the user just typed.
  const current = await Promise.all(
    limits.map((l) => ctx.store.get<Stored<RateLimitDoc>>(collections.rateLimits, idOf(l))),
  )
  limits.forEach((limit, i) => {
    const decision = applyRateRule(current[i], limit.rule, limit.key, now)
    if (!decision.allowed) throw refusal(limit, decision)
  })
  if (opts.captcha === null && sendNeedsCaptcha(current[0], now)) throw captchaRequired()
  if (opts.captcha !== null && opts.captcha !== 'checked') {
    await consumeCaptcha(ctx, opts.captcha.captchaId, opts.captcha.captchaText)
  }
  const captchaChecked = opts.captcha !== null

  const delivery = await opts.deliver()
  const code = delivery ? generateSmsCode() : null
  // The same checks again, atomically with the counting, so parallel requests cannot all pass.
  const denial = await ctx.store.transaction(async (tx) => {
    const next: RateLimitDoc[] = []
    for (const limit of limits) {
      const doc = await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, idOf(limit))
      if (limit.rule === phoneDayRule && !captchaChecked && sendNeedsCaptcha(doc, now))
        return captchaRequired()
      const decision = applyRateRule(doc, limit.rule, limit.key, now)
      if (!decision.allowed) return refusal(limit, decision)
      next.push(decision.next)
    }
    for (const doc of next) await tx.set(collections.rateLimits, doc.id, { ...doc })
    if (delivery && code) {
      const codeHash = ctx.vault.lookupHash('smsCode', `${delivery.codeId}:${code}`)
      await tx.set(collections.smsCodes, delivery.codeId, {
        ...newSmsCodeDoc(delivery.codeId, codeHash, now),
      })
    }
    return null
  })
  if (denial) throw denial
  if (delivery && code) await ctx.sms.send({ phone: delivery.phone, code, text: delivery.text(code) })
}
