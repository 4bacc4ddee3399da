import fc from 'fast-check'
import { captchaCallerRules, captchaRules } from './captchas'
import type { RateLimitDoc } from './documents'
import { applyRateRule, rateLimitId } from './rateLimits'

const t0 = new Date('2025-06-15T02:00:00Z')

/** Creations from one caller at the given second offsets; answers how many were allowed. */
function createAt(seconds: number[]): number {
  const docs = new Map<string, RateLimitDoc>()
  let allowed = 0
  for (const s of seconds) {
    const now = new Date(t0.getTime() + s * 1000)
    const decisions = captchaCallerRules.map((rule) =>
      applyRateRule(docs.get(rateLimitId(rule, 'c')) ?? null, rule, 'c', now),
    )
    if (decisions.every((d) => d.allowed)) {
      for (const d of decisions) if (d.allowed) docs.set(d.next.id, d.next)
      allowed += 1
    }
  }
  return allowed
}

test('a caller gets 20 captchas a minute, then waits for the next minute', () => {
  expect(createAt(Array(3000).fill(0))).toBe(20)
  expect(createAt([...Array(25).fill(0), ...Array(25).fill(60)])).toBe(40)
})

test('however a caller spreads its requests over a day, at most 500 captchas', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 13 * 3600 }), { minLength: 0, maxLength: 1500 }),
      (offsets) => {
        // 02:00Z–15:00Z is one Shanghai day (10:00–23:00)
        const allowed = createAt([...offsets].sort((a, b) => a - b))
        expect(allowed).toBeLessThanOrEqual(500)
        expect(allowed).toBeLessThanOrEqual(offsets.length)
      },
    ),
    { numRuns: 50 },
  )
})

test('expired captchas are removed a bounded number at a time, more than one per creation', () => {
  expect(captchaRules.sweepPerCreation).toBeGreaterThan(1)
  expect(captchaRules.sweepPerCreation).toBeLessThanOrEqual(100)
})
