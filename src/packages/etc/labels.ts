import type { CardStatusFilter, SigningInfo } from '../../../types'
import type { ChipOption } from './components/chips'

export const statusFilterOptions: readonly ChipOption<CardStatusFilter>[] = [
  { label: '已发行', value: 'issued' },
  { label: '已挂失', value: 'lost' },
  { label: '已冻结', value: 'frozen' },
  { label: '已注销', value: 'cancelled' },
  { label: '全部', value: 'all' },
]

export type StatusListChoice = 'any' | 'normal' | 'listed'

export const statusListOptions: readonly ChipOption<StatusListChoice>[] = [
  { label: '全部', value: 'any' },
  { label: '正常', value: 'normal' },
  { label: '状态名单', value: 'listed' },
]

/** The value of a 状态名单 row or column: the label itself must not repeat as its value. */
export const statusListLabel = (inStatusList: boolean): string => (inStatusList ? '名单中' : '正常')

export const signingStatusLabel = (signing: SigningInfo | null): string =>
  signing && signing.status === 'signed' ? '已签约' : '未签约'

/** Drops empty optional filters so the payload only carries what the user set. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T
}
