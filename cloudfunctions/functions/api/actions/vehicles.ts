import {
  collections,
  type CardDoc,
  type InvoiceTitleDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../../core/documents'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, ParsedRequest, VehicleSummary } from '../../../../types/api'
import type { Page } from '../../../../types/common'
import type { AuthedContext } from '../context'
import {
  cardInfo,
  getMany,
  invoiceTitleInfo,
  ownDoc,
  queryPage,
  signingInfo,
  tagInfo,
  vehicleSummary,
} from './views'

/** Card and tag history of one vehicle is short (a few replacements); this bounds a bad record. */
const maxHistory = 50

/** One page of vehicles (plate order) with their card and tag; `where` must already scope the account. */
export async function pageVehicles(
  ctx: AuthedContext,
  where: Condition[],
  limit: number,
  cursor?: string,
): Promise<Page<VehicleSummary>> {
  const [page, total] = await Promise.all([
    queryPage<VehicleDoc>(ctx, collections.vehicles, {
      where,
      orderBy: { field: 'plate', direction: 'asc' },
      limit,
      after: cursor,
    }),
    ctx.store.count(collections.vehicles, where),
  ])
  const [cards, tags] = await Promise.all([
    getMany<CardDoc>(
      ctx,
      collections.cards,
      page.items.map((v) => v.cardId),
    ),
    getMany<TagDoc>(
      ctx,
      collections.tags,
      page.items.flatMap((v) => (v.tagId ? [v.tagId] : [])),
    ),
  ])
  const items = page.items.map((vehicle) =>
    vehicleSummary(
      vehicle,
      cards.get(vehicle.cardId) ?? null,
      vehicle.tagId ? (tags.get(vehicle.tagId) ?? null) : null,
    ),
  )
  return { items, total, nextCursor: page.nextCursor }
}

export async function listVehicles(
  ctx: AuthedContext,
  input: ParsedRequest<'vehicles.list'>,
): Promise<ActionResponses['vehicles.list']> {
  // The account filter comes from the identity, never from the payload.
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field: 'scope', op: 'eq', value: input.scope },
  ]
  // Seed §2.5.1: the list shows 已发行 by default. History vehicles' cards are cancelled, so
  // the same default would always show an empty history; there it means "every status".
  const cardStatus = input.cardStatus ?? (input.scope === 'current' ? 'issued' : 'all')
  if (input.plate) where.push({ field: 'plate', op: 'eq', value: input.plate })
  if (cardStatus === 'all')
    return { ...(await pageVehicles(ctx, where, input.limit, input.cursor)), cardStatus, hiddenByStatus: 0 }
  // The default hides lost and frozen cards: say how many, so the list never hides them silently.
  const [page, everyStatus] = await Promise.all([
    pageVehicles(
      ctx,
      [...where, { field: 'cardStatus', op: 'eq', value: cardStatus }],
      input.limit,
      input.cursor,
    ),
    ctx.store.count(collections.vehicles, where),
  ])
  return { ...page, cardStatus, hiddenByStatus: Math.max(0, everyStatus - page.total) }
}

export async function vehicleDetail(
  ctx: AuthedContext,
  input: ParsedRequest<'vehicles.detail'>,
): Promise<ActionResponses['vehicles.detail']> {
  const vehicle = await ownDoc<VehicleDoc>(ctx, collections.vehicles, input.vehicleId)
  const own = (field: string, value: string): Condition[] => [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field, op: 'eq', value },
  ]
  const newestFirst = { field: 'issuedAt', direction: 'desc' } as const
  const [cards, tags, titles] = await Promise.all([
    queryPage<CardDoc>(ctx, collections.cards, {
      where: own('vehicleId', vehicle.id),
      orderBy: newestFirst,
      limit: maxHistory,
    }),
    queryPage<TagDoc>(ctx, collections.tags, {
      where: own('vehicleId', vehicle.id),
      orderBy: newestFirst,
      limit: maxHistory,
    }),
    queryPage<InvoiceTitleDoc>(ctx, collections.invoiceTitles, {
      where: own('vehicleId', vehicle.id),
      orderBy: { field: 'createdAt', direction: 'asc' },
      limit: maxHistory,
    }),
  ])
  const card = cards.items.find((c) => c.id === vehicle.cardId) ?? null
  const tag = tags.items.find((t) => t.id === vehicle.tagId) ?? null
  return {
    vehicle: {
      id: vehicle.id,
      plate: vehicle.plate,
      plateColor: vehicle.plateColor,
      scope: vehicle.scope,
      parkingAuthorized: vehicle.parkingAuthorized,
      createdAt: vehicle.createdAt,
    },
    card: card ? cardInfo(card) : null,
    tag: tag ? tagInfo(tag) : null,
    cardHistory: cards.items.filter((c) => c.id !== vehicle.cardId).map(cardInfo),
    tagHistory: tags.items.filter((t) => t.id !== vehicle.tagId).map(tagInfo),
    signing: signingInfo(card),
    invoiceTitles: titles.items.map(invoiceTitleInfo),
  }
}
