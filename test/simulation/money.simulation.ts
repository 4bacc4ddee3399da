/**
 * The deterministic simulation of stored-value money (issue 9, "Proof"), in the spirit of
 * TigerBeetle's simulator: a seeded list of steps (steps.ts) runs through the real entry points
 * — `api` (recharge.create/status, allocation.apply), `payNotify`, `alipayNotify` and the
 * scheduler — on either Store adapter, while the environment misbehaves: providers notify late, twice, out of order or
 * not at all, attackers forge notifications, the clock crosses the 22:00 window and order
 * expiries, cards are lost, provider calls time out, and the process dies at a chosen write,
 * before it or just after the commit that carries it (answer lost). Crashed calls are retried the
 * way a real client (same idempotency key) or provider (the same notification, until
 * acknowledged) retries them.
 *
 * A model runs beside the world. It knows the accounts, cards and every transfer the ledger must
 * hold, and after every step it checks:
 * - verifyLedger is clean: projections equal their transfers, nothing malformed or negative;
 * - no fen is created or lost: debits equal credits and the signed balances sum to zero;
 * - the ledger holds exactly the transfers the model expects (same ids, accounts, amounts), and
 *   every balance (rebuilt from transfers and read through the projections) equals the model's;
 * - every order moved only as the rules allow (credited only when the provider was paid, to the
 *   destination the rules name at credit time; closed only when unpaid and expired; a crashed
 *   operation committed all of its effects or none), and every answer is the one the rules give.
 * At the end every pending notification is delivered, every order polled past its expiry, the
 * scheduler runs on the next mornings, and every order the providers were paid for is credited
 * exactly once or refunded; the providers' statements reconcile without a discrepancy.
 *
 * What the model may read from the system: the order documents (their status, and `queriedAt`,
 * which decides whether a poll asks the provider) and the ledger, which it checks rather than
 * believes. The providers' state is the environment's: the emulators are asked directly.
 *
 * The scheduler function (core/money/{closeExpired,reconcile,refunds}) runs as a step and in the
 * drain; WeChat Pay can report a payment for an order it had closed, which must end owed back,
 * refunded and settled from the next day's bill. Not generated yet (extension points): an Alipay
 * payment after its close (the sandbox has no hook to land one; add a step beside `lateLanding`
 * once it has), and payments no order of ours can take (orphans: a step that makes the merchant
 * emulator hold a paid order we never opened, and `refund_due:<provider>:<trade no>` /
 * `refund_paid:…` transfers in the model for the orphanPayments records).
 */
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { fenToYuan } from '../../cloudfunctions/adapters/alipay/alipayStatement'
import { wechatPayCallbackSource } from '../../cloudfunctions/adapters/wechatPay/notification'
import { formatWireTime } from '../../cloudfunctions/adapters/wechatPay/wire'
import { collections, type RateLimitDoc, type TransferDoc } from '../../cloudfunctions/core/documents'
import { balanceOf, balancesOf, verifyLedger, type LedgerAccount } from '../../cloudfunctions/core/ledger'
import type { FundsTarget, RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { providerQueryIntervalMs, rechargeOrderTtlMs } from '../../cloudfunctions/core/money/recharge'
import { applyRateRule, rateLimitId } from '../../cloudfunctions/core/rateLimits'
import { requestKeyDocId } from '../../cloudfunctions/core/requestKeys'
import { rechargeOrderRules } from '../../cloudfunctions/functions/api/actions/money'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import type { AllocationResult, RechargeLaunch, RechargeOrderView } from '../../types/actions/money'
import type { RechargeStatus } from '../../types/moneyRules'
import type { ApiResult } from '../../types/api'
import type { ErrorCode } from '../../types/errors'
import { fen } from '../../types/money'
import type { CrashPlan } from './faultyStore'
import type { ProviderFault } from './faultyGateway'
import {
  describeStep,
  scenarioArbitrary,
  type Channel,
  type Forgery,
  type PlanPick,
  type Step,
  type TargetPick,
} from './steps'
import { eraCount, fixtures, openWorld, type Adapter, type SharedProviders, type World } from './world'

export { adapters, startSharedProviders, type Adapter, type SharedProviders } from './world'
export { scenarioArbitrary, type Step } from './steps'

/** How often each path was taken, over every scenario run with the same counter. */
export type SimulationStats = Record<string, number>

/** A check of the simulation failed: what, and the values that show it. */
export class Violation extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(details === undefined ? message : `${message}\n${JSON.stringify(details, null, 2)}`)
    this.name = 'Violation'
  }
}

/** A failed scenario: the step it failed at and what happened before it. */
export class SimulationFailure extends Error {
  constructor(
    readonly adapter: Adapter,
    readonly stepIndex: number,
    override readonly cause: unknown,
    readonly trace: readonly string[],
  ) {
    const where = stepIndex < 0 ? 'in the final drain' : `at step ${stepIndex}`
    const why = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)
    super(`simulation on ${adapter} failed ${where}:\n${why}\n--- trace ---\n${trace.slice(-40).join('\n')}`)
    this.name = 'SimulationFailure'
  }
}

function check(condition: unknown, message: string, details?: unknown): asserts condition {
  if (!condition) throw new Violation(message, details)
}

function same(actual: unknown, expected: unknown, message: string): void {
  if (!isDeepStrictEqual(actual, expected)) throw new Violation(message, { actual, expected })
}

const ttl = rechargeOrderTtlMs
const hour = 3600_000

/** 22:00–02:00 Beijing time (UTC+8, no daylight saving) takes no new recharge order. */
function rechargeOpen(ms: number): boolean {
  const beijingHour = new Date(ms + 8 * hour).getUTCHours()
  return beijingHour >= 2 && beijingHour < 22
}

/** 分配全部可用余额: parts differ by at most a fen, remainders to the first cards, no zero parts. */
function splitEvenly(total: number, count: number): number[] {
  const base = Math.floor(total / count)
  const remainder = total - base * count
  return Array.from({ length: count }, (_, i) => base + (i < remainder ? 1 : 0)).filter((p) => p > 0)
}

/** Clearing accounts are assets (debit-normal); every other account is credit-normal. */
const debitNormal = (key: string) => key.startsWith('clearing:')

