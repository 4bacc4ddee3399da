import { Text } from '@tarojs/components'
import type { ReconciliationStatus } from '../../../../../types/actions/operator'
import { reportStatusLabels } from '../../shared/labels'
import './index.scss'

export interface ReportStatusProps {
  status: ReconciliationStatus
  className?: string
}

/** The badge of a daily report: 平账 (green), 有差异 (red), 对账中 (grey). */
export default function ReportStatus({ status, className }: ReportStatusProps) {
  return (
    <Text className={`report-status report-status--${status}${className ? ` ${className}` : ''}`}>
      {reportStatusLabels[status]}
    </Text>
  )
}
