import type { SigningInfo } from '../../../../../types'
import { formatShanghaiTime } from '../../../../components/date-time'
import InfoList from '../info-list'
import { signingStatusLabel } from '../../labels'

/** 签约信息 of a credit card; never rendered for stored-value cards. */
export default function SigningCard({ signing }: { signing: SigningInfo | null }) {
  return (
    <InfoList
      title="签约信息"
      className="etc-signing"
      rows={[
        { label: '签约状态', value: signingStatusLabel(signing) },
        { label: '签约渠道', value: signing?.channel ?? '-' },
        { label: '签约时间', value: formatShanghaiTime(signing?.signedAt) },
      ]}
    />
  )
}
