import { useRef } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { TripDetail } from '../../../../../types'
import { formatYuan } from '../../../../../types/money'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiDate, formatShanghaiTime } from '../../../../components/date-time'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList from '../../../etc/components/info-list'
import PageState from '../../../etc/components/page-state'
import { plateText } from '../../labels'
import { invoiceLinks } from '../../routes'
import '../../common.scss'

/** 开具发票 (packages/invoices): picks the title and issues; linked by path, not imported across subpackages. */
const issueTripLink = (tripId: string) =>
  `/packages/invoices/pages/issue/index?source=trip&tripId=${encodeURIComponent(tripId)}`

function TripDetailCards({ trip, onIssue }: { trip: TripDetail; onIssue: () => void }) {
  const highway = trip.scene !== 'nonHighway'
  return (
    <View>
      <InfoList
        title="通行信息"
        className="bills-trip-info"
        rows={[
          { label: '车牌号码', value: plateText(trip.plate, trip.plateColor) },
          { label: '通行场景', value: trip.sceneLabel },
          ...(highway
            ? [
                { label: '入口站点', value: trip.entryStation ?? '-' },
                { label: '入口时间', value: formatShanghaiTime(trip.entryAt) },
                { label: '出口站点', value: trip.exitStation },
                { label: '通行时间', value: formatShanghaiTime(trip.exitAt) },
              ]
            : [
                { label: '停车场名称', value: trip.exitStation },
                { label: '消费时间', value: formatShanghaiTime(trip.exitAt) },
              ]),
          { label: 'ETC通行卡卡号', value: trip.cardNo },
          { label: '收费金额（元）', value: formatYuan(trip.amount) },
          { label: '优惠金额（元）', value: formatYuan(trip.discount) },
        ]}
      />
      <InfoList
        title="支付信息"
        className="bills-trip-payment"
        rows={[
          { label: '卡类型', value: trip.payment.cardTypeLabel },
          { label: '支付方式', value: trip.payment.method },
          { label: '支付金额', value: <MoneyText fen={trip.payment.paid} /> },
          { label: '扣款日期', value: trip.payment.deductionDate },
        ]}
      />
      {trip.refund ? (
        <InfoList
          title="退费信息"
          className="bills-trip-refund"
          rows={[
            { label: '退款状态', value: trip.refund.statusLabel },
            { label: '退款金额', value: <MoneyText fen={trip.refund.amount} /> },
            { label: '退费日期', value: formatShanghaiDate(trip.refund.at) },
          ]}
        />
      ) : null}
      <InfoList
        title="发票信息"
        className="bills-trip-invoice"
        rows={[
          { label: '发票类型', value: trip.invoiceType },
          ...(trip.invoice
            ? [
                { label: '开票方式', value: trip.invoice.kindLabel },
                { label: '发票号码', value: trip.invoice.invoiceNo },
                { label: '开票时间', value: formatShanghaiTime(trip.invoice.issuedAt) },
              ]
            : [{ label: '开票状态', value: '暂未开票' }]),
        ]}
      >
        {trip.invoice ? (
          <Button
            block
            type="primary"
            fill="outline"
            className="bills-trip-invoice__open"
            onClick={() => {
              if (trip.invoice) void Taro.navigateTo({ url: invoiceLinks.invoice(trip.invoice.id) })
            }}
          >
            查看发票
          </Button>
        ) : trip.refund?.status === 'refunded' || trip.amount - trip.discount <= 0 ? (
          <Text className="muted bills-trip-invoice__none">该通行记录无需开具发票</Text>
        ) : (
          <View>
            <Button
              block
              type="primary"
              className="bills-trip-invoice__issue"
              onClick={() => {
                onIssue()
                void Taro.navigateTo({ url: issueTripLink(trip.id) })
              }}
            >
              开具发票
            </Button>
            <Text className="muted bills-trip-invoice__none">开具发票后可在此查看发票和下载 PDF</Text>
          </View>
        )}
      </InfoList>
    </View>
  )
}

/** 通行详情 (seed 001 §2.6.2): the trip, its payment, refund and the invoice covering it. */
export function TripView({ tripId }: { tripId: string }) {
  const loggedIn = useRequireLogin()
  const detail = useApiQuery('trips.detail', { tripId }, { enabled: loggedIn && tripId !== '' })
  // back from 开具发票: the trip may have its invoice now
  const issuing = useRef(false)
  useDidShow(() => {
    if (!issuing.current) return
    issuing.current = false
    void detail.refetch()
  })
  return (
    <View className="bills-trip-page page">
      <NavBar title="通行详情" />
      {tripId === '' ? (
        <Text className="state-text">未指定通行记录</Text>
      ) : (
        <PageState
          data={detail.data}
          loading={detail.loading}
          error={detail.error}
          onRetry={() => void detail.refetch()}
        >
          {(trip) => <TripDetailCards trip={trip} onIssue={() => (issuing.current = true)} />}
        </PageState>
      )}
    </View>
  )
}

export default function TripPage() {
  const { params } = useRouter()
  return <TripView tripId={params.id ?? ''} />
}
