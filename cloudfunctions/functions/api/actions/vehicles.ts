import { collections, type CardDoc, type TagDoc, type VehicleDoc } from '../../../core/documents'
import { StoreError, type Condition } from '../../../ports/store'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type AuthedContext } from '../context'
import { vehicleSummary, type Stored } from './views'

export async function listVehicles(
  ctx: AuthedContext,
  input: ParsedRequest<'vehicles.list'>,
): Promise<ActionResponses['vehicles.list']> {
  // The account filter comes from the identity, never from the payload.
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field: 'scope', op: 'eq', value: input.scope },
  ]
  if (input.plate) where.push({ field: 'plate', op: 'eq', value: input.plate })
  let page
  try {
    page = await ctx.store.query<Stored<VehicleDoc>>(collections.vehicles, {
      where,
      orderBy: { field: 'plate', direction: 'asc' },
      limit: input.limit,
      after: input.cursor,
    })
  } catch (error) {
    if (error instanceof StoreError && error.code === 'INVALID_QUERY') {
      throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
    }
    throw error
  }
  const total = await ctx.store.count(collections.vehicles, where)
  const items = await Promise.all(
    page.items.map(async (vehicle) => {
      const [card, tag] = await Promise.all([
        ctx.store.get<Stored<CardDoc>>(collections.cards, vehicle.cardId),
        vehicle.tagId ? ctx.store.get<Stored<TagDoc>>(collections.tags, vehicle.tagId) : null,
      ])
      return vehicleSummary(vehicle, card, tag)
    }),
  )
  return { items, total, nextCursor: page.nextCursor }
}
