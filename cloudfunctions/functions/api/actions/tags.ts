import { collections, type TagDoc, type VehicleDoc } from '../../../core/documents'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, ParsedRequest, TagRow } from '../../../../types/api'
import type { AuthedContext } from '../context'
import { getMany, ownDoc, queryPage, tagInfo, type Stored } from './views'

function tagRow(tag: TagDoc, vehicle: VehicleDoc | undefined | null): TagRow {
  return { ...tagInfo(tag), plate: vehicle?.plate ?? '', plateColor: vehicle?.plateColor ?? '蓝' }
}

export async function listTags(
  ctx: AuthedContext,
  input: ParsedRequest<'tags.list'>,
): Promise<ActionResponses['tags.list']> {
  const { accountId } = ctx.identity
  const where: Condition[] = [{ field: 'accountId', op: 'eq', value: accountId }]
  if (input.status !== 'all') where.push({ field: 'status', op: 'eq', value: input.status })
  if (input.tagNo) where.push({ field: 'tagNo', op: 'eq', value: input.tagNo })
  if (input.plate) {
    // Tags carry no plate: the plate picks the account's vehicles, then their tags.
    const vehicles = await queryPage<VehicleDoc>(ctx, collections.vehicles, {
      where: [
        { field: 'accountId', op: 'eq', value: accountId },
        { field: 'plate', op: 'eq', value: input.plate },
      ],
      limit: 50,
    })
    if (vehicles.items.length === 0) return { items: [], total: 0, nextCursor: null }
    where.push({ field: 'vehicleId', op: 'in', value: vehicles.items.map((v) => v.id) })
  }
  const [page, total] = await Promise.all([
    queryPage<TagDoc>(ctx, collections.tags, {
      where,
      // Seed §2.5.3 lists the newest issue first.
      orderBy: { field: 'issuedAt', direction: 'desc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.tags, where),
  ])
  const vehicles = await getMany<VehicleDoc>(
    ctx,
    collections.vehicles,
    page.items.map((t) => t.vehicleId),
  )
  return {
    items: page.items.map((tag) => tagRow(tag, vehicles.get(tag.vehicleId))),
    total,
    nextCursor: page.nextCursor,
  }
}

export async function tagDetail(
  ctx: AuthedContext,
  input: ParsedRequest<'tags.detail'>,
): Promise<ActionResponses['tags.detail']> {
  const tag = await ownDoc<TagDoc>(ctx, collections.tags, input.tagId)
  const vehicle = await ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, tag.vehicleId)
  return { tag: tagRow(tag, vehicle) }
}