async function readAll<T extends Doc>(store: Store, collection: string): Promise<T[]> {
  const docs: T[] = []
  let after: string | undefined
  do {
    const page = await store.query<T>(collection, { limit: maxQueryLimit, after })
    docs.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return docs
}

type RequestTarget = { kind: 'account' } | { kind: 'card'; cardId: string }

interface RechargeRequest {
  key: string
  target: RequestTarget
  amount: number
  channel: Channel
}

/** A recharge key as the client knows it: its order once an answer named it. */
interface KeyState {
  accountId: string
  request: RechargeRequest
  /** When the client first sent it: an order it made is no older. */
  firstAt: number
  orderNo: string | null
  /** Sent at least once without an answer naming the order: the store may hold one. */
  inDoubt: boolean
}

interface ModelCard {
  id: string
  accountId: string
  plate: string
  type: 'stored' | 'credit'
  status: 'issued' | 'lost' | 'frozen' | 'cancelled'
  scope: 'current' | 'history'
}

interface ModelOrder {
  no: string
  key: string
  accountId: string
  target: RequestTarget
  amount: number
  channel: Channel
  createdAt: number
  expiresAt: number
  status: RechargeStatus
  creditedTo: FundsTarget | null
  /** As the order document says: a poll within 3 s of it does not ask the provider. */
  queriedAt: number | null
}

interface ModelTransfer {
  id: string
  debit: string
  credit: string
  amount: number
  reason: string
  ref: string
}

type AllocationPlan =
  | { mode: 'even'; perCard: number }
  | { mode: 'all' }
  | { mode: 'custom'; items: Array<{ cardId: string; amount: number }> }

interface AllocationState {
  accountId: string
  key: string
  plan: AllocationPlan
  result: { allocationId: string; total: number; parts: Array<{ cardId: string; amount: number }> } | null
}

type AllocationPrediction =
  | { error: ErrorCode }
  | { existing: NonNullable<AllocationState['result']> }
  | { parts: Array<{ cardId: string; amount: number }>; total: number }

type CreatePrediction = (
  | { error: ErrorCode }
  /** A new order, or the key's existing one (known, or in doubt). */
  | { existing: ModelOrder | null; inDoubt: boolean }
) & {
  /** The request counts against the account's new-order limits (its key made no order yet). */
  admitted: boolean
  /** The account's limit counters before the call, by rule. */
  counters: number[]
}

/** What the provider knows of an order (the environment, not the system under test). */
interface ProviderView {
  /** The payer's money arrived (refunded since or not). */
  paid: boolean
  /** Paid back to the payer, in full, under the order's refund number. */
  refunded: boolean
  /** Unpaid and no longer payable: closed by us, or (Alipay) timed out. */
  closed: boolean
  payable: boolean
  tradeNo: string | null
}

/** The refund number of an order paid after its close (refunds.ts: the same on every retry). */
const refundNoOf = (orderNo: string) => `F${orderNo.slice(1)}`

export class Simulation {
  readonly trace: string[] = []
  private readonly transfers = new Map<string, ModelTransfer>()
  private readonly orders = new Map<string, ModelOrder>()
  private readonly keys = new Map<string, KeyState>()
  private readonly cards = new Map<string, ModelCard>()
  private readonly allocations: AllocationState[] = []
  /** Orders whose payment notification a provider still owes (until acknowledged). */
  private readonly deliveries: string[] = []
  /** Statuses each order may have after the running step (default: unchanged). */
  private readonly allowed = new Map<string, RechargeStatus[]>()
  private keySequence = 0
  private forgedSequence = 0
  private lateSequence = 0

  constructor(
    readonly world: World,
    readonly stats: SimulationStats,
  ) {
    for (const account of fixtures) {
      if (account.funds > 0) {
        this.post({
          id: `opening:user:${account.id}`,
          debit: 'opening',
          credit: `user:${account.id}`,
          amount: account.funds,
          reason: 'opening',
          ref: `opening-${account.id}`,
        })
      }
      for (const card of account.cards) {
        this.cards.set(card.id, { ...card, accountId: account.id })
        if (card.unloaded > 0) {
          this.post({
            id: `opening:card:${card.id}`,
            debit: 'opening',
            credit: `card-unloaded:${card.id}`,
            amount: card.unloaded,
            reason: 'opening',
            ref: `opening-${card.id}`,
          })
        }
      }
    }
  }

  private get now(): number {
    return this.world.clock.ms
  }

  private count(path: string): void {
    this.stats[path] = (this.stats[path] ?? 0) + 1
  }

  private note(line: string): void {
    this.trace.push(line)
  }

  // ---- the ledger the model expects ----

  private post(transfer: ModelTransfer): void {
    check(!this.transfers.has(transfer.id), `the model posted ${transfer.id} twice`)
    this.transfers.set(transfer.id, transfer)
  }

  /** Normal-side balance of every account the model's transfers touch. */
  private balances(): Map<string, number> {
    const out = new Map<string, number>()
    const add = (key: string, delta: number) => out.set(key, (out.get(key) ?? 0) + delta)
    for (const t of this.transfers.values()) {
      add(t.debit, debitNormal(t.debit) ? t.amount : -t.amount)
      add(t.credit, debitNormal(t.credit) ? -t.amount : t.amount)
    }
    return out
  }

  private funds(accountId: string): number {
    return this.balances().get(`user:${accountId}`) ?? 0
  }

  /** After every step: the ledger is sound, conserves money, and holds exactly what the model says. */
  async checkLedger(): Promise<void> {
    const store = this.world.store
    const report = await verifyLedger(store)
    check(report.ok, 'verifyLedger reports a problem', {
      mismatches: report.mismatches,
      malformed: report.malformed,
      negative: report.negative,
    })
    check(report.totalDebits === report.totalCredits, 'debits and credits differ', report)
    let signedSum = 0
    for (const [key, balance] of report.balances) signedSum += debitNormal(key) ? balance : -balance
    check(signedSum === 0, `fen created or lost: signed balances sum to ${signedSum}`)

    const actual = await readAll<TransferDoc & Doc>(store, collections.ledgerTransfers)
    const byId = new Map(actual.map((t) => [t.id, t]))
    const unexpected = actual.filter((t) => !this.transfers.has(t.id))
    const missing = [...this.transfers.keys()].filter((id) => !byId.has(id))
    check(
      unexpected.length === 0 && missing.length === 0,
      'the ledger holds other transfers than the model',
      {
        unexpected,
        missing,
      },
    )
    for (const expected of this.transfers.values()) {
      const t = byId.get(expected.id)!
      same(
        { id: t.id, debit: t.debit, credit: t.credit, amount: t.amount, reason: t.reason, ref: t.ref },
        expected,
        `transfer ${expected.id} differs from the model's`,
      )
    }

    const expected = this.balances()
    for (const key of new Set([...expected.keys(), ...report.balances.keys()])) {
      same(
        report.balances.get(key) ?? 0,
        expected.get(key) ?? 0,
        `balance of ${key} (rebuilt from transfers)`,
      )
    }
    // the projections, read the way the api reads them
    const cold: LedgerAccount[] = [
      ...fixtures.map((a): LedgerAccount => ({ kind: 'userFunds', accountId: a.id })),
      ...[...this.cards.keys()].map((cardId): LedgerAccount => ({ kind: 'cardUnloaded', cardId })),
    ]
    const projected = await balancesOf(store, cold)
    for (const [key, balance] of projected) {
      same(balance, expected.get(key) ?? 0, `balance of ${key} (projection)`)
    }
  }

  // ---- orders ----

  private provider(order: ModelOrder): ProviderView {
    if (order.channel === 'wechat') {
      const o = this.world.merchant.order(order.no)
      if (!o) return { paid: false, refunded: false, closed: false, payable: false, tradeNo: null }
      const paid = o.state === 'SUCCESS' || o.state === 'REFUND'
      const refunded = o.refunds.reduce((sum, r) => sum + r.amount, 0)
      check(
        o.refunds.every((r) => r.refundNo === refundNoOf(order.no)) && refunded <= order.amount,
        `WeChat refunded ${order.no} under another number, or more than was paid`,
        o.refunds,
      )
      return {
        paid,
        refunded: refunded === order.amount,
        closed: o.state === 'CLOSED',
        // the emulator refuses a payment after time_expire (at > expiresAt)
        payable: o.state === 'NOTPAY' && (!o.expiresAt || this.now <= o.expiresAt.getTime()),
        tradeNo: o.transactionId ?? null,
      }
    }
    const trade = this.world.sandbox.trade(order.no)
    if (!trade) return { paid: false, refunded: false, closed: false, payable: false, tradeNo: null }
    const refunded = trade.refunds.reduce((sum, r) => sum + r.amount, 0)
    check(
      trade.refunds.every((r) => r.refundNo === refundNoOf(order.no)) && refunded <= order.amount,
      `Alipay refunded ${order.no} under another number, or more than was paid`,
      trade.refunds,
    )
    return {
      paid: trade.paidAt !== null,
      refunded: refunded === order.amount,
      closed: trade.paidAt === null && trade.status === 'TRADE_CLOSED',
      payable: trade.status === 'WAIT_BUYER_PAY',
      tradeNo: trade.paidAt ? trade.tradeNo : null,
    }
  }

  /** Where a credit goes if it happens now (seed §2.8.1 and the issue's rules). */
  private destination(order: ModelOrder): FundsTarget {
    if (order.target.kind === 'card') {
      const card = this.cards.get(order.target.cardId)
      return card && card.accountId === order.accountId && card.type === 'stored' && card.status === 'issued'
        ? { kind: 'card', cardId: card.id }
        : { kind: 'account' }
    }
    const stored = [...this.cards.values()].filter(
      (c) => c.accountId === order.accountId && c.scope === 'current' && c.type === 'stored',
    )
    return stored.length === 1 && stored[0].status === 'issued'
      ? { kind: 'card', cardId: stored[0].id }
      : { kind: 'account' }
  }

  /** The status a genuine payment notification (or a poll that finds it paid) leads to. */
  private afterPayment(order: ModelOrder): RechargeStatus {
    if (order.status === 'pending') return 'paid'
    if (order.status === 'closed') return 'refunding'
    return order.status
  }

  /**
   * What the provider's genuine notification of a paid order leads to. After a refund, WeChat's
   * (re-sent) success notification is answered REFUND by queryOrder: the refund is the durable
   * outcome, acknowledged, nothing changes; Alipay notifies the trade's state, TRADE_CLOSED, which
   * is acknowledged and changes nothing.
   */
  private onNotification(order: ModelOrder): RechargeStatus {
    return this.provider(order).refunded ? order.status : this.afterPayment(order)
  }

  private allow(order: ModelOrder, statuses: RechargeStatus[]): void {
    this.allowed.set(order.no, [...new Set(statuses)])
  }

  /** Reads every order back and checks it moved only as allowed; applies what it implies. */
  async reconcileOrders(): Promise<void> {
    for (const order of this.orders.values()) {
      const doc = await this.world.store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, order.no)
      check(doc, `order ${order.no} vanished`)
      same(
        { accountId: doc.accountId, amount: doc.amount, channel: doc.channel, target: doc.target },
        { accountId: order.accountId, amount: order.amount, channel: order.channel, target: order.target },
        `order ${order.no} changed what was ordered`,
      )
      const allowed = this.allowed.get(order.no) ?? [order.status]
      check(
        allowed.includes(doc.status),
        `order ${order.no} is ${doc.status}, expected ${allowed.join(' or ')}`,
        {
          before: order.status,
          doc,
        },
      )
      if (doc.status !== order.status) this.transition(order, doc)
      else if (doc.status === 'paid')
        same(doc.creditedTo, order.creditedTo, `order ${order.no} credited elsewhere`)
      order.queriedAt = doc.queriedAt ? Date.parse(doc.queriedAt) : null
    }
    this.allowed.clear()
  }

  /**
   * An order changed status during this step: is the change allowed, and what must the ledger hold?
   * pending → paid, or along pending → closed → refunding → refunded (one step, e.g. a scheduler
   * run, may take several of these).
   */
  private transition(order: ModelOrder, doc: RechargeOrderDoc): void {
    const from = order.status
    const to = doc.status
    const provider = this.provider(order)
    const chain: RechargeStatus[] = ['pending', 'closed', 'refunding', 'refunded']
    if (from !== 'pending' || to !== 'paid') {
      const [start, end] = [chain.indexOf(from), chain.indexOf(to)]
      check(start >= 0 && end > start, `order ${order.no} went from ${from} to ${to}`, doc)
      for (let i = start; i < end; i++) this.hop(order, doc, chain[i], provider)
      order.status = to
      return
    }
    this.credit(order, doc, provider)
    order.status = to
  }

  /** pending → paid: the recharge transfer, and the automatic allocation to an account's only card. */
  private credit(order: ModelOrder, doc: RechargeOrderDoc, provider: ProviderView): void {
    const clearing = `clearing:${order.channel}`
    check(provider.paid, `order ${order.no} credited, but the provider was never paid`)
    check(doc.providerTradeNo === provider.tradeNo, `order ${order.no} credited with another trade number`, {
      doc: doc.providerTradeNo,
      provider: provider.tradeNo,
    })
    const destination = this.destination(order)
    same(doc.creditedTo, destination, `order ${order.no} credited to the wrong place`)
    const userFunds = `user:${order.accountId}`
    if (order.target.kind === 'card') {
      this.post({
        id: `recharge:${order.no}`,
        debit: clearing,
        credit: destination.kind === 'card' ? `card-unloaded:${destination.cardId}` : userFunds,
        amount: order.amount,
        reason: 'recharge',
        ref: order.no,
      })
      this.count(
        destination.kind === 'card' ? 'credit:to the card' : 'credit:card not issued, to the account',
      )
    } else {
      this.post({
        id: `recharge:${order.no}`,
        debit: clearing,
        credit: userFunds,
        amount: order.amount,
        reason: 'recharge',
        ref: order.no,
      })
      if (destination.kind === 'card') {
        this.post({
          id: `allocation:auto-${order.no}:${destination.cardId}`,
          debit: userFunds,
          credit: `card-unloaded:${destination.cardId}`,
          amount: order.amount,
          reason: 'allocation',
          ref: `auto-${order.no}`,
        })
        this.count('credit:to the account, allocated to its only card')
      } else {
        this.count('credit:to the account')
      }
    }
    if (this.now > order.expiresAt) this.count('credit:after the order expired')
    if (!rechargeOpen(this.now)) this.count('credit:inside 22:00–02:00')
    order.creditedTo = destination
  }

  /** One move along pending → closed → refunding → refunded. */
  private hop(order: ModelOrder, doc: RechargeOrderDoc, from: RechargeStatus, provider: ProviderView): void {
    const clearing = `clearing:${order.channel}`
    const refunds = `refunds:${order.channel}`
    if (from === 'pending') {
      // closed now, or closed and then paid after all (the payment landed after the close)
      if (doc.status === 'closed')
        check(!provider.paid, `order ${order.no} closed, but the provider was paid`)
      check(
        this.now >= order.expiresAt || provider.closed,
        `order ${order.no} closed before it expired while the provider still takes payment`,
      )
      this.count('close:unpaid order closed')
    } else if (from === 'closed') {
      check(provider.paid, `order ${order.no} owes a refund, but the provider was never paid`)
      same(doc.refundNo, refundNoOf(order.no), `order ${order.no}: refund number`)
      this.post({
        id: `refund_due:${order.no}`,
        debit: clearing,
        credit: refunds,
        amount: order.amount,
        reason: 'refund_due',
        ref: order.no,
      })
      this.count('refund:owed for a payment after the close')
    } else {
      check(provider.refunded, `order ${order.no} settled as refunded, but the provider has not refunded it`)
      this.post({
        id: `refund_paid:${order.no}`,
        debit: refunds,
        credit: clearing,
        amount: order.amount,
        reason: 'refund_paid',
        ref: order.no,
      })
      this.count(`refund:${order.channel} refund paid back and settled`)
    }
  }

  // ---- the api ----

  private caller(accountId: string) {
    const caller = this.world.callers.get(accountId)
    check(caller, `no caller for ${accountId}`)
    return caller
  }

  private async call(action: string, payload: unknown, accountId: string): Promise<ApiResult> {
    this.world.apiErrors.length = 0
    return this.world.api.handle({ action, payload }, this.caller(accountId))
  }

  /** An answer the rules name: an error code, or success. */
  private outcome(result: ApiResult): string {
    return result.ok ? 'ok' : result.error.code
  }

  private expectError(result: ApiResult, code: ErrorCode, what: string): void {
    if (!result.ok && result.error.code === code) return
    throw new Violation(`${what}: expected ${code}, got ${this.outcome(result)}`, {
      result,
      apiErrors: this.world.apiErrors.map(String),
    })
  }

  private expectOk<T>(result: ApiResult, what: string): T {
    if (result.ok) return result.data as T
    throw new Violation(`${what}: expected success, got ${result.error.code}`, {
      result,
      apiErrors: this.world.apiErrors.map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e))),
    })
  }

  private arm(crash: CrashPlan | null, channel: Channel | null, fault: ProviderFault | null): void {
    this.world.faulty.arm(crash)
    this.world.gateways.wechat.arm(channel === 'wechat' ? fault : null)
    this.world.gateways.alipay.arm(channel === 'alipay' ? fault : null)
  }

  /** What the last operation met: the crash that fired, the provider call that timed out. */
  private disarm(operation: string): { crashed: boolean; providerHit: boolean } {
    const crashed = this.world.faulty.fired !== null
    const hit = this.world.gateways.wechat.hit ?? this.world.gateways.alipay.hit
    if (crashed) this.count(`fault:crash ${this.world.faulty.fired!.mode} in ${operation}`)
    if (hit) this.count(`fault:provider ${hit} timed out in ${operation}`)
    const providerHit = hit !== null
    this.world.faulty.arm(null)
    this.world.gateways.wechat.arm(null)
    this.world.gateways.alipay.arm(null)
    return { crashed, providerHit }
  }

  // ---- recharge ----

  private newKey(): string {
    this.keySequence += 1
    return `sim-key-${String(this.keySequence).padStart(6, '0')}`
  }

  private resolveTarget(accountId: string, pick: TargetPick): RequestTarget {
    if (pick.kind === 'account') return { kind: 'account' }
    const cards = [...this.cards.values()].filter((c) =>
      pick.kind === 'own' ? c.accountId === accountId : c.accountId !== accountId,
    )
    return { kind: 'card', cardId: cards[pick.card % cards.length].id }
  }

  /** The account's new-order counters in their current windows (5 a minute, 50 a day). */
  private async rateCounters(accountId: string): Promise<number[]> {
    const now = new Date(this.now)
    return Promise.all(
      rechargeOrderRules.map(async (rule) => {
        const doc = await this.world.store.get<RateLimitDoc & Doc>(
          collections.rateLimits,
          rateLimitId(rule, accountId),
        )
        return doc && doc.window === rule.window(now) ? doc.count : 0
      }),
    )
  }

  private async predictCreate(accountId: string, request: RechargeRequest): Promise<CreatePrediction> {
    const counters = await this.rateCounters(accountId)
    const refuse = (error: ErrorCode): CreatePrediction => ({ error, admitted: false, counters })
    if (!Number.isSafeInteger(request.amount) || request.amount < 1 || request.amount > 10_000_000)
      return refuse('INVALID_INPUT')
    // a key that made its order is never counted nor refused by the rules of new orders (the
    // window, the card's state, the limits): it answers that order, or REQUEST_KEY_REUSED
    const keyDoc = await this.world.store.get(
      collections.rechargeKeys,
      requestKeyDocId(accountId, 'recharge', request.key),
    )
    const admitted = keyDoc === null
    if (admitted) {
      if (!rechargeOpen(this.now)) return refuse('RECHARGE_CLOSED')
      if (request.target.kind === 'card') {
        const card = this.cards.get(request.target.cardId)
        if (!card || card.accountId !== accountId) return refuse('NOT_FOUND')
        if (card.type !== 'stored' || card.status !== 'issued') return refuse('CARD_CANNOT_RECEIVE')
      }
      const now = new Date(this.now)
      for (const rule of rechargeOrderRules) {
        const doc = await this.world.store.get<RateLimitDoc & Doc>(
          collections.rateLimits,
          rateLimitId(rule, accountId),
        )
        if (!applyRateRule(doc, rule, accountId, now).allowed) return refuse('RATE_LIMITED')
      }
    }
    const prior = this.keys.get(request.key)
    check(
      !prior?.orderNo || keyDoc !== null,
      `key ${request.key} made ${prior?.orderNo} but its record is gone`,
    )
    if (!prior) return { existing: null, inDoubt: false, admitted, counters }
    if (!isDeepStrictEqual(prior.request, request)) {
      check(prior.orderNo !== null, 'a changed request is only sent under a key with a known order')
      return { error: 'REQUEST_KEY_REUSED', admitted, counters }
    }
    return prior.orderNo
      ? { existing: this.orders.get(prior.orderNo)!, inDoubt: false, admitted, counters }
      : { existing: null, inDoubt: prior.inDoubt, admitted, counters }
  }

  /** recharge.create as the client sends it: after a lost answer, once more at once or later. */
  private async create(
    accountId: string,
    request: RechargeRequest,
    crash: CrashPlan | null,
    fault: ProviderFault | null,
    retry: 'now' | 'later',
  ): Promise<string> {
    let key = this.keys.get(request.key)
    if (!key) {
      key = { accountId, request, firstAt: this.now, orderNo: null, inDoubt: false }
      this.keys.set(request.key, key)
    }
    for (let attempt = 0; ; attempt++) {
      const predicted = await this.predictCreate(accountId, request)
      this.arm(attempt === 0 ? crash : null, request.channel, attempt === 0 ? fault : null)
      const result = await this.call('recharge.create', request, accountId)
      const { crashed, providerHit } = this.disarm('recharge.create')
      if (crashed) {
        this.expectError(result, 'INTERNAL', 'recharge.create that crashed')
        if (isDeepStrictEqual(key.request, request) && !key.orderNo) key.inDoubt = true
        if (retry === 'now' && attempt < 2) continue
        return 'crashed, retry later'
      }
      // an admitted request counts once against every limit; anything else counts nothing
      const counters = await this.rateCounters(accountId)
      same(
        counters,
        predicted.counters.map((n) => n + (predicted.admitted ? 1 : 0)),
        `new-order counters of ${accountId} after recharge.create`,
      )
      return this.checkCreate(key, request, predicted, result, providerHit)
    }
  }

  private checkCreate(
    key: KeyState,
    request: RechargeRequest,
    predicted: CreatePrediction,
    result: ApiResult,
    providerHit: boolean,
  ): string {
    if ('error' in predicted) {
      this.expectError(result, predicted.error, 'recharge.create')
      this.count(`recharge:${predicted.error}`)
      return predicted.error
    }
    if (!result.ok && result.error.code === 'PAYMENT_UNAVAILABLE') {
      // the provider could not be reached, or the order the lost answer made has expired since
      // (Alipay closes it; the scheduler closes it): it takes no payment now
      const mayRefuse = providerHit || (predicted.inDoubt && this.now >= key.firstAt + ttl)
      check(mayRefuse, 'recharge.create answered PAYMENT_UNAVAILABLE with the provider up', result)
      if (!key.orderNo) key.inDoubt = true
      this.count('recharge:PAYMENT_UNAVAILABLE')
      return 'PAYMENT_UNAVAILABLE'
    }
    const launch = this.expectOk<RechargeLaunch>(result, 'recharge.create')
    const view = launch.order
    same(launch.launch.provider, request.channel, 'the launch is for another provider')
    same(
      {
        amount: view.amount,
        channel: view.channel,
        target: view.target.kind === 'card' ? view.target.cardId : null,
      },
      {
        amount: request.amount,
        channel: request.channel,
        target: request.target.kind === 'card' ? request.target.cardId : null,
      },
      'recharge.create answered another order',
    )
    if (predicted.existing) {
      same(view.orderNo, predicted.existing.no, 'the same key answered another order')
      same(view.status, predicted.existing.status, 'the same key answered another status')
      this.count('recharge:same key, same order')
      return `ok ${view.orderNo} (again)`
    }
    check(!this.orders.has(view.orderNo), `a new key answered the known order ${view.orderNo}`)
    const createdAt = Date.parse(view.createdAt)
    check(
      createdAt >= key.firstAt && createdAt <= this.now,
      'the order was made before the key was first sent, or in the future',
      { createdAt: view.createdAt, firstAt: new Date(key.firstAt).toISOString() },
    )
    same(Date.parse(view.expiresAt), createdAt + ttl, 'the order expires at another time')
    // the order a lost answer made may have expired and been closed by the scheduler since
    const closedSince = predicted.inDoubt && view.status === 'closed' && this.now >= createdAt + ttl
    check(view.status === 'pending' || closedSince, `a new order is ${view.status}`)
    key.orderNo = view.orderNo
    key.inDoubt = false
    this.orders.set(view.orderNo, {
      no: view.orderNo,
      key: request.key,
      accountId: key.accountId,
      target: request.target,
      amount: request.amount,
      channel: request.channel,
      createdAt,
      expiresAt: createdAt + ttl,
      status: view.status,
      creditedTo: null,
      queriedAt: null,
    })
    this.count(predicted.inDoubt ? 'recharge:recovered after a lost answer' : 'recharge:ok')
    return `ok ${view.orderNo}`
  }

  // ---- the providers ----

  private queuedOrders(): ModelOrder[] {
    return [...new Set(this.deliveries)].map((no) => this.orders.get(no)!)
  }

  private paidOrders(): ModelOrder[] {
    return [...this.orders.values()].filter((o) => this.provider(o).paid)
  }

  private dequeue(no: string): void {
    const at = this.deliveries.indexOf(no)
    if (at >= 0) this.deliveries.splice(at, 1)
  }

  private async pay(pick: number): Promise<string> {
    const payable = [...this.orders.values()].filter((o) => this.provider(o).payable)
    if (payable.length === 0) return 'nothing to pay'
    const order = payable[pick % payable.length]
    if (order.channel === 'wechat') this.world.merchant.pay(order.no)
    else this.world.sandbox.pay(order.no)
    this.deliveries.push(order.no)
    this.count('pay:payer paid')
    return `paid ${order.no}`
  }

  /** One genuine notification of a paid order, as the provider sends it. */
  private async notify(
    order: ModelOrder,
    form: { casing: 'camel' | 'snake'; amountAs: 'number' | 'string' },
  ): Promise<boolean> {
    if (order.channel === 'wechat') {
      const event = this.world.merchant.callbackEvent(order.no, form)
      return (await this.world.payNotify(event, wechatPayCallbackSource)).errcode === 0
    }
    return (await this.world.alipayNotify(this.world.sandbox.notificationBodyFor(order.no))) === 'success'
  }

  private async deliver(step: Extract<Step, { kind: 'deliver' }>): Promise<string> {
    const candidates = step.from === 'queue' ? this.queuedOrders() : this.paidOrders()
    if (candidates.length === 0) return 'nothing to deliver'
    const order = candidates[step.pick % candidates.length]
    const expected = this.onNotification(order)
    const queued = this.deliveries.includes(order.no)
    this.arm(step.crash, order.channel, step.provider)
    const acked = await this.notify(order, step)
    const { crashed, providerHit } = this.disarm(`${order.channel} notification`)
    if (crashed || providerHit) {
      check(!acked, 'a notification that crashed was acknowledged')
      this.allow(order, [order.status, expected])
      if (!queued) this.deliveries.push(order.no)
    } else {
      check(
        acked,
        `the genuine notification of ${order.no} was not acknowledged`,
        this.world.notifyLog.slice(-3),
      )
      this.allow(order, [expected])
      if (!step.keep) this.dequeue(order.no)
      this.count(queued ? 'notify:acknowledged' : 'notify:duplicate acknowledged')
      if (order.status !== 'pending') this.count(`notify:after ${order.status}`)
    }
    return `${order.channel} notification of ${order.no}: ${acked ? 'acknowledged' : 'not acknowledged'}`
  }

  private async burst(pick: number, copies: number): Promise<string> {
    const candidates = this.paidOrders()
    if (candidates.length === 0) return 'nothing to deliver'
    const order = candidates[pick % candidates.length]
    const expected = this.onNotification(order)
    const answers = await Promise.all(
      Array.from({ length: copies }, (_, i) =>
        this.notify(order, { casing: i % 2 ? 'snake' : 'camel', amountAs: 'number' }),
      ),
    )
    const acked = answers.filter(Boolean).length
    // a transaction that gives up after too many conflicts answers "retry", nothing else
    this.allow(order, acked > 0 ? [expected] : [order.status, expected])
    if (acked === copies) this.dequeue(order.no)
    else if (!this.deliveries.includes(order.no)) this.deliveries.push(order.no)
    this.count('notify:concurrent copies')
    return `${copies} concurrent notifications of ${order.no}: ${acked} acknowledged`
  }

  private forgedOrderNo(): string {
    this.forgedSequence += 1
    return `R20261130100000${String(900_000_000 + this.forgedSequence)}`
  }

  /** A forged or mismatched notification: never credits, never changes an order. */
  private async forge(forgery: Forgery, pick: number, crash: CrashPlan | null): Promise<string> {
    const orders = [...this.orders.values()].filter((o) => o.channel === forgery.channel)
    const chosen = (list: ModelOrder[]) => (list.length > 0 ? list[pick % list.length] : null)
    let send: (() => Promise<boolean>) | null = null
    let acknowledged = false
    if (forgery.channel === 'wechat') {
      const merchant = this.world.merchant
      const unpaid = orders.filter((o) => !this.provider(o).paid)
      const order = forgery.kind === 'unpaidOrder' ? chosen(unpaid) : chosen(orders)
      const eventFor = (
        o: ModelOrder | null,
        overrides: Record<string, unknown>,
        source = wechatPayCallbackSource,
      ) => {
        const paid = o ? merchant.order(o.no) : undefined
        const amount = o?.amount ?? 100
        const event = {
          returnCode: 'SUCCESS',
          resultCode: 'SUCCESS',
          appid: merchant.providerAppId,
          mchId: merchant.providerMchId,
          subAppid: merchant.subAppId,
          subMchId: merchant.subMchId,
          nonceStr: 'forged',
          subOpenid: paid?.payerOpenid ?? 'o-attacker',
          tradeType: 'JSAPI',
          bankType: 'OTHERS',
          totalFee: amount,
          cashFee: amount,
          feeType: 'CNY',
          transactionId: paid?.transactionId ?? '4200000000000000000000000001',
          outTradeNo: o?.no ?? this.forgedOrderNo(),
          timeEnd: formatWireTime(paid?.paidAt ?? new Date(this.now)),
          ...overrides,
        }
        return async () => (await this.world.payNotify(event, source)).errcode === 0
      }
      switch (forgery.kind) {
        case 'wrongSource':
          if (order) send = eventFor(order, {}, pick % 2 ? 'wx_client' : 'wx_http')
          break
        case 'otherApp':
          if (order) send = eventFor(order, { subAppid: 'wx0000000000000001' })
          break
        case 'wrongAmount':
          if (order) send = eventFor(order, { totalFee: order.amount + 1, cashFee: order.amount + 1 })
          break
        case 'wrongTrade':
          if (order) send = eventFor(order, { transactionId: '4200000000000000000000009999' })
          break
        case 'wrongMerchant':
          if (order) {
            send = eventFor(order, { subMchId: '1900000999' })
            // the query confirms the payment (or its refund); the merchant is refused, recorded (acknowledged)
            acknowledged = this.provider(order).paid
          }
          break
        case 'unpaidOrder':
          if (order) send = eventFor(order, {})
          break
        case 'unknownOrder':
          send = eventFor(null, {})
          break
      }
    } else {
      const sandbox = this.world.sandbox
      const yuan = (amount: number) => fenToYuan(fen(amount))
      const order =
        forgery.kind === 'closedNotice'
          ? chosen(orders.filter((o) => this.provider(o).closed))
          : chosen(orders)
      const body =
        (o: ModelOrder, overrides: Record<string, string>, signing: 'alipay' | 'stranger' | 'tampered') =>
        async () =>
          (await this.world.alipayNotify(sandbox.notificationBodyFor(o.no, overrides, signing))) === 'success'
      if (order) {
        switch (forgery.kind) {
          case 'tampered':
            send = body(
              order,
              { total_amount: yuan(order.amount + 100), trade_status: 'TRADE_SUCCESS' },
              'tampered',
            )
            break
          case 'stranger':
            send = body(order, { trade_status: 'TRADE_SUCCESS' }, 'stranger')
            break
          case 'otherApp':
            send = body(order, { app_id: '2021000000009999', auth_app_id: '2021000000009999' }, 'alipay')
            break
          // Alipay's own word, correctly signed but not matching the order: refused and recorded
          case 'wrongAmount':
            send = body(order, { total_amount: yuan(order.amount + 1) }, 'alipay')
            acknowledged = true
            break
          case 'wrongSeller':
            send = body(order, { seller_id: '2088000000009999' }, 'alipay')
            acknowledged = true
            break
          case 'unknownOrder':
            send = body(order, { out_trade_no: this.forgedOrderNo() }, 'alipay')
            acknowledged = true
            break
          case 'channelMismatch': {
            const wechat = [...this.orders.values()].filter((o) => o.channel === 'wechat')
            if (wechat.length > 0) {
              const other = wechat[pick % wechat.length]
              send = body(order, { out_trade_no: other.no, total_amount: yuan(other.amount) }, 'alipay')
              acknowledged = true
            }
            break
          }
          case 'closedNotice':
            send = body(order, {}, 'alipay')
            acknowledged = true
            break
        }
      }
    }
    if (!send) return `nothing to forge (${forgery.channel} ${forgery.kind})`
    this.arm(crash, null, null)
    const acked = await send()
    const { crashed } = this.disarm('a forged notification')
    same(acked, acknowledged && !crashed, `forged ${forgery.channel} ${forgery.kind}: acknowledgement`)
    this.count(`forge:${forgery.channel} ${forgery.kind} refused`)
    return `forged ${forgery.channel} ${forgery.kind}: ${acked ? 'recorded and acknowledged' : 'refused'}`
  }

  // ---- polls ----

  /** What recharge.status leaves the order as, with no fault (and whether it closes at the provider). */
  private predictPoll(order: ModelOrder): { status: RechargeStatus; closesAtProvider: boolean } {
    if (order.status !== 'pending') return { status: order.status, closesAtProvider: false }
    if (order.queriedAt !== null && this.now - order.queriedAt < providerQueryIntervalMs)
      return { status: 'pending', closesAtProvider: false }
    const provider = this.provider(order)
    if (provider.paid) return { status: 'paid', closesAtProvider: false }
    const expired = this.now >= order.expiresAt
    if (provider.closed) return { status: 'closed', closesAtProvider: false }
    if (expired) return { status: 'closed', closesAtProvider: true }
    return { status: 'pending', closesAtProvider: false }
  }

  private async poll(step: Extract<Step, { kind: 'poll' }>): Promise<string> {
    const orders = [...this.orders.values()]
    if (orders.length === 0) return 'nothing to poll'
    const order = orders[step.pick % orders.length]
    if (step.foreign) {
      const other = fixtures.find((a) => a.id !== order.accountId)!
      const result = await this.call('recharge.status', { orderNo: order.no }, other.id)
      this.expectError(result, 'NOT_FOUND', "another account's poll")
      this.count('poll:another account refused')
      return `poll of ${order.no} by ${other.id}: NOT_FOUND`
    }
    const before = order.status
    const predicted = this.predictPoll(order)
    let expected = predicted.status
    let race: ((no: string) => void) | undefined
    if (step.raceClose && predicted.closesAtProvider && order.channel === 'wechat') {
      // the payer paid in time; WeChat processes it as our close arrives: the close fails (ORDERPAID)
      race = (no) => {
        this.world.merchant.pay(no, { at: new Date(Math.min(this.now, order.expiresAt)) })
        this.deliveries.push(no)
      }
      expected = 'pending'
      this.count('poll:payment landed during the close')
    }
    this.arm(step.crash, order.channel, step.provider)
    if (race) this.world.gateways[order.channel].arm(step.provider, race)
    const result = await this.call('recharge.status', { orderNo: order.no }, order.accountId)
    const { crashed, providerHit } = this.disarm('recharge.status')
    const view = this.expectOk<RechargeOrderView>(result, 'recharge.status')
    if (crashed || providerHit) {
      this.allow(order, [before, expected])
      check([before, expected].includes(view.status), `poll answered ${view.status}`)
    } else {
      this.allow(order, [expected])
      same(view.status, expected, `poll of ${order.no}`)
      if (expected === 'paid' && before === 'pending') this.count('credit:found by a poll')
    }
    same(view.orderNo, order.no, 'poll answered another order')
    return `poll of ${order.no}: ${view.status}`
  }

  // ---- allocation ----

  private resolvePlan(accountId: string, pick: PlanPick): AllocationPlan {
    if (pick.mode !== 'custom')
      return pick.mode === 'all' ? { mode: 'all' } : { mode: 'even', perCard: pick.perCard }
    const own = [...this.cards.values()].filter((c) => c.accountId === accountId)
    const foreign = [...this.cards.values()].filter((c) => c.accountId !== accountId)
    return {
      mode: 'custom',
      items: pick.items.map((item) => {
        const from = item.foreign || own.length === 0 ? foreign : own
        return { cardId: from[item.card % from.length].id, amount: item.amount }
      }),
    }
  }

  private predictAllocation(state: AllocationState, plan: AllocationPlan): AllocationPrediction {
    const { accountId, key } = state
    if (plan.mode === 'custom') {
      const ids = plan.items.map((i) => i.cardId)
      if (new Set(ids).size !== ids.length) return { error: 'INVALID_INPUT' }
      if (ids.some((id) => this.cards.get(id)?.accountId !== accountId)) return { error: 'NOT_FOUND' }
    }
    const prior = this.allocations.find((a) => a.accountId === accountId && a.key === key && a.result)
    if (prior)
      return isDeepStrictEqual(prior.plan, plan)
        ? { existing: prior.result! }
        : { error: 'REQUEST_KEY_REUSED' }
    let parts: Array<{ cardId: string; amount: number }>
    if (plan.mode === 'custom') {
      for (const item of plan.items) {
        const card = this.cards.get(item.cardId)!
        if (card.type !== 'stored' || card.status !== 'issued') return { error: 'CARD_CANNOT_RECEIVE' }
      }
      parts = plan.items.map((i) => ({ cardId: i.cardId, amount: i.amount }))
    } else {
      const receiving = [...this.cards.values()]
        .filter(
          (c) =>
            c.accountId === accountId &&
            c.scope === 'current' &&
            c.type === 'stored' &&
            c.status === 'issued',
        )
        .sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : 0))
      if (receiving.length === 0) return { error: 'CARD_CANNOT_RECEIVE' }
      const amounts =
        plan.mode === 'even'
          ? receiving.map(() => plan.perCard)
          : splitEvenly(this.funds(accountId), receiving.length)
      if (amounts.length === 0) return { error: 'INSUFFICIENT_FUNDS' }
      parts = amounts.map((amount, i) => ({ cardId: receiving[i].id, amount }))
    }
    const total = parts.reduce((sum, p) => sum + p.amount, 0)
    if (total > this.funds(accountId)) return { error: 'INSUFFICIENT_FUNDS' }
    return { parts, total }
  }

  /** allocation.apply; after a lost answer the client sends the same request again at once. */
  private async allocate(
    state: AllocationState,
    plan: AllocationPlan,
    crash: CrashPlan | null,
  ): Promise<string> {
    const predicted = this.predictAllocation(state, plan)
    let result: ApiResult
    for (let attempt = 0; ; attempt++) {
      this.arm(attempt === 0 ? crash : null, null, null)
      result = await this.call('allocation.apply', { key: state.key, allocation: plan }, state.accountId)
      const { crashed } = this.disarm('allocation.apply')
      if (!crashed) break
      this.expectError(result, 'INTERNAL', 'allocation.apply that crashed')
    }
    if ('error' in predicted) {
      this.expectError(result, predicted.error, `allocation.apply ${plan.mode}`)
      this.count(`allocation:${predicted.error}`)
      return predicted.error
    }
    const answer = this.expectOk<AllocationResult>(result, `allocation.apply ${plan.mode}`)
    const parts = answer.parts.map((p) => ({ cardId: p.cardId, amount: p.amount }))
    if ('existing' in predicted) {
      same(
        { allocationId: answer.allocationId, total: answer.total, parts },
        predicted.existing,
        'a repeated allocation answered differently',
      )
      this.count('allocation:same key, same allocation')
    } else {
      same(
        { total: answer.total, parts },
        { total: predicted.total, parts: predicted.parts },
        `allocation ${plan.mode}`,
      )
      check(
        !this.allocations.some((a) => a.result?.allocationId === answer.allocationId),
        'a new key answered a known allocation',
      )
      for (const part of parts) {
        this.post({
          id: `allocation:${answer.allocationId}:${part.cardId}`,
          debit: `user:${state.accountId}`,
          credit: `card-unloaded:${part.cardId}`,
          amount: part.amount,
          reason: 'allocation',
          ref: answer.allocationId,
        })
      }
      state.plan = plan
      state.result = { allocationId: answer.allocationId, total: answer.total, parts }
      this.count(`allocation:${plan.mode}`)
    }
    same(answer.available, this.funds(state.accountId), 'available after the allocation')
    return `allocated ${answer.total} in ${parts.length} parts`
  }

  // ---- the scheduler ----

  /** One timer-triggered run of the scheduler function: every job's effect is judged by `transition`. */
  private async runScheduler(crash: CrashPlan | null): Promise<string> {
    const expired = [...this.orders.values()].filter((o) => o.status === 'pending' && o.expiresAt < this.now)
    for (const order of this.orders.values())
      this.allow(order, ['pending', 'paid', 'closed', 'refunding', 'refunded'])
    this.arm(crash, null, null)
    const run = await this.world.scheduler.run(new Date(this.now))
    const { crashed } = this.disarm('the scheduler')
    this.count('scheduler:run')
    if (crashed) return `scheduler crashed: ${run.jobs.map((j) => `${j.name} ${j.outcome}`).join(', ')}`
    for (const job of run.jobs) {
      check(job.outcome === 'done', `scheduler job ${job.name} ${job.outcome}`, job)
      const summary = job.summary as {
        failed?: unknown[]
        stillPending?: number
        providers?: Array<{ failed: unknown[] }>
        days?: Array<{ state: string }>
      }
      check(
        (summary.failed ?? []).length === 0 && !summary.stillPending,
        `scheduler job ${job.name} left work`,
        job,
      )
      for (const provider of summary.providers ?? [])
        check(provider.failed.length === 0, `scheduler job ${job.name} failed a refund`, job)
      for (const day of summary.days ?? []) check(day.state === 'complete', `scheduler job ${job.name}`, job)
    }
    for (const order of expired) {
      const doc = await this.world.store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, order.no)
      check(doc?.status !== 'pending', `the scheduler left expired order ${order.no} pending`)
    }
    return `scheduler: ${JSON.stringify(run.jobs.map((j) => j.summary))}`
  }

  /** WeChat Pay reports a payment for an order it had closed (in flight at the close). */
  private landLate(pick: number): string {
    const closed = [...this.orders.values()].filter(
      (o) =>
        o.channel === 'wechat' &&
        o.status === 'closed' &&
        this.world.merchant.order(o.no)?.state === 'CLOSED',
    )
    if (closed.length === 0) return 'no closed WeChat order'
    const order = closed[pick % closed.length]
    const emulated = this.world.merchant.order(order.no)!
    this.lateSequence += 1
    emulated.state = 'SUCCESS'
    emulated.paidAt = new Date(Math.floor(this.now / 1000) * 1000)
    emulated.transactionId = `4200009${String(this.lateSequence).padStart(21, '0')}`
    this.deliveries.push(order.no)
    this.count('pay:payment landed after the close')
    return `WeChat reports a payment for closed ${order.no}`
  }

  // ---- the issuer and the clock ----

  private async cardStatus(pick: number, status: 'issued' | 'lost' | 'frozen'): Promise<string> {
    const cards = [...this.cards.values()].filter((c) => c.type === 'stored' && c.scope === 'current')
    const card = cards[pick % cards.length]
    const at = new Date(this.now).toISOString()
    await this.world.store.transaction(async (tx) => {
      const vehicleId = (await tx.get<Doc & { vehicleId: string }>(collections.cards, card.id))!.vehicleId
      await tx.update(collections.cards, card.id, { status, updatedAt: at })
      await tx.update(collections.vehicles, vehicleId, { cardStatus: status })
    })
    card.status = status
    this.count(`card:${status}`)
    return `card ${card.id} ${status}`
  }

  private moveClock(step: Extract<Step, { kind: 'clock' }>): string {
    const clock = this.world.clock
    const from = clock.ms
    switch (step.move) {
      case 'seconds':
        clock.advance(step.seconds * 1000)
        break
      case 'minutes':
        clock.advance(step.minutes * 60_000)
        break
      case 'hours':
        clock.advance(step.hours * hour)
        break
      case 'expiry': {
        const open = [...this.orders.values()].filter((o) => o.status === 'pending')
        const target = open.length > 0 ? open[step.pick % open.length].expiresAt + step.offset * 1000 : 0
        clock.ms = target > clock.ms ? target : clock.ms + 1000
        this.count('clock:to an expiry')
        break
      }
      case 'night':
      case 'morning': {
        const beijing = clock.ms + 8 * hour
        const day = Math.floor(beijing / (24 * hour)) * 24 * hour
        let target = day + (step.move === 'night' ? 22 : 2) * hour - step.before * 1000
        if (target <= beijing) target += 24 * hour
        clock.ms = target - 8 * hour
        this.count(`clock:before ${step.move === 'night' ? '22:00' : '02:00'}`)
        break
      }
    }
    if (clock.ms > this.world.clockLimit) {
      // the world's era is spent (see eraDays): time stands still
      clock.ms = from
      return 'clock at the end of its era'
    }
    return `clock ${new Date(clock.ms).toISOString()}`
  }

  // ---- steps ----

  async run(step: Step): Promise<string> {
    let outcome: string
    switch (step.kind) {
      case 'recharge': {
        const account = fixtures[step.who % fixtures.length]
        const request: RechargeRequest = {
          key: this.newKey(),
          target: this.resolveTarget(account.id, step.target),
          amount: step.amount,
          channel: step.channel,
        }
        outcome = await this.create(account.id, request, step.crash, step.provider, step.retry)
        break
      }
      case 'rush': {
        const account = fixtures[step.who % fixtures.length]
        const outcomes: string[] = []
        for (let i = 0; i < step.count; i++) {
          const request: RechargeRequest = {
            key: this.newKey(),
            target: { kind: 'account' },
            amount: 100 + i,
            channel: step.channel,
          }
          outcomes.push(await this.create(account.id, request, null, null, 'now'))
        }
        outcome = outcomes.join('; ')
        break
      }
      case 'repeatRecharge': {
        const known = [...this.keys.values()].filter((k) => k.orderNo)
        if (known.length === 0) {
          outcome = 'no key to repeat'
          break
        }
        const key = known[step.pick % known.length]
        const request: RechargeRequest =
          step.change === 'none'
            ? key.request
            : step.change === 'amount'
              ? { ...key.request, amount: key.request.amount < 10_000_000 ? key.request.amount + 1 : 1 }
              : { ...key.request, channel: key.request.channel === 'wechat' ? 'alipay' : 'wechat' }
        outcome = await this.create(key.accountId, request, null, null, 'now')
        break
      }
      case 'retryRecharge': {
        const doubtful = [...this.keys.values()].filter((k) => !k.orderNo)
        if (doubtful.length === 0) {
          outcome = 'no key to retry'
          break
        }
        const key = doubtful[step.pick % doubtful.length]
        outcome = await this.create(key.accountId, key.request, step.crash, null, 'later')
        break
      }
      case 'pay':
        outcome = await this.pay(step.pick)
        break
      case 'deliver':
        outcome = await this.deliver(step)
        break
      case 'burst':
        outcome = await this.burst(step.pick, step.copies)
        break
      case 'forge':
        outcome = await this.forge(step.forgery, step.pick, step.crash)
        break
      case 'poll':
        outcome = await this.poll(step)
        break
      case 'allocate': {
        const account = fixtures[step.who % fixtures.length]
        const state: AllocationState = {
          accountId: account.id,
          key: this.newKey(),
          plan: this.resolvePlan(account.id, step.plan),
          result: null,
        }
        this.allocations.push(state)
        outcome = await this.allocate(state, state.plan, step.crash)
        break
      }
      case 'repeatAllocation': {
        if (this.allocations.length === 0) {
          outcome = 'no allocation to repeat'
          break
        }
        const state = this.allocations[step.pick % this.allocations.length]
        const plan: AllocationPlan = !step.change
          ? state.plan
          : state.plan.mode === 'even'
            ? { mode: 'even', perCard: state.plan.perCard + 1 }
            : { mode: 'even', perCard: 1 }
        outcome = await this.allocate(state, plan, null)
        break
      }
      case 'card':
        outcome = await this.cardStatus(step.pick, step.status)
        break
      case 'scheduler':
        outcome = await this.runScheduler(step.crash)
        break
      case 'lateLanding':
        outcome = this.landLate(step.pick)
        break
      case 'clock':
        outcome = this.moveClock(step)
        break
    }
    await this.reconcileOrders()
    await this.checkLedger()
    return outcome
  }

  /**
   * The end of every scenario: clients retry what they never heard back about, providers deliver
   * every notification they owe until it is acknowledged, result pages poll every order past its
   * expiry; then every order must be settled and every payment credited exactly once.
   */
  async drain(): Promise<void> {
    const step = async (s: Step) => this.note(`drain ${describeStep(s)} → ${await this.run(s)}`)
    if (!rechargeOpen(this.now)) await step({ kind: 'clock', move: 'morning', before: -30 })
    const doubtful = [...this.keys.values()].filter((k) => !k.orderNo && k.inDoubt)
    for (const key of doubtful) {
      this.note(
        `drain retry ${key.request.key} → ${await this.create(key.accountId, key.request, null, null, 'now')}`,
      )
      await this.reconcileOrders()
      await this.checkLedger()
    }
    for (let round = 0; round < 3 && this.deliveries.length > 0; round++) {
      for (let i = this.queuedOrders().length; i > 0; i--) {
        await step({
          kind: 'deliver',
          from: 'queue',
          pick: 0,
          keep: false,
          casing: 'snake',
          amountAs: 'string',
          crash: null,
          provider: null,
        })
      }
    }
    check(
      this.deliveries.length === 0,
      'notifications still unacknowledged after three rounds',
      this.deliveries,
    )
    const latest = Math.max(this.now, ...[...this.orders.values()].map((o) => o.expiresAt))
    this.world.clock.ms = latest + providerQueryIntervalMs + 1000
    const orders = [...this.orders.values()]
    for (const [i, order] of orders.entries()) {
      if (order.status === 'pending')
        await step({ kind: 'poll', pick: i, foreign: false, crash: null, provider: null, raceClose: false })
    }
    for (let i = this.paidOrders().length - 1; i >= 0; i--) {
      await step({
        kind: 'deliver',
        from: 'any',
        pick: i,
        keep: false,
        casing: 'camel',
        amountAs: 'number',
        crash: null,
        provider: null,
      })
    }
    // the next morning's scheduler run: statements reconciled, refunds paid; WeChat's refunds are
    // settled from the bill of the day they were made, so one more morning while any is unsettled
    for (let day = 0; day < 3; day++) {
      const refunding = [...this.orders.values()].some((o) => o.status === 'refunding')
      if (day > 0 && !refunding) break
      const beijing = this.world.clock.ms + 8 * hour
      this.world.clock.ms = Math.floor(beijing / (24 * hour)) * 24 * hour + 34.5 * hour - 8 * hour
      await step({ kind: 'scheduler', crash: null })
    }
    await this.finalChecks()
  }

  /** Every paid order credited exactly once or owed back; nothing else moved money. */
  private async finalChecks(): Promise<void> {
    const store = this.world.store
    for (const order of this.orders.values()) {
      const provider = this.provider(order)
      // paid: credited once, or (paid after its close) refunded and settled; unpaid: closed
      const expected = !provider.paid ? ['closed'] : provider.refunded ? ['refunded'] : ['paid']
      check(expected.includes(order.status), `order ${order.no} ended ${order.status}`, {
        provider,
        expected,
      })
    }
    const docs = await readAll<RechargeOrderDoc & Doc>(store, collections.rechargeOrders)
    const transfers = [...this.transfers.values()]
    for (const doc of docs) {
      const credits = transfers.filter(
        (t) => t.ref === doc.id && (t.reason === 'recharge' || t.reason === 'refund_due'),
      )
      if (this.orders.has(doc.id)) {
        check(credits.length <= 1, `order ${doc.id} credited more than once`, credits)
        continue
      }
      // an order whose answer the client never got: nobody could pay it
      check(['pending', 'closed'].includes(doc.status), `unknown order ${doc.id} is ${doc.status}`)
      check(credits.length === 0, `unknown order ${doc.id} moved money`, credits)
      const paid =
        doc.channel === 'wechat'
          ? ['SUCCESS', 'REFUND'].includes(this.world.merchant.order(doc.id)?.state ?? '')
          : (this.world.sandbox.trade(doc.id)?.paidAt ?? null) !== null
      check(!paid, `unknown order ${doc.id} was paid at the provider`)
      this.count('final:order whose answer never arrived, unpaid')
    }
    // what each provider holds for us equals what the ledger says it collected
    for (const channel of ['wechat', 'alipay'] as const) {
      const collected = this.paidOrders()
        .filter((o) => o.channel === channel && !this.provider(o).refunded)
        .reduce((sum, o) => sum + o.amount, 0)
      same(
        await balanceOf(store, { kind: 'clearing', provider: channel }),
        collected,
        `clearing:${channel} after the drain`,
      )
      const owed = [...this.orders.values()]
        .filter((o) => o.channel === channel && o.status === 'refunding')
        .reduce((sum, o) => sum + o.amount, 0)
      same(
        await balanceOf(store, { kind: 'refundsPayable', provider: channel }),
        owed,
        `refunds:${channel} after the drain`,
      )
    }
    // the providers' statements agree with our records: nothing a person would have to look at
    const reports = await readAll<
      Doc & { id: string; state: string; discrepancies: unknown[]; orphans: unknown[] }
    >(store, collections.reconciliationReports)
    for (const report of reports) {
      check(report.state === 'complete', `reconciliation ${report.id} is ${report.state}`)
      same(
        { discrepancies: report.discrepancies, orphans: report.orphans },
        { discrepancies: [], orphans: [] },
        `reconciliation ${report.id}`,
      )
    }
    same(await readAll(store, collections.orphanPayments), [], 'orphan payments')
    this.count('final:scenario settled')
  }
}

