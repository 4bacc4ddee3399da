import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { InvoiceSettingsView } from '../../../../../types'
import { onOffLabel } from '../../../../../types/invoiceRules'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useSession } from '../../../../hooks/useSession'
import FilterPanel from '../../../etc/components/filter-panel'
import InfoList from '../../../etc/components/info-list'
import { checkPlate } from '../../../etc/validate'
import { invoicesRoutes } from '../../routes'

function Row({ s }: { s: InvoiceSettingsView }) {
  return (
    <View
      className="inv-settings-row"
      onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(s.vehicleId) })}
    >
      <InfoList
        rows={[
          { label: '车牌号码', value: <PlateTag plate={s.plate} color={s.plateColor} /> },
          { label: '省内单程一张票', value: onOffLabel(s.singleTrip) },
          { label: '省内单月合并票', value: onOffLabel(s.monthlyMerged) },
          { label: '发票接收邮箱', value: s.email },
          { label: '是否自动发送', value: onOffLabel(s.autoSend) },
          { label: '默认发票抬头', value: s.defaultTitle ?? '未设置' },
        ]}
      >
        <Text className="link inv-settings-row__detail">详情 {'>'}</Text>
      </InfoList>
    </View>
  )
}

/** 开票设置查询 (seed 001 §2.7.2): every current vehicle's settings; a row opens its settings. */
export function SettingsListView() {
  const session = useSession({ requireLogin: true })
  const list = usePagedList('invoiceSettings.list', {}, { enabled: session.loggedIn })
  const [plate, setPlate] = useState('')
  const [plateError, setPlateError] = useState<string | null>(null)
  useListPageEvents(list)
  const unit = session.me?.account.userType === 'unit'

  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={() => {
          const p = checkPlate(plate)
          setPlateError(p.error)
          if (p.error) return
          list.setFilters(p.value ? { plate: p.value } : {})
          close()
        }}
        onReset={() => {
          setPlate('')
          setPlateError(null)
          list.setFilters({})
          close()
        }}
      />
      {plateError ? <Text className="error-text inv-settings__error">{plateError}</Text> : null}
    </View>
  )

  const header = (
    <View>
      <Text className="inv-note">
        展示名下当前有效ETC车辆的发票开具设置。点击车辆可修改开票设置和发票抬头。
      </Text>
      {unit ? (
        <View
          className="card inv-settings-list__fleet"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.fleet })}
        >
          <Text>批量设置发票抬头和开票设置</Text>
          <Text className="link">去设置 {'>'}</Text>
        </View>
      ) : null}
    </View>
  )

  return (
    <View className="inv-settings-list page">
      <NavBar title="开票设置查询" />
      <ListWithFilters
        header={header}
        filters={filters}
        activeFilters={list.filters.plate ? 1 : 0}
        filterSummary={list.filters.plate ? `车牌 ${list.filters.plate}` : undefined}
        list={list}
        emptyText="暂无当前有效的ETC车辆"
        keyOf={(s) => s.vehicleId}
        renderItem={(s) => <Row s={s} />}
      />
    </View>
  )
}
