import fc from 'fast-check'
import {
  creditCodeCharset,
  creditCodeCheckChar,
  creditCodeMessages,
  creditCodeProblem,
  emailMessages,
  emailProblem,
  isCreditCode,
  normalizeCreditCode,
  settingsMessages,
  settingsProblems,
} from './invoiceRules'

/** Real, published unified social credit codes (GB 32100-2015 check characters included). */
const published = [
  '91350100M000100Y43', // the standard's own example
  '91330106MA2B3C4D5D',
  '91330000MA27U0C148',
]

const body17 = fc
  .tuple(
    fc.constantFrom(...'123456789ABCDEFGNY'),
    fc.constantFrom(...'1239'),
    fc.stringMatching(/^\d{6}$/),
    fc.array(fc.constantFrom(...creditCodeCharset), { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, division, org]) => `${a}${b}${division}${org.join('')}`)

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(published)('accepts %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull()
  })

  it('computes the check character of the standard example', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3')
    // a sum divisible by 31 gives check value 0, not 31
    expect(creditCodeCheckChar('00000000000000000')).toBe('0')
  })

  it('refuses a wrong check character with its own message', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe(creditCodeMessages.check)
    expect(creditCodeProblem('91330106MA2B3C4D5E')).toBe(creditCodeMessages.check)
  })

  it('names what else is wrong', () => {
    expect(creditCodeProblem('')).toBe(creditCodeMessages.required)
    expect(creditCodeProblem('91350100M000100Y4')).toBe(creditCodeMessages.length)
    expect(creditCodeProblem('91350100M0001O0Y43')).toBe(creditCodeMessages.chars) // letter O
    expect(creditCodeProblem('91350100M0001I0Y43')).toBe(creditCodeMessages.chars) // letter I
    expect(creditCodeProblem('9135A100M000100Y43')).toBe(creditCodeMessages.division)
  })

  it('normalises spaces and lower case as typed', () => {
    expect(normalizeCreditCode(' 9133 0106ma2b 3c4d5d ')).toBe('91330106MA2B3C4D5D')
  })

  it('property: the computed check character always validates, every other character never does', () => {
    fc.assert(
      fc.property(body17, fc.constantFrom(...creditCodeCharset), (body, other) => {
        const check = creditCodeCheckChar(body)
        expect(check).not.toBeNull()
        expect(isCreditCode(`${body}${check}`)).toBe(true)
        if (other !== check) expect(creditCodeProblem(`${body}${other}`)).toBe(creditCodeMessages.check)
      }),
      { numRuns: 500 },
    )
  })

  it('property: changing any one character of a valid code is caught', () => {
    fc.assert(
      fc.property(
        body17,
        fc.integer({ min: 0, max: 16 }).filter((i) => i < 2 || i > 7),
        fc.constantFrom(...creditCodeCharset),
        (body, at, replacement) => {
          const code = `${body}${creditCodeCheckChar(body)}`
          fc.pre(code[at] !== replacement)
          const changed = `${code.slice(0, at)}${replacement}${code.slice(at + 1)}`
          // weights are powers of 3 mod 31, never 0: one changed character always changes the sum
          expect(isCreditCode(changed)).toBe(false)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('e-mail addresses', () => {
  it.each(['123456789@163.com', 'fleet.invoices+etc@example.com.cn', 'a_b-c@sub.example.org'])(
    'accepts %s',
    (email) => {
      expect(emailProblem(email)).toBeNull()
    },
  )

  it.each([
    '',
    'no-at-sign',
    'a@b',
    'a@@b.com',
    'a@b..com',
    '.a@b.com',
    'a..b@c.com',
    'a b@c.com',
    '张三@例子.中国',
  ])('refuses %j', (email) => {
    expect(emailProblem(email)).toBe(email === '' ? emailMessages.required : emailMessages.shape)
  })

  it('refuses over-long addresses', () => {
    expect(emailProblem(`${'a'.repeat(250)}@b.com`)).toBe(emailMessages.tooLong)
  })
})

describe('settings combinations', () => {
  it('single-trip and monthly merged cannot both be on; auto-send needs an address', () => {
    expect(settingsProblems({ singleTrip: true, monthlyMerged: true, email: null, autoSend: false })).toEqual(
      {
        monthlyMerged: settingsMessages.bothKinds,
      },
    )
    expect(settingsProblems({ singleTrip: false, monthlyMerged: true, email: null, autoSend: true })).toEqual(
      {
        autoSend: settingsMessages.autoSendNeedsEmail,
      },
    )
    expect(
      settingsProblems({ singleTrip: false, monthlyMerged: true, email: 'x@y.cn', autoSend: true }),
    ).toEqual({})
  })
})