const erasInUse = new Set<number>()

/** The scenario's era (world.ts): from its steps, so a replay runs on the same dates; never one in use. */
function eraOf(steps: readonly Step[]): number {
  const digest = createHash('sha256').update(JSON.stringify(steps)).digest()
  let era = digest.readUInt32BE(0) % eraCount
  while (erasInUse.has(era)) era = (era + 1) % eraCount
  erasInUse.add(era)
  return era
}

/** Runs one scenario in a fresh world; throws SimulationFailure with the trace when a check fails. */
export async function runScenario(
  adapter: Adapter,
  steps: readonly Step[],
  shared: SharedProviders,
  stats: SimulationStats = {},
): Promise<void> {
  const world = await openWorld(adapter, shared, eraOf(steps))
  const sim = new Simulation(world, stats)
  let index = 0
  try {
    await sim.checkLedger()
    for (; index < steps.length; index++) {
      const line = describeStep(steps[index])
      sim.trace.push(`#${index} ${line}`)
      sim.trace.push(`   → ${await sim.run(steps[index])}`)
    }
    index = -1
    await sim.drain()
  } catch (error) {
    throw new SimulationFailure(adapter, index, error, sim.trace)
  } finally {
    world.close()
  }
}

export interface SimulationOptions {
  adapter: Adapter
  runs: number
  maxSteps: number
  seed?: number
  path?: string
  shared: SharedProviders
  stats?: SimulationStats
}

