import { randomUUID } from 'node:crypto'
import svgCaptcha from 'svg-captcha'
import {
  captchaMatches,
  captchaRules,
  newCaptchaDoc,
  type CaptchaDoc,
  type CaptchaRenderer,
} from '../../../core/captchas'
import { collections } from '../../../core/documents'
import type { ActionResponses } from '../../../../types/api'
import { ActionError, type ActionContext } from '../context'
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

export async function createCaptcha(ctx: ActionContext): Promise<ActionResponses['auth.captcha']> {
  const renderer = ctx.captcha ?? svgCaptchaRenderer
  const { text, svg } = renderer.create()
  const id = randomUUID()
  const doc = newCaptchaDoc(id, text, ctx.clock.now())
  await ctx.store.set(collections.captchas, id, { ...doc })
  return { captchaId: id, svg, expiresInSeconds: captchaRules.ttlSeconds }
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
