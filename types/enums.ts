/** Plain values and types only: the zod schemas live in types/schemas/enums.ts (server and contract). */
export const plateColors = ['蓝', '黄', '绿', '渐变绿', '黄绿双拼', '白', '黑'] as const
export type PlateColor = (typeof plateColors)[number]

export const userTypes = ['personal', 'unit'] as const
export type UserType = (typeof userTypes)[number]

export const cardTypes = ['credit', 'stored'] as const
export type CardType = (typeof cardTypes)[number]

export const cardStatuses = ['issued', 'lost', 'frozen', 'cancelled'] as const
export type CardStatus = (typeof cardStatuses)[number]
export const cardStatusLabels: Record<CardStatus, string> = {
  issued: '已发行',
  lost: '已挂失',
  frozen: '已冻结',
  cancelled: '已注销',
}
export type TagStatus = CardStatus

export const tripScenes = ['etcHighway', 'nonEtcHighway', 'nonHighway'] as const
export type TripScene = (typeof tripScenes)[number]
