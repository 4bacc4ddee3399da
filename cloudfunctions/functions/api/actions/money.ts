import { randomInt } from 'node:crypto'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type RateLimitDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { balancesOf, accountKey, type LedgerAccount } from '../../../core/ledger'
import { AllocationError, applyAllocation, type ReceivingCard } from '../../../core/money/allocation'
import type { AllocationRecordDoc, MoneySource, RechargeOrderDoc } from '../../../core/money/moneyDocuments'
import {
  allocationRecordsQuery,
  allocationRecordViews,
  cardLabels,
  rechargeOrderViews,
  rechargeRecordsQuery,
  type RecordsScope,
} from '../../../core/money/records'
import { rechargeOrderNo } from '../../../core/money/orderNumbers'
import { openRechargeOrder, RechargeError, syncRechargeOrder } from '../../../core/money/recharge'
import { rechargeOpenAt } from '../../../core/money/rechargeWindow'
import { maskCardNo } from '../../../core/masking'
import {
  applyRateRule,
  perMinute,
  perShanghaiDay,
  rateLimitId,
  type RateRule,
} from '../../../core/rateLimits'
import { requestKeyDocId } from '../../../core/requestKeys'
import type { PaymentGateway } from '../../../ports/payments'
import type { Condition, Query } from '../../../ports/store'
import { fen, type Fen } from '../../../../types/money'
import { recordsSpan, type DateRange, type DateRangeInput } from '../../../../types/dateRange'
import {
  maxRechargeFen,
  minRechargeFen,
  paymentChannels,
  rechargeWindowNotice,
  type PaymentChannel,
} from '../../../../types/moneyRules'
import type {
  ActionResponses,
  AllocationRecord,
  ParsedRequest,
  RechargeOrderView,
  StoredCardFunds,
} from '../../../../types/api'
import { ActionError, type ActionContext, type AuthedContext } from '../context'
import { appliedDateRange } from './dateFilter'
import { platformAuthOf, platformCall } from './authPlatform'
import { accountSummary, getMany, ownDoc, queryPage, type Stored } from './views'

/** The sandbox's Alipay buyer (`npm start` and tests only): H5 has no Alipay user to ask. */
const sandboxAlipayBuyer = '2088000000000001'

const storedVehicles = (accountId: string, extra: Condition[] = []): Condition[] => [
  { field: 'accountId', op: 'eq', value: accountId },
  { field: 'cardType', op: 'eq', value: 'stored' },
  { field: 'scope', op: 'eq', value: 'current' },
  ...extra,
]

/** The channels this caller can pay with: WeChat Pay in WeChat, Alipay elsewhere (H5 only with the sandbox). */
function channelsOf(ctx: AuthedContext): PaymentChannel[] {
  const gateways = ctx.payments?.gateways ?? {}
  const sandbox = ctx.payments?.sandboxCashier !== undefined
  return paymentChannels.filter((channel) => {
    if (!gateways[channel]) return false
    if (sandbox) return true
    return ctx.caller.platform === 'wechat' ? channel === 'wechat' : channel === 'alipay'
  })
}

function gatewayFor(ctx: AuthedContext, channel: PaymentChannel): PaymentGateway {
  const gateway = ctx.payments?.gateways[channel]
  if (!gateway || !channelsOf(ctx).includes(channel)) throw new ActionError('PAYMENT_CHANNEL_UNAVAILABLE')
  return gateway
}

export async function moneySummary(ctx: AuthedContext): Promise<ActionResponses['money.summary']> {
  const { accountId } = ctx.identity
  const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, accountId)
  if (!account) throw new ActionError('NOT_FOUND', '账户不存在')
  const [balances, storedCards, receivingCards] = await Promise.all([
    balancesOf(ctx.store, [{ kind: 'userFunds', accountId }]),
    ctx.store.count(collections.vehicles, storedVehicles(accountId)),
    ctx.store.count(
      collections.vehicles,
      storedVehicles(accountId, [{ field: 'cardStatus', op: 'eq', value: 'issued' }]),
    ),
  ])
  return {
    available: balances.get(accountKey({ kind: 'userFunds', accountId })) ?? fen(0),
    accountName: accountSummary(account).displayName,
    storedCards,
    receivingCards,
    rechargeOpen: rechargeOpenAt(ctx.clock.now()),
    rechargeNotice: rechargeWindowNotice,
    channels: channelsOf(ctx),
    limits: { min: minRechargeFen, max: maxRechargeFen },
  }
}

