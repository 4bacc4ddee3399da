import fc from 'fast-check'
import { accountKey, accountKinds, normalBalance, parseAccountKey, type LedgerAccount } from './accounts'
import { LedgerError } from './errors'

const ownerId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:_.-]{0,30}$/)
const provider = fc.constantFrom('wechat' as const, 'alipay' as const)
const anyAccount: fc.Arbitrary<LedgerAccount> = fc.oneof(
  provider.map((p): LedgerAccount => ({ kind: 'clearing', provider: p })),
  provider.map((p): LedgerAccount => ({ kind: 'refundsPayable', provider: p })),
  ownerId.map((id): LedgerAccount => ({ kind: 'userFunds', accountId: id })),
  ownerId.map((id): LedgerAccount => ({ kind: 'cardUnloaded', cardId: id })),
  ownerId.map((id): LedgerAccount => ({ kind: 'cardLoaded', cardId: id })),
  fc.constant<LedgerAccount>({ kind: 'opening' }),
)

test('the keys read as documented', () => {
  expect(accountKey({ kind: 'clearing', provider: 'wechat' })).toBe('clearing:wechat')
  expect(accountKey({ kind: 'userFunds', accountId: 'acc-1' })).toBe('user:acc-1')
  expect(accountKey({ kind: 'cardUnloaded', cardId: 'card-1' })).toBe('card-unloaded:card-1')
  expect(accountKey({ kind: 'cardLoaded', cardId: 'card-1' })).toBe('card-loaded:card-1')
  expect(accountKey({ kind: 'refundsPayable', provider: 'alipay' })).toBe('refunds:alipay')
  expect(accountKey({ kind: 'opening' })).toBe('opening')
})

test('every account survives a round trip through its key, and distinct accounts have distinct keys', () => {
  fc.assert(
    fc.property(anyAccount, anyAccount, (a, b) => {
      expect(parseAccountKey(accountKey(a))).toEqual(a)
      if (JSON.stringify(a) !== JSON.stringify(b)) expect(accountKey(a)).not.toBe(accountKey(b))
    }),
  )
})

test('garbage is not an account: BAD_ACCOUNT, both ways', () => {
  const garbage = [
    '',
    'opening:x',
    'user:',
    'user',
    'clearing:paypal',
    'refunds:',
    'card:1',
    'card-unloaded:a b',
    'user:a/b',
    'CLEARING:wechat',
    ':wechat',
    `user:${'x'.repeat(129)}`,
  ]
  for (const key of garbage) {
    expect(() => parseAccountKey(key)).toThrow(LedgerError)
    expect(() => parseAccountKey(key)).toThrow(expect.objectContaining({ code: 'BAD_ACCOUNT' }))
  }
  const bad = [
    { kind: 'clearing', provider: 'paypal' },
    { kind: 'userFunds', accountId: '' },
    { kind: 'cardLoaded', cardId: 'a\nb' },
    { kind: 'wallet' },
    null,
  ] as unknown as LedgerAccount[]
  for (const account of bad)
    expect(() => accountKey(account)).toThrow(expect.objectContaining({ code: 'BAD_ACCOUNT' }))
  fc.assert(
    fc.property(fc.string(), (key) => {
      try {
        expect(accountKey(parseAccountKey(key))).toBe(key)
      } catch (error) {
        expect(error).toMatchObject({ name: 'LedgerError', code: 'BAD_ACCOUNT' })
      }
    }),
  )
})

test('assets are debit-normal, liabilities and equity credit-normal; only cold accounts are projected', () => {
  for (const rules of Object.values(accountKinds)) {
    expect(rules.normal).toBe(rules.class === 'asset' ? 'debit' : 'credit')
    if (rules.neverNegative) expect(rules.projected).toBe(true)
  }
  expect(
    Object.entries(accountKinds)
      .filter(([, r]) => r.projected)
      .map(([k]) => k),
  ).toEqual(['userFunds', 'cardUnloaded', 'cardLoaded'])
  expect(normalBalance('clearing', 500, 200)).toBe(300)
  expect(normalBalance('userFunds', 500, 200)).toBe(-300)
})
