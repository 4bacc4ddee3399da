import { collections, type TagDoc, type VehicleDoc } from '../../../core/documents'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, ParsedRequest, TagRow } from '../../../../types/api'
import type { AuthedContext } from '../context'
import { ownDoc, pageWithVehicles, tagInfo, vehicleIdsWithPlate, type Stored } from './views'

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
    const vehicleIds = await vehicleIdsWithPlate(ctx, input.plate)
    if (vehicleIds.length === 0) return { items: [], total: 0, nextCursor: null }
    where.push({ field: 'vehicleId', op: 'in', value: vehicleIds })
  }
  return pageWithVehicles<TagDoc, TagRow>(ctx, collections.tags, where, input, tagRow)
}

export async function tagDetail(
  ctx: AuthedContext,
  input: ParsedRequest<'tags.detail'>,
): Promise<ActionResponses['tags.detail']> {
  const tag = await ownDoc<TagDoc>(ctx, collections.tags, input.tagId)
  const vehicle = await ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, tag.vehicleId)
  return { tag: tagRow(tag, vehicle) }
}
