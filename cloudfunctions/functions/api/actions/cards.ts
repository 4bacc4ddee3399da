import {
  collections,
  type AccountDoc,
  type CardDoc,
  type StatusListRecordDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { accountKey, balanceOf, balancesOf, type LedgerAccount } from '../../../core/ledger'
import type { Condition } from '../../../ports/store'
import {
  storedBalanceNote,
  type ActionResponses,
  type CardRow,
  type ParsedRequest,
} from '../../../../types/api'
import { oneYearSpan } from '../../../../types/dateRange'
import { ActionError, type AuthedContext } from '../context'
import { appliedDateRange, shanghaiDayConditions } from './dateFilter'
import {
  cardInfo,
  ownDoc,
  pageWithVehicles,
  queryPage,
  signingInfo,
  vehicleIdsWithPlate,
  type Stored,
} from './views'

/** Seed §2.5.2: cancelled cards open neither detail nor balances. */
function refuseCancelled(card: CardDoc, what: 'detail' | 'balances'): void {
  if (card.status !== 'cancelled') return
  throw new ActionError(
    'CARD_CANCELLED',
    what === 'balances' ? '已注销状态的通行卡无法查看余额和详情' : '已注销状态的通行卡无法查看详情',
  )
}

function cardRow(card: CardDoc, vehicle: VehicleDoc | undefined): CardRow {
  return {
    ...cardInfo(card),
    plate: vehicle?.plate ?? '',
    plateColor: vehicle?.plateColor ?? '蓝',
    // The list never carries balances: the seed shows **** until the user asks to see them.
    balance: null,
    unloaded: null,
    balanceHidden: card.type === 'stored',
  }
}

export async function listCards(
  ctx: AuthedContext,
  input: ParsedRequest<'cards.list'>,
): Promise<ActionResponses['cards.list']> {
  const { accountId } = ctx.identity
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'type', op: 'eq', value: input.type },
  ]
  if (input.status !== 'all') where.push({ field: 'status', op: 'eq', value: input.status })
  if (input.cardNo) where.push({ field: 'cardNo', op: 'eq', value: input.cardNo })
  if (input.statusList === 'listed') where.push({ field: 'inStatusList', op: 'eq', value: true })
  // 'ne' also matches cards without the field (never listed), as CloudBase's $ne does.
  if (input.statusList === 'normal') where.push({ field: 'inStatusList', op: 'ne', value: true })

  let stored: ActionResponses['cards.list']['stored'] = null
  if (input.type === 'stored') {
    // 未预分配金额 is the ledger's balance of the account's funds
    const [account, unallocatedBalance] = await Promise.all([
      ctx.store.get<Stored<AccountDoc>>(collections.accounts, accountId),
      balanceOf(ctx.store, { kind: 'userFunds', accountId }),
    ])
    if (!account) throw new ActionError('NOT_FOUND', '账户不存在')
    stored = { unallocatedBalance, note: storedBalanceNote }
  }

  if (input.plate) {
    const vehicleIds = await vehicleIdsWithPlate(ctx, input.plate)
    if (vehicleIds.length === 0) return { items: [], total: 0, nextCursor: null, type: input.type, stored }
    where.push({ field: 'vehicleId', op: 'in', value: vehicleIds })
  }
  const page = await pageWithVehicles<CardDoc, CardRow>(ctx, collections.cards, where, input, cardRow)
  return { ...page, type: input.type, stored }
}

export async function cardBalances(
  ctx: AuthedContext,
  input: ParsedRequest<'cards.balances'>,
): Promise<ActionResponses['cards.balances']> {
  const ids = [...new Set(input.cardIds)]
  // Ownership of every id is settled before any rule: a foreign id must look like a missing one.
  const cards = await Promise.all(ids.map((id) => ownDoc<CardDoc>(ctx, collections.cards, id)))
  for (const card of cards) {
    if (card.type !== 'stored') {
      throw new ActionError('INVALID_INPUT', '记账卡没有卡上余额', { cardIds: '记账卡没有卡上余额' })
    }
    refuseCancelled(card, 'balances')
  }
  // 卡上未圈存金额 is the ledger's balance of each card's unloaded amount, read in one batch
  const unloadedOf = (cardId: string): LedgerAccount => ({ kind: 'cardUnloaded', cardId })
  const unloaded = await balancesOf(
    ctx.store,
    cards.map((card) => unloadedOf(card.id)),
  )
  return {
    items: cards.flatMap((card) =>
      card.type === 'stored'
        ? [
            {
              cardId: card.id,
              balance: card.balance,
              unloaded: unloaded.get(accountKey(unloadedOf(card.id)))!,
              updatedAt: card.updatedAt,
            },
          ]
        : [],
    ),
  }
}

export async function cardDetail(
  ctx: AuthedContext,
  input: ParsedRequest<'cards.detail'>,
): Promise<ActionResponses['cards.detail']> {
  const card = await ownDoc<CardDoc>(ctx, collections.cards, input.cardId)
  refuseCancelled(card, 'detail')
  const vehicle = await ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, card.vehicleId)
  return {
    card: { ...cardInfo(card), plate: vehicle?.plate ?? '', plateColor: vehicle?.plateColor ?? '蓝' },
    signing: signingInfo(card),
  }
}

export async function cardStatusList(
  ctx: AuthedContext,
  input: ParsedRequest<'cards.statusList'>,
): Promise<ActionResponses['cards.statusList']> {
  const card = await ownDoc<CardDoc>(ctx, collections.cards, input.cardId)
  // The records live on the detail page, which a cancelled card cannot open.
  refuseCancelled(card, 'detail')
  // Both ends, at most a year, nothing after today (Shanghai): the server's clock decides.
  const range = appliedDateRange(ctx, input, oneYearSpan)
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field: 'cardId', op: 'eq', value: card.id },
    ...shanghaiDayConditions('startAt', range),
  ]
  const [page, total] = await Promise.all([
    queryPage<StatusListRecordDoc>(ctx, collections.statusListRecords, {
      where,
      orderBy: { field: 'startAt', direction: 'desc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.statusListRecords, where),
  ])
  const now = ctx.clock.now().getTime()
  return {
    items: page.items.map((r) => ({
      id: r.id,
      startAt: r.startAt,
      endAt: r.endAt,
      // An end already scheduled in the future still counts as listed now.
      current: r.endAt === null || Date.parse(r.endAt) > now,
      reason: r.reason,
    })),
    total,
    nextCursor: page.nextCursor,
    from: range.from,
    to: range.to,
  }
}
