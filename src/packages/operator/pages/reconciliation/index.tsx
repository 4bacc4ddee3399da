import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { ReconciliationReportSummary } from '../../../../../types/actions/operator'
import { formatYuan } from '../../../../../types/money'
import { formatShanghaiTime } from '../../../../components/date-time'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import ReportStatus from '../../components/report-status'
import { operatorLogout } from '../../shared/api'
import { providerLabels, providers } from '../../shared/labels'
import { operatorRoutes } from '../../shared/routes'
import { useOperatorSession } from '../../shared/useOperatorSession'
import { useOperatorPagedList } from '../../shared/useOperatorPagedList'
import '../../common.scss'
import './index.scss'

function ReportRow({ report }: { report: ReconciliationReportSummary }) {
  return (
    <View
      className={`operator-report-row card operator-report-${report.day}`}
      onClick={() => void Taro.navigateTo({ url: operatorRoutes.reconciliationDetail(report.id) })}
    >
      <View className="operator-report-row__top">
        <Text className="operator-report-row__day">{report.day}</Text>
        <ReportStatus status={report.status} />
      </View>
      <View className="operator-report-row__line muted">
        <Text>
          支付 {report.payments.count} 笔 ¥{formatYuan(report.payments.total)}
        </Text>
        <Text>
          退款 {report.refunds.count} 笔 ¥{formatYuan(report.refunds.total)}
        </Text>
      </View>
      <View className="operator-report-row__line muted">
        <Text>补记 {report.counts.credited}</Text>
        <Text>退回 {report.counts.orphans + report.counts.lateRefunds}</Text>
        <Text className={report.counts.discrepancies > 0 ? 'error-text' : ''}>
          差异 {report.counts.discrepancies}
        </Text>
      </View>
      <View className="operator-report-row__line muted">
        <Text>生成于 {formatShanghaiTime(report.generatedAt)}</Text>
        <Text className="operator-link">详情</Text>
      </View>
    </View>
  )
}

/** 对账报告: one provider's daily reports (tabs 微信支付 / 支付宝), newest day first. */
export default function ReconciliationPage() {
  const session = useOperatorSession()
  const list = useOperatorPagedList(
    'operator.reconciliation.list',
    { provider: 'wechat' },
    { enabled: session !== null },
  )
  const provider = list.filters.provider
  useListPageEvents(list)

  const logout = async () => {
    await operatorLogout()
    void Taro.reLaunch({ url: operatorRoutes.login })
  }

  const header = (
    <View>
      {session ? (
        <View className="operator-reports__who">
          <Text className="muted">
            操作员 {session.operator.name}（{session.operator.loginName}）
          </Text>
          <Text className="operator-link operator-reports-logout" onClick={() => void logout()}>
            退出
          </Text>
        </View>
      ) : null}
      <View className="operator-tabs">
        {providers.map((p) => (
          <Text
            key={p}
            className={`operator-tabs__tab operator-tab-${p}${p === provider ? ' operator-tabs__tab--active' : ''}`}
            onClick={() => p !== provider && list.setFilters({ provider: p })}
          >
            {providerLabels[p]}
          </Text>
        ))}
      </View>
    </View>
  )

  return (
    <View className="operator-reports page">
      <NavBar title="对账报告" />
      {session ? (
        <ListWithFilters
          header={header}
          filterSummary={providerLabels[provider]}
          list={list}
          keyOf={(r) => r.id}
          emptyText="暂无对账报告（每日对账完成后生成）"
          renderItem={(r) => <ReportRow report={r} />}
        />
      ) : (
        <Text className="state-text">请先登录</Text>
      )}
    </View>
  )
}
