import { collections, type CardDoc, type InvoiceDoc, type TripDoc } from '../../../core/documents'
import { maskCardNo } from '../../../core/masking'
import { ingestTrips } from '../../../core/bills/ingest'
import {
  refundRows,
  refundsSelection,
  refundTotals,
  tripRows,
  tripsSelection,
  tripStatistics,
  type RefundsFilter,
} from '../../../core/bills/lists'
import { newLookups } from '../../../core/bills/lookups'
import { isHighway } from '../../../core/bills/scenes'
import { oneYearSpan } from '../../../../types/dateRange'
import type { CardType } from '../../../../types/enums'
import {
  refundNotice,
  refundStatusLabels,
  tripSceneLabels,
  type TripInvoiceRef,
} from '../../../../types/actions/bills'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type AuthedContext, type OperatorContext } from '../context'
import { billsScope } from './billsScope'
import { appliedDateRange } from './dateFilter'
import { ownDoc, queryPage, type Stored } from './views'

/** 通行流水 (one scene, with its statistics bar), 通行详情, 退费记录, and the clearing side's ingestion. */

/** The trips filter as trips.list resolves it (exports resolve theirs the same way). */
export function tripsFilter(
  ctx: AuthedContext,
  input: Omit<ParsedRequest<'trips.list'>, 'cursor' | 'limit'>,
) {
  return { scene: input.scene, plate: input.plate, range: appliedDateRange(ctx, input, oneYearSpan) }
}

export async function listTrips(
  ctx: AuthedContext,
  input: ParsedRequest<'trips.list'>,
): Promise<ActionResponses['trips.list']> {
  const filter = tripsFilter(ctx, input)
  const scope = billsScope(ctx)
  const selection = tripsSelection(scope.accountId, filter)
  // the statistics bar counts exactly the filter's trips: it is 共 N 条 too (no count over them)
  const [page, statistics] = await Promise.all([
    queryPage<TripDoc>(ctx, selection.collection, {
      where: selection.where,
      orderBy: selection.orderBy,
      limit: input.limit,
      after: input.cursor,
    }),
    tripStatistics(scope, filter),
  ])
  return {
    items: await tripRows(scope, page.items, newLookups()),
    total: statistics.count,
    nextCursor: page.nextCursor,
    scene: input.scene,
    from: filter.range.from,
    to: filter.range.to,
    statistics,
  }
}

const cardTypeLabels: Record<CardType, string> = { credit: '记账卡', stored: '储值卡' }
const invoiceKindLabels = { singleTrip: '单次通行发票', monthlyMerged: '月度汇总发票' } as const

export async function tripDetail(
  ctx: AuthedContext,
  input: ParsedRequest<'trips.detail'>,
): Promise<ActionResponses['trips.detail']> {
  const trip = await ownDoc<TripDoc>(ctx, collections.trips, input.tripId)
  const scope = billsScope(ctx)
  const [[row], card, invoice] = await Promise.all([
    tripRows(scope, [trip], newLookups()),
    ctx.store.get<Stored<CardDoc>>(collections.cards, trip.cardId),
    trip.invoiceId ? ctx.store.get<Stored<InvoiceDoc>>(collections.invoices, trip.invoiceId) : null,
  ])
  const cardType = card?.type ?? 'credit'
  let invoiceRef: TripInvoiceRef | null = null
  if (invoice && invoice.accountId === trip.accountId && invoice.kind !== 'recharge')
    invoiceRef = {
      id: invoice.id,
      kind: invoice.kind,
      kindLabel: invoiceKindLabels[invoice.kind],
      invoiceNo: invoice.invoiceNo,
      issuedAt: invoice.issuedAt,
    }
  return {
    ...row,
    cardNo: card ? maskCardNo(card.cardNo) : row.cardNo,
    sceneLabel: tripSceneLabels[trip.scene],
    payment: {
      cardType,
      cardTypeLabel: cardTypeLabels[cardType],
      method: `${cardTypeLabels[cardType]}扣款`,
      paid: trip.amount,
      deductionDate: row.deductionDate,
    },
    invoiceType: isHighway(trip.scene) ? '通行费电子发票' : '停车服务电子发票',
    invoice: invoiceRef,
    refund:
      trip.refundState === 'none'
        ? null
        : {
            status: trip.refundState,
            statusLabel: refundStatusLabels[trip.refundState],
            amount: trip.refundAmount,
            at: trip.refundAt ?? trip.exitAt,
          },
  }
}

/**
 * The refunds filter as refunds.list resolves it: each date filter sent is defaulted and bounded
 * like every other; with neither, the trip filter applies over its default year.
 */
export function refundsFilter(
  ctx: AuthedContext,
  input: Omit<ParsedRequest<'refunds.list'>, 'cursor' | 'limit'>,
): RefundsFilter {
  const tripSent = input.tripFrom !== undefined || input.tripTo !== undefined
  const refundSent = input.refundFrom !== undefined || input.refundTo !== undefined
  // each filter's problems name its own fields (tripFrom, refundTo, ...)
  const rename = (prefix: 'trip' | 'refund', fn: () => ReturnType<typeof appliedDateRange>) => {
    try {
      return fn()
    } catch (error) {
      if (!(error instanceof ActionError) || !error.fields) throw error
      const fields = Object.fromEntries(
        Object.entries(error.fields).map(([k, v]) => [`${prefix}${k === 'from' ? 'From' : 'To'}`, v]),
      )
      throw new ActionError(error.code, error.userMessage, fields)
    }
  }
  return {
    scene: input.scene,
    plate: input.plate,
    trip:
      tripSent || !refundSent
        ? rename('trip', () => appliedDateRange(ctx, { from: input.tripFrom, to: input.tripTo }, oneYearSpan))
        : null,
    refund: refundSent
      ? rename('refund', () =>
          appliedDateRange(ctx, { from: input.refundFrom, to: input.refundTo }, oneYearSpan),
        )
      : null,
  }
}

export async function listRefunds(
  ctx: AuthedContext,
  input: ParsedRequest<'refunds.list'>,
): Promise<ActionResponses['refunds.list']> {
  const filter = refundsFilter(ctx, input)
  const scope = billsScope(ctx)
  const selection = refundsSelection(scope.accountId, filter)
  const [page, total, totals] = await Promise.all([
    queryPage<TripDoc>(ctx, selection.collection, {
      where: selection.where,
      orderBy: selection.orderBy,
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(selection.collection, selection.where),
    refundTotals(scope, filter),
  ])
  return {
    items: await refundRows(scope, page.items, newLookups()),
    total,
    nextCursor: page.nextCursor,
    scene: input.scene,
    trip: filter.trip,
    refund: filter.refund,
    totals,
    notice: refundNotice,
  }
}

/**
 * trips.ingest: the clearing side is a system, not a driver, so it reaches the api as an operator
 * of role `clearing` (its own account made by the operator CLI, its own token kind): a driver's
 * session can never pass as one, and no driver action writes trips. The demo seed and the bench
 * call the same core (core/bills/ingest.ts) directly.
 */
export async function ingestTripsAction(
  ctx: OperatorContext,
  input: ParsedRequest<'trips.ingest'>,
): Promise<ActionResponses['trips.ingest']> {
  return ingestTrips(ctx.store, input.trips)
}
