import { randomUUID } from 'node:crypto'
import svgCaptcha from 'svg-captcha'
import {
  captchaCallerRules,
  captchaMatches,
  captchaRules,
  newCaptchaDoc,
  type CaptchaDoc,
  type CaptchaRenderer,
} from '../../../core/captchas'
import { collections, type RateLimitDoc } from '../../../core/documents'
import { applyRateRule, rateLimitId } from '../../../core/rateLimits'
import type { ActionResponses } from '../../../../types/api'
import { ActionError, type ActionContext } from '../context'
import { callerKey } from './authLockout'
import type { Stored } from './views'

/** Letters and digits that cannot be mistaken for each other on a phone screen (no 0/O, 1/l/I). */
const readableChars = 'abcdefhjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXY23456789'

export const svgCaptchaRenderer: CaptchaRenderer = {
  create() {
    const { text, data } = svgCaptcha.create({
      size: captchaRules.length,
      charPreset: readableChars,
      noise: 2,
      width: 120,
      height: 44,
      background: '#f5f6f7',
    })
    return { text, svg: data }
  },
}

/**
 * A new captcha, counted per caller (a refused request stores nothing); then a bounded number of
 * expired captchas are removed, oldest first, so abandoned ones do not pile up.
 */
export async function createCaptcha(ctx: ActionContext): Promise<ActionResponses['auth.captcha']> {
  const now = ctx.clock.now()
  const key = callerKey(ctx, ctx.caller)
  const refused = () => new ActionError('RATE_LIMITED', '获取图形验证码过于频繁，请稍后再试')
  // A caller over its limit costs a read, not a drawing.
  for (const rule of captchaCallerRules) {
    const current = await ctx.store.get<Stored<RateLimitDoc>>(collections.rateLimits, rateLimitId(rule, key))
    if (!applyRateRule(current, rule, key, now).allowed) throw refused()
  }
  const renderer = ctx.captcha ?? svgCaptchaRenderer
  const { text, svg } = renderer.create()
  const doc = newCaptchaDoc(randomUUID(), text, now)
  const allowed = await ctx.store.transaction(async (tx) => {
    const next: RateLimitDoc[] = []
    for (const rule of captchaCallerRules) {
      const id = rateLimitId(rule, key)
      const decision = applyRateRule(
        await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, id),
        rule,
        key,
        now,
      )
      if (!decision.allowed) return false
      next.push(decision.next)
    }
    for (const limit of next) await tx.set(collections.rateLimits, limit.id, { ...limit })
    await tx.set(collections.captchas, doc.id, { ...doc })
    return true
  })
  if (!allowed) throw refused()
  await removeExpiredCaptchas(ctx, now)
  return { captchaId: doc.id, svg, expiresInSeconds: captchaRules.ttlSeconds }
}

/** At most captchaRules.sweepPerCreation expired captchas, by the expiresAt index. */
async function removeExpiredCaptchas(ctx: ActionContext, now: Date): Promise<void> {
  const expired = await ctx.store.query<Stored<CaptchaDoc>>(collections.captchas, {
    where: [{ field: 'expiresAt', op: 'lte', value: now.toISOString() }],
    orderBy: { field: 'expiresAt', direction: 'asc' },
    limit: captchaRules.sweepPerCreation,
  })
  for (const captcha of expired.items) await ctx.store.remove(collections.captchas, captcha.id)
}

/**
 * Uses up the captcha whatever the answer (a wrong guess must not leave it open for the next
 * guess) and throws CAPTCHA_INVALID unless it was live and answered right.
 */
export async function consumeCaptcha(ctx: ActionContext, captchaId: string, text: string): Promise<void> {
  const now = ctx.clock.now()
  const ok = await ctx.store.transaction(async (tx) => {
    const doc = await tx.get<Stored<CaptchaDoc>>(collections.captchas, captchaId)
    if (!doc) return false
    await tx.remove(collections.captchas, captchaId)
    return captchaMatches(doc, text, now)
  })
  if (!ok) throw new ActionError('CAPTCHA_INVALID', undefined, { captchaText: '图形验证码错误或已失效' })
}
