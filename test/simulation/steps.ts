/**
 * What can happen in a simulated world, as plain data fast-check generates and shrinks: what the
 * users do (recharge, poll, allocate, retry), what the payer and the providers do (pay, notify,
 * notify again, notify late, notify out of order), what an attacker sends, what the issuer
 * changes (a card lost or frozen), how time moves, and where the machine dies. Steps name orders
 * and cards by pick numbers, resolved against the world when they run (`pick % candidates`), so
 * every generated list is runnable and shrinks to a shorter runnable list.
 */
import fc from 'fast-check'
import type { CrashPlan } from './faultyStore'
import type { ProviderFault } from './faultyGateway'

export type Channel = 'wechat' | 'alipay'

/** Who recharges: the account, one of its own cards, or (refused) another account's card. */
export type TargetPick =
  { kind: 'account' } | { kind: 'own'; card: number } | { kind: 'foreign'; card: number }

export type PlanPick =
  | { mode: 'even'; perCard: number }
  | { mode: 'all' }
  | { mode: 'custom'; items: Array<{ card: number; foreign: boolean; amount: number }> }

export type WechatForgery =
  'wrongSource' | 'otherApp' | 'wrongAmount' | 'wrongTrade' | 'wrongMerchant' | 'unpaidOrder' | 'unknownOrder'
export type AlipayForgery =
  | 'tampered'
  | 'stranger'
  | 'otherApp'
  | 'wrongAmount'
  | 'wrongSeller'
  | 'unknownOrder'
  | 'channelMismatch'
  | 'closedNotice'
export type Forgery = { channel: 'wechat'; kind: WechatForgery } | { channel: 'alipay'; kind: AlipayForgery }

export type ClockMove =
  /** A few seconds: inside the 3 s between provider queries, or just past them. */
  | { move: 'seconds'; seconds: number }
  | { move: 'minutes'; minutes: number }
  /** To an open order's expiry, give or take a few seconds. */
  | { move: 'expiry'; pick: number; offset: number }
  /** To a few seconds before 22:00 or 02:00 Beijing time. */
  | { move: 'night' | 'morning'; before: number }
  | { move: 'hours'; hours: number }

export type Step =
  | {
      kind: 'recharge'
      who: number
      target: TargetPick
      channel: Channel
      amount: number
      crash: CrashPlan | null
      provider: ProviderFault | null
      /** After a lost answer the client tries again at once, or later (a `retryRecharge`). */
      retry: 'now' | 'later'
    }
  /** One account opens several orders in a row (its new-order limit is 5 a minute). */
  | { kind: 'rush'; who: number; count: number; channel: Channel }
  /** The same key again: the same request (idempotent), or another one (refused). */
  | { kind: 'repeatRecharge'; pick: number; change: 'none' | 'amount' | 'channel' }
  /** A key whose answer was lost or unavailable, tried again. */
  | { kind: 'retryRecharge'; pick: number; crash: CrashPlan | null }
  | { kind: 'pay'; pick: number }
  | {
      kind: 'deliver'
      /** 'queue': a notification the provider still owes; 'any': a duplicate of any paid order's. */
      from: 'queue' | 'any'
      pick: number
      /** The provider sends it again later even if acknowledged (a duplicate). */
      keep: boolean
      casing: 'camel' | 'snake'
      amountAs: 'number' | 'string'
      crash: CrashPlan | null
      provider: ProviderFault | null
    }
  /** The same notification several times at once. */
  | { kind: 'burst'; pick: number; copies: number }
  | { kind: 'forge'; forgery: Forgery; pick: number; crash: CrashPlan | null }
  | {
      kind: 'poll'
      pick: number
      /** Another account asks about the order. */
      foreign: boolean
      crash: CrashPlan | null
      provider: ProviderFault | null
      /** The payer's payment lands while we close the order at the provider (WeChat). */
      raceClose: boolean
    }
  | { kind: 'allocate'; who: number; plan: PlanPick; crash: CrashPlan | null }
  | { kind: 'repeatAllocation'; pick: number; change: boolean }
  /** The scheduler function's timer fires: expired orders closed, statements reconciled, refunds paid. */
  | { kind: 'scheduler'; crash: CrashPlan | null }
  /**
   * WeChat Pay reports a payment for an order it had closed (a payment in flight at the close):
   * the money must be owed back, then refunded, never kept or credited.
   */
  | { kind: 'lateLanding'; pick: number }
  /** The issuer reports a stored-value card lost or frozen, or issued again. */
  | { kind: 'card'; pick: number; status: 'issued' | 'lost' | 'frozen' }
  | ({ kind: 'clock' } & ClockMove)

const pick = fc.nat({ max: 1000 })

