import { Text } from '@tarojs/components'
import type { CardInfo, TagInfo } from '../../../../../types'
import { cardStatusLabels } from '../../../../../types/enums'
import { formatShanghaiDate } from '../../../../components/date-time'
import { cardTypeLabels } from '../../../../components/vehicle-card'
import InfoList, { type InfoRow } from '../info-list'
import { statusListLabel } from '../../labels'

export function cardRows(card: CardInfo): InfoRow[] {
  return [
    { label: 'ETC通行卡卡号', value: card.cardNo },
    { label: '卡类型', value: cardTypeLabels[card.type] },
    {
      label: '通行卡状态',
      value: <Text className={`etc-status--${card.status}`}>{cardStatusLabels[card.status]}</Text>,
    },
    { label: '状态名单', value: statusListLabel(card.inStatusList) },
    { label: '发行时间', value: formatShanghaiDate(card.issuedAt) },
    { label: '更新日期', value: formatShanghaiDate(card.updatedAt) },
  ]
}

export function tagRows(tag: TagInfo): InfoRow[] {
  return [
    { label: '标签编号', value: tag.tagNo },
    {
      label: '标签状态',
      value: <Text className={`etc-status--${tag.status}`}>{cardStatusLabels[tag.status]}</Text>,
    },
    { label: '标签品牌', value: tag.brand },
    { label: '标签型号', value: tag.model },
    { label: '办理网点', value: tag.outlet },
    { label: '发行日期', value: formatShanghaiDate(tag.issuedAt) },
  ]
}

export function CardInfoCard({ title = '通行卡信息', card }: { title?: string; card: CardInfo }) {
  return <InfoList title={title} className="etc-card-info" rows={cardRows(card)} />
}

export function TagInfoCard({ title = '标签信息', tag }: { title?: string; tag: TagInfo }) {
  return <InfoList title={title} className="etc-tag-info" rows={tagRows(tag)} />
}