async function unloadedOf(ctx: AuthedContext, cardIds: readonly string[]): Promise<Map<string, Fen>> {
  const accounts: LedgerAccount[] = cardIds.map((cardId) => ({ kind: 'cardUnloaded', cardId }))
  const balances = await balancesOf(ctx.store, accounts)
  return new Map(
    cardIds.map((cardId) => [cardId, balances.get(accountKey({ kind: 'cardUnloaded', cardId })) ?? fen(0)]),
  )
}

export async function moneyCards(
  ctx: AuthedContext,
  input: ParsedRequest<'money.cards'>,
): Promise<ActionResponses['money.cards']> {
  const where = storedVehicles(
    ctx.identity.accountId,
    input.plate ? [{ field: 'plate', op: 'eq', value: input.plate }] : [],
  )
  const [page, total] = await Promise.all([
    queryPage<VehicleDoc>(ctx, collections.vehicles, {
      where,
      orderBy: { field: 'plate', direction: 'asc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.vehicles, where),
  ])
  const cards = await getMany<CardDoc>(
    ctx,
    collections.cards,
    page.items.map((v) => v.cardId),
  )
  const unloaded = await unloadedOf(
    ctx,
    page.items.map((v) => v.cardId),
  )
  const items: StoredCardFunds[] = page.items.flatMap((vehicle) => {
    const card = cards.get(vehicle.cardId)
    if (!card || card.accountId !== ctx.identity.accountId) return []
    return [
      {
        cardId: card.id,
        vehicleId: vehicle.id,
        plate: vehicle.plate,
        plateColor: vehicle.plateColor,
        cardNo: maskCardNo(card.cardNo),
        status: card.status,
        unloaded: unloaded.get(card.id) ?? fen(0),
        canReceive: card.type === 'stored' && card.status === 'issued',
      },
    ]
  })
  return { items, total, nextCursor: page.nextCursor }
}

/** The session's account and store: what core/money/records.ts reads records with. */
function recordsScope(ctx: AuthedContext): RecordsScope {
  return { store: ctx.store, accountId: ctx.identity.accountId }
}

/**
 * The date filter of 充值记录 and 预分配记录, resolved against the server's clock: the lists apply
 * it, and so do their exports (actions/exports.ts), so an export selects what the list showed.
 */
export function moneyRecordsRange(ctx: ActionContext, input: DateRangeInput): DateRange {
  return appliedDateRange(ctx, input, recordsSpan)
}

function sourceOf(
  ctx: AuthedContext,
  channel: PaymentChannel,
  alipayAuthCode: string | undefined,
): MoneySource {
  if (ctx.caller.platform === 'wechat') return 'wechat'
  return channel === 'alipay' && alipayAuthCode ? 'alipay' : 'h5'
}

/** The payer as the platform says, never as the request says. */
async function payerOf(
  ctx: AuthedContext,
  channel: PaymentChannel,
  alipayAuthCode: string | undefined,
): Promise<string> {
  const sandbox = ctx.payments?.sandboxCashier !== undefined
  if (channel === 'wechat') {
    if (ctx.caller.platform === 'wechat') return ctx.caller.openid
    if (sandbox) return `sandbox-${ctx.identity.accountId}`
    throw new ActionError('PAYMENT_CHANNEL_UNAVAILABLE', '微信支付请在微信小程序中使用')
  }
  if (alipayAuthCode) {
    const oauth = platformAuthOf(ctx).alipayOAuth
    return platformCall(() => oauth.userIdOf(alipayAuthCode))
  }
  if (sandbox) return sandboxAlipayBuyer
  throw new ActionError('PAYMENT_CHANNEL_UNAVAILABLE', '支付宝充值请在支付宝小程序中使用')
}

/** New recharge orders per account: each one is an order at the provider, so they are bounded. */
export const rechargeOrderRules: readonly RateRule[] = [
  { name: 'recharge-minute', limit: 5, window: perMinute },
  { name: 'recharge-day', limit: 50, window: perShanghaiDay },
]

/** Counts a new order against the account's limits. */
async function admitNewOrder(ctx: AuthedContext, now: Date): Promise<void> {
  const { accountId } = ctx.identity
  const admitted = await ctx.store.transaction(async (tx) => {
    const next: RateLimitDoc[] = []
    for (const rule of rechargeOrderRules) {
      const id = rateLimitId(rule, accountId)
      const decision = applyRateRule(
        await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, id),
        rule,
        accountId,
        now,
      )
      if (!decision.allowed) return false
      next.push(decision.next)
    }
    for (const limit of next) await tx.set(collections.rateLimits, limit.id, { ...limit })
    return true
  })
  if (!admitted) throw new ActionError('RATE_LIMITED', '充值下单过于频繁，请稍后再试')
}

export async function createRecharge(
  ctx: AuthedContext,
  input: ParsedRequest<'recharge.create'>,
): Promise<ActionResponses['recharge.create']> {
  const now = ctx.clock.now()
  const gateway = gatewayFor(ctx, input.channel)
  const { accountId } = ctx.identity
  // A retry of an intent whose order exists answers that order (openRechargeOrder checks it is the
  // same request) before any rule of new orders: a lost answer at 21:59 is not refused at 22:00.
  const made = await ctx.store.get(
    collections.rechargeKeys,
    requestKeyDocId(accountId, 'recharge', input.key),
  )
  let payerId = ''
  if (!made) {
    if (!rechargeOpenAt(now)) throw new ActionError('RECHARGE_CLOSED')
    if (input.target.kind === 'card') {
      const card = await ownDoc<CardDoc>(ctx, collections.cards, input.target.cardId)
      if (card.type !== 'stored') throw new ActionError('CARD_CANNOT_RECEIVE', '记账卡无需充值')
      if (card.status !== 'issued')
        throw new ActionError('CARD_CANNOT_RECEIVE', '该通行卡已挂失、冻结或注销，无法充值')
    }
    payerId = await payerOf(ctx, input.channel, input.alipayAuthCode)
    await admitNewOrder(ctx, now)
  }
  let order: RechargeOrderDoc
  try {
    order = await openRechargeOrder(
      ctx.store,
      gateway,
      {
        accountId,
        key: input.key,
        target: input.target,
        amount: input.amount,
        channel: input.channel,
        payerId,
        source: sourceOf(ctx, input.channel, input.alipayAuthCode),
        clientIp: ctx.caller.platform === 'http' ? ctx.caller.ip : undefined,
      },
      now,
      rechargeOrderNo(now, String(randomInt(0, 1_000_000_000)).padStart(9, '0')),
    )
  } catch (error) {
    if (error instanceof RechargeError) {
      if (error.code === 'KEY_REUSED') throw new ActionError('REQUEST_KEY_REUSED', error.message)
      throw new ActionError('PAYMENT_UNAVAILABLE', error.message)
    }
    throw error
  }
  if (!order.launch) throw new ActionError('PAYMENT_UNAVAILABLE')
  const [view] = await rechargeOrderViews(recordsScope(ctx), [order])
  return {
    order: view,
    launch: order.launch,
    sandboxCashier: ctx.payments?.sandboxCashier?.(order.id) ?? null,
  }
}

export async function rechargeStatus(
  ctx: AuthedContext,
  input: ParsedRequest<'recharge.status'>,
): Promise<ActionResponses['recharge.status']> {
  let order: RechargeOrderDoc = await ownDoc<RechargeOrderDoc>(ctx, collections.rechargeOrders, input.orderNo)
  const gateway = ctx.payments?.gateways[order.channel]
  if (order.status === 'pending' && gateway) {
    try {
      order = (await syncRechargeOrder(ctx.store, gateway, order.id, ctx.clock.now())) ?? order
    } catch {
      // The provider could not be asked now: answer what we know; the page polls again.
    }
  }
  const [view] = await rechargeOrderViews(recordsScope(ctx), [order])
  return view
}

/** One page of a money records list (core/money/records.ts has its query and rows, shared with exports). */
async function recordsPage<D, V>(
  ctx: AuthedContext,
  collection: string,
  selection: { where: Condition[]; orderBy: Query['orderBy'] },
  page: { limit: number; cursor?: string },
  views: (scope: RecordsScope, docs: D[]) => Promise<V[]>,
): Promise<{ items: V[]; total: number; nextCursor: string | null }> {
  const [found, total] = await Promise.all([
    queryPage<D>(ctx, collection, { ...selection, limit: page.limit, after: page.cursor }),
    ctx.store.count(collection, selection.where),
  ])
  return { items: await views(recordsScope(ctx), found.items), total, nextCursor: found.nextCursor }
}

export async function listRecharges(
  ctx: AuthedContext,
  input: ParsedRequest<'recharge.list'>,
): Promise<ActionResponses['recharge.list']> {
  const range = moneyRecordsRange(ctx, input)
  const selection = rechargeRecordsQuery(ctx.identity.accountId, range)
  const page = await recordsPage<RechargeOrderDoc, RechargeOrderView>(
    ctx,
    collections.rechargeOrders,
    selection,
    input,
    rechargeOrderViews,
  )
  return { ...page, ...range }
}

async function receivingCards(ctx: AuthedContext): Promise<ReceivingCard[]> {
  const where = storedVehicles(ctx.identity.accountId, [{ field: 'cardStatus', op: 'eq', value: 'issued' }])
  const page = await queryPage<VehicleDoc>(ctx, collections.vehicles, {
    where,
    orderBy: { field: 'plate', direction: 'asc' },
    limit: 100 + 1,
  })
  if (page.items.length > 100)
    throw new ActionError('INVALID_INPUT', '储值卡车辆超过100辆，请使用自定义分配分批进行', {
      allocation: '储值卡车辆超过100辆，请使用自定义分配分批进行',
    })
  return page.items.map((v) => ({ cardId: v.cardId, vehicleId: v.id }))
}

export async function applyAllocationAction(
  ctx: AuthedContext,
  input: ParsedRequest<'allocation.apply'>,
): Promise<ActionResponses['allocation.apply']> {
  const { accountId } = ctx.identity
  const plan = input.allocation
  if (plan.mode === 'custom') {
    const ids = plan.items.map((item) => item.cardId)
    if (new Set(ids).size !== ids.length)
      throw new ActionError('INVALID_INPUT', '同一张卡只能填写一个分配金额', {
        items: '同一张卡只能填写一个分配金额',
      })
    // A foreign or unknown card must look like a missing one.
    await Promise.all(ids.map((id) => ownDoc<CardDoc>(ctx, collections.cards, id)))
  }
  const receiving = plan.mode === 'custom' ? [] : await receivingCards(ctx)
  const source: MoneySource = ctx.caller.platform === 'wechat' ? 'wechat' : 'h5'
  let allocation
  try {
    allocation = await applyAllocation(ctx.store, {
      accountId,
      key: input.key,
      plan,
      receiving,
      source,
      now: ctx.clock.now(),
    })
  } catch (error) {
    if (!(error instanceof AllocationError)) throw error
    const code = {
      KEY_REUSED: 'REQUEST_KEY_REUSED',
      INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
      NO_RECEIVING_CARD: 'CARD_CANNOT_RECEIVE',
      CARD_CANNOT_RECEIVE: 'CARD_CANNOT_RECEIVE',
      NOTHING_TO_ALLOCATE: 'INSUFFICIENT_FUNDS',
    } as const
    throw new ActionError(code[error.code], error.message)
  }
  const labels = await cardLabels(
    recordsScope(ctx),
    allocation.parts.map((p) => p.cardId),
  )
  const balances = await balancesOf(ctx.store, [{ kind: 'userFunds', accountId }])
  return {
    allocationId: allocation.id,
    total: allocation.total,
    parts: allocation.parts.map((part) => ({
      cardId: part.cardId,
      amount: part.amount,
      ...(labels.get(part.cardId) ?? { plate: '', cardNo: '' }),
    })),
    available: balances.get(accountKey({ kind: 'userFunds', accountId })) ?? fen(0),
  }
}

export async function listAllocations(
  ctx: AuthedContext,
  input: ParsedRequest<'allocation.list'>,
): Promise<ActionResponses['allocation.list']> {
  const range = moneyRecordsRange(ctx, input)
  const selection = allocationRecordsQuery(ctx.identity.accountId, range)
  const page = await recordsPage<AllocationRecordDoc, AllocationRecord>(
    ctx,
    collections.allocationRecords,
    selection,
    input,
    allocationRecordViews,
  )
  return { ...page, ...range }
}