/** A crash in about one operation in five, at one of its first writes. */
const crash: fc.Arbitrary<CrashPlan | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      at: fc.integer({ min: 1, max: 4 }),
      mode: fc.constantFrom('beforeWrite' as const, 'afterCommit' as const),
    }),
  },
)

const providerFault: fc.Arbitrary<ProviderFault | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      at: fc.integer({ min: 1, max: 3 }),
      mode: fc.constantFrom('down' as const, 'lostAnswer' as const),
    }),
  },
)

const amount = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 50_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(1, 10_000_000) },
  // refused by the contract: zero, over the limit
  { weight: 1, arbitrary: fc.constantFrom(0, 10_000_001) },
)

const target: fc.Arbitrary<TargetPick> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'account' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('own' as const), card: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), card: pick }) },
)

const plan: fc.Arbitrary<PlanPick> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      mode: fc.constant('even' as const),
      perCard: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(1_000_000)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('all' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      mode: fc.constant('custom' as const),
      items: fc.array(
        fc.record({
          card: pick,
          foreign: fc.oneof(
            { weight: 12, arbitrary: fc.constant(false) },
            { weight: 1, arbitrary: fc.constant(true) },
          ),
          amount: fc.integer({ min: 1, max: 20_000 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
)

const forgery: fc.Arbitrary<Forgery> = fc.oneof(
  fc.record({
    channel: fc.constant('wechat' as const),
    kind: fc.constantFrom<WechatForgery>(
      'wrongSource',
      'otherApp',
      'wrongAmount',
      'wrongTrade',
      'wrongMerchant',
      'unpaidOrder',
      'unknownOrder',
    ),
  }),
  fc.record({
    channel: fc.constant('alipay' as const),
    kind: fc.constantFrom<AlipayForgery>(
      'tampered',
      'stranger',
      'otherApp',
      'wrongAmount',
      'wrongSeller',
      'unknownOrder',
      'channelMismatch',
      'closedNotice',
    ),
  }),
)

const clock: fc.Arbitrary<ClockMove> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ move: fc.constant('seconds' as const), seconds: fc.integer({ min: 1, max: 30 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ move: fc.constant('minutes' as const), minutes: fc.integer({ min: 1, max: 20 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      move: fc.constant('expiry' as const),
      pick,
      offset: fc.integer({ min: -2, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      move: fc.constantFrom('night' as const, 'morning' as const),
      before: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ move: fc.constant('hours' as const), hours: fc.integer({ min: 1, max: 6 }) }),
  },
)

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('recharge' as const),
      who: fc.nat({ max: 2 }),
      target,
      channel: fc.constantFrom('wechat' as const, 'alipay' as const),
      amount,
      crash,
      provider: providerFault,
      retry: fc.constantFrom('now' as const, 'later' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rush' as const),
      who: fc.nat({ max: 2 }),
      count: fc.integer({ min: 2, max: 7 }),
      channel: fc.constantFrom('wechat' as const, 'alipay' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeatRecharge' as const),
      pick,
      change: fc.constantFrom('none' as const, 'amount' as const, 'channel' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retryRecharge' as const), pick, crash }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('pay' as const), pick }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      from: fc.constantFrom('queue' as const, 'queue' as const, 'any' as const),
      pick,
      keep: fc.oneof(
        { weight: 4, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      casing: fc.constantFrom('camel' as const, 'snake' as const),
      amountAs: fc.constantFrom('number' as const, 'string' as const),
      crash,
      provider: providerFault,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      pick,
      copies: fc.integer({ min: 2, max: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('forge' as const), forgery, pick, crash }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('poll' as const),
      pick,
      foreign: fc.oneof(
        { weight: 12, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      crash,
      provider: providerFault,
      raceClose: fc.oneof(
        { weight: 6, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('allocate' as const), who: fc.nat({ max: 2 }), plan, crash }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('repeatAllocation' as const), pick, change: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('card' as const),
      pick,
      status: fc.constantFrom('issued' as const, 'issued' as const, 'lost' as const, 'frozen' as const),
    }),
  },
  { weight: 5, arbitrary: clock.map((move) => ({ kind: 'clock' as const, ...move })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scheduler' as const), crash }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lateLanding' as const), pick }) },
)

/** A scenario: up to `maxSteps` steps; the drain that ends every scenario is not a step. */
export function scenarioArbitrary(maxSteps: number): fc.Arbitrary<Step[]> {
  // size 'max': lengths spread over the whole range, not fast-check's small default
  return fc.array(stepArbitrary, { minLength: 1, maxLength: maxSteps, size: 'max' })
}

/** One line per step, for failure reports. */
export function describeStep(step: Step): string {
  return JSON.stringify(step)
}