/**
 * fast-check runs of the simulation. On failure the error names the seed and path that replay it
 * exactly (`SIM_ADAPTER=… SIM_STEPS=… SIM_SEED=… SIM_PATH=…`), the shrunk steps and the trace.
 */
export async function simulate(options: SimulationOptions): Promise<{ runs: number; seed: number }> {
  const stats = options.stats ?? {}
  const details = await fc.check(
    fc.asyncProperty(scenarioArbitrary(options.maxSteps), (steps) =>
      runScenario(options.adapter, steps, options.shared, stats),
    ),
    {
      // a path names one scenario: replay exactly that one
      numRuns: options.path !== undefined ? 1 : options.runs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
    },
  )
  if (details.failed) {
    const replay = `SIM_ADAPTER=${options.adapter} SIM_STEPS=${options.maxSteps} SIM_SEED=${details.seed} SIM_PATH=${details.counterexamplePath}`
    const steps = (details.counterexample?.[0] ?? []) as Step[]
    const cause = details.errorInstance
    throw new Error(
      `money simulation failed after ${details.numRuns} runs (${details.numShrinks} shrinks).\n` +
        `Replay: ${replay} npx jest test/integration/money.simulation.test.ts\n` +
        `Shrunk scenario (${steps.length} steps):\n${steps.map((s, i) => `  #${i} ${describeStep(s)}`).join('\n')}\n` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
    )
  }
  return { runs: details.numRuns, seed: details.seed }
}
