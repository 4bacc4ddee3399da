import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { VehicleDetail } from '../../../../../types'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiDate } from '../../../../components/date-time'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { CardInfoCard, TagInfoCard } from '../../components/card-info'
import InfoList from '../../components/info-list'
import PageState from '../../components/page-state'
import SigningCard from '../../components/signing'
import { invoicesRoutes } from '../../../invoices/routes'
import '../../common.scss'
import './index.scss'

function Detail({ d }: { d: VehicleDetail }) {
  const { vehicle, card, tag } = d
  return (
    <View className="etc-vehicle-detail">
      <InfoList
        title="车辆信息"
        className="etc-vehicle-detail__vehicle"
        rows={[
          { label: '车牌号码', value: <PlateTag plate={vehicle.plate} color={vehicle.plateColor} /> },
          { label: '车辆状态', value: vehicle.scope === 'current' ? '当前车辆' : '历史车辆' },
          { label: '拓展授权', value: vehicle.parkingAuthorized ? '已开启' : '未开启' },
          { label: '登记日期', value: formatShanghaiDate(vehicle.createdAt) },
        ]}
      />
      {card ? (
        <CardInfoCard card={card} />
      ) : (
        <InfoList title="通行卡信息" rows={[{ label: '通行卡', value: '未绑定' }]} />
      )}
      {tag ? (
        <TagInfoCard tag={tag} />
      ) : (
        <InfoList title="标签信息" rows={[{ label: '标签', value: '未绑定' }]} />
      )}
      {card?.type === 'credit' ? <SigningCard signing={d.signing} /> : null}

      {d.cardHistory.length > 0 ? (
        <View className="etc-vehicle-detail__history">
          <Text className="etc-section-title">历史通行卡</Text>
          {d.cardHistory.map((c) => (
            <CardInfoCard key={c.id} title={c.cardNo} card={c} />
          ))}
        </View>
      ) : null}
      {d.tagHistory.length > 0 ? (
        <View className="etc-vehicle-detail__history">
          <Text className="etc-section-title">历史标签</Text>
          {d.tagHistory.map((t) => (
            <TagInfoCard key={t.id} title={t.tagNo} tag={t} />
          ))}
        </View>
      ) : null}

      <View className="card etc-vehicle-detail__titles">
        <View className="etc-vehicle-detail__titles-head">
          <Text className="etc-info__title">发票抬头</Text>
          <Text
            className="link etc-vehicle-invoice-settings"
            onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(vehicle.id) })}
          >
            开票设置 {'>'}
          </Text>
        </View>
        {d.invoiceTitles.length === 0 ? <Text className="muted">暂未设置发票抬头</Text> : null}
        {d.invoiceTitles.map((t) => (
          <View key={t.id} className="etc-invoice-title">
            <Text className="etc-invoice-title__name">
              {t.title}
              {t.isDefault ? <Text className="etc-invoice-title__default">默认</Text> : null}
            </Text>
            {t.taxNumber ? <Text className="muted etc-invoice-title__tax">税号 {t.taxNumber}</Text> : null}
          </View>
        ))}
      </View>
    </View>
  )
}

export function VehicleDetailView({ vehicleId }: { vehicleId: string }) {
  const loggedIn = useRequireLogin()
  const q = useApiQuery('vehicles.detail', { vehicleId }, { enabled: loggedIn && vehicleId !== '' })
  usePullDownRefresh(() => {
    void q.refetch().finally(() => Taro.stopPullDownRefresh())
  })
  return (
    <View className="page">
      <NavBar title="车辆详情" />
      <PageState data={q.data} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
        {(d) => <Detail d={d} />}
      </PageState>
    </View>
  )
}

export default function VehicleDetailPage() {
  const { params } = useRouter()
  return <VehicleDetailView vehicleId={params.id ?? ''} />
}
