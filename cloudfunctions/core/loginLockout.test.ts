import fc from 'fast-check'
import { captchaMatches, newCaptchaDoc } from './captchas'
import {
  assessAttempt,
  delayAfterFailures,
  lockoutIds,
  lockoutRules,
  lockoutTargetValue,
  recordFailure,
  type CallerFailureDoc,
  type NicknameFailureDoc,
} from './loginLockout'

const t0 = new Date('2025-06-15T02:00:00Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

test('ten failures from one caller lock it for 15 minutes, then it starts over', () => {
  let caller: CallerFailureDoc | null = null
  let nick: NicknameFailureDoc | null = null
  let s = 0
  for (let i = 1; i <= 10; i++) {
    s += 600
    expect(assessAttempt(caller, null, at(s))).toEqual({ allowed: true })
    const next = recordFailure('c', caller, 'n', nick, at(s))
    caller = next.caller
    nick = next.nickname
    expect(next.lockedNow).toBe(i === 10)
  }
  expect(assessAttempt(caller, null, at(s + 60))).toEqual({
    allowed: false,
    reason: 'locked',
    minutesRemaining: 14,
  })
  expect(assessAttempt(caller, null, at(s + 15 * 60))).toEqual({ allowed: true })
  expect(recordFailure('c', caller, 'n', null, at(s + 15 * 60)).caller.count).toBe(1)
})

test('cross-caller delay grows and is capped, so the owner can always try again', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 500 }), (n) => {
      const d = delayAfterFailures(n)
      expect(d).toBeLessThanOrEqual(lockoutRules.maxDelaySeconds)
      expect(delayAfterFailures(n + 1)).toBeGreaterThanOrEqual(d)
      const nick: NicknameFailureDoc = { id: 'n', count: n, lastAt: t0.toISOString() }
      expect(assessAttempt(null, nick, at(d)).allowed).toBe(true)
      if (d > 0) expect(assessAttempt(null, nick, at(d - 1)).allowed).toBe(false)
    }),
  )
  expect(delayAfterFailures(5)).toBe(0)
  expect(delayAfterFailures(6)).toBe(1)
})

test('captcha: case-insensitive, expires after 5 minutes', () => {
  const doc = newCaptchaDoc('id-1', 'AbC7', t0)
  expect(doc.answerHash).not.toContain('AbC7')
  expect(captchaMatches(doc, 'abc7', at(10))).toBe(true)
  expect(captchaMatches(doc, ' ABC7 ', at(10))).toBe(true)
  expect(captchaMatches(doc, 'abc8', at(10))).toBe(false)
  expect(captchaMatches(doc, 'abc7', at(300))).toBe(false)
  expect(captchaMatches(null, 'abc7', at(1))).toBe(false)
})

test('counter ids carry only keyed hashes, never what was typed into the nickname box', () => {
  const typed = 'Etc2019pass'
  const value = lockoutTargetValue('personal', typed)
  // the value is hashed by the handler (vault.lookupHash); the ids are built from hashes only
  const ids = lockoutIds('HASH-OF-TARGET', 'HASH-OF-CALLER')
  expect(ids).toEqual({ target: 'nick:HASH-OF-TARGET', caller: 'caller:HASH-OF-TARGET:HASH-OF-CALLER' })
  // nicknames compare as the portal did: case and width do not make a new target
  expect(lockoutTargetValue('personal', ' ＥＴＣ2019PASS ')).toBe(value)
  expect(lockoutTargetValue('unit', typed)).not.toBe(value)
})
