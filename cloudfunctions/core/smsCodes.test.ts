import fc from 'fast-check'
import { shanghaiDay } from './businessTime'
import type { RateLimitDoc } from './documents'
import { applyRateRule } from './rateLimits'
import {
  checkSmsCode,
  generateSmsCode,
  newSmsCodeDoc,
  phoneDayRule,
  phoneSendRules,
  phoneSendsToday,
  sendNeedsCaptcha,
  smsCodeRules,
} from './smsCodes'

const rule = phoneSendRules[0]
const at = (iso: string) => new Date(iso)

test('codes are six digits', () => {
  for (let i = 0; i < 200; i++) expect(generateSmsCode()).toMatch(/^\d{6}$/)
})

test('a code expires after five minutes', () => {
  const sent = at('2025-03-01T02:00:00Z')
  const doc = newSmsCodeDoc('personal:h', 'hash', sent)
  expect(checkSmsCode(doc, 'hash', at('2025-03-01T02:04:59Z')).result).toBe('ok')
  expect(checkSmsCode(doc, 'hash', at('2025-03-01T02:05:00Z')).result).toBe('expired')
})

test('a code dies after five wrong tries, even for the right code', () => {
  const now = at('2025-03-01T02:01:00Z')
  let doc = newSmsCodeDoc('personal:h', 'right', at('2025-03-01T02:00:00Z'))
  for (let i = 0; i < smsCodeRules.maxWrongTries; i++) {
    const check = checkSmsCode(doc, 'wrong', now)
    if (check.result !== 'wrong') throw new Error(`try ${i}: ${check.result}`)
    doc = check.next
  }
  expect(checkSmsCode(doc, 'right', now).result).toBe('expired')
})

test('one send per phone per 60 seconds', () => {
  const first = applyRateRule(null, rule, 'h', at('2025-03-01T02:00:00Z'))
  if (!first.allowed) throw new Error('first send refused')
  const soon = applyRateRule(first.next, rule, 'h', at('2025-03-01T02:00:59Z'))
  expect(soon).toMatchObject({ allowed: false, reason: 'interval', retryAfterSeconds: 1 })
  expect(applyRateRule(first.next, rule, 'h', at('2025-03-01T02:01:00Z')).allowed).toBe(true)
})

describe('ten sends per Asia/Shanghai day, whatever the host time zone', () => {
  const saved = process.env.TZ
  beforeAll(() => {
    process.env.TZ = 'America/Los_Angeles'
  })
  afterAll(() => {
    process.env.TZ = saved
  })

  const sendAll = (start: Date, count: number) => {
    let doc: RateLimitDoc | null = null
    let t = start.getTime()
    for (let i = 0; i < count; i++) {
      const d = applyRateRule(doc, rule, 'h', new Date(t))
      if (!d.allowed) throw new Error(`send ${i} refused`)
      doc = d.next
      t += 61_000
    }
    return { doc, t }
  }

  test('the eleventh send the same Shanghai day is refused; the next Shanghai day resets', () => {
    // 2025-03-01 23:40 in Shanghai = 15:40Z; ten sends end about 23:50 Shanghai time.
    const { doc, t } = sendAll(at('2025-03-01T15:40:00Z'), 10)
    expect(shanghaiDay(new Date(t))).toBe('2025-03-01')
    expect(applyRateRule(doc, rule, 'h', new Date(t))).toMatchObject({ allowed: false, reason: 'limit' })
    // 16:00Z is midnight in Shanghai (still 08:00 the same day in Los Angeles).
    expect(applyRateRule(doc, rule, 'h', at('2025-03-01T16:00:00Z')).allowed).toBe(true)
  })

  test('the Shanghai day does not follow UTC midnight', () => {
    const { doc } = sendAll(at('2025-03-01T14:00:00Z'), 10)
    // 2025-03-02T00:30Z is 08:30 on 03-02 in Shanghai: a new day, already since 16:00Z.
    expect(applyRateRule(doc, rule, 'h', at('2025-03-01T15:59:00Z')).allowed).toBe(false)
    expect(applyRateRule(doc, rule, 'h', at('2025-03-01T16:00:01Z')).allowed).toBe(true)
  })
})

describe('one daily quota per phone, and the captcha after three sends', () => {
  test('the fourth send of a Shanghai day and every later one need the captcha; a new day starts over', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: smsCodeRules.dailyLimitPerPhone }), (sends) => {
        // 2025-03-01 10:00 in Shanghai, one send a minute
        let doc: RateLimitDoc | null = null
        let t = at('2025-03-01T02:00:00Z').getTime()
        for (let i = 0; i < sends; i++) {
          expect(sendNeedsCaptcha(doc, new Date(t))).toBe(i >= smsCodeRules.captchaFreeSendsPerPhone)
          const d = applyRateRule(doc, phoneDayRule, 'h', new Date(t))
          if (!d.allowed) throw new Error(`send ${i} refused`)
          doc = d.next
          t += 61_000
        }
        expect(phoneSendsToday(doc, new Date(t))).toBe(sends)
        expect(sendNeedsCaptcha(doc, new Date(t))).toBe(sends >= smsCodeRules.captchaFreeSendsPerPhone)
        // midnight in Shanghai (16:00Z): three captcha-free sends again
        expect(sendNeedsCaptcha(doc, at('2025-03-01T16:00:01Z'))).toBe(false)
      }),
    )
  })

  test('every purpose counts on the same counter: one rule, keyed by the phone only', () => {
    expect(phoneSendRules).toEqual([phoneDayRule])
    expect(phoneDayRule.limit).toBe(10)
  })
})
