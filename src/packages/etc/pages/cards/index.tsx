import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Segmented } from '@nutui/nutui-react-taro'
import type { CardRow, CardType } from '../../../../../types'
import { cardStatusLabels } from '../../../../../types/enums'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiDate } from '../../../../components/date-time'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import Chips from '../../components/chips'
import FilterPanel from '../../components/filter-panel'
import {
  compact,
  statusFilterOptions,
  statusListLabel,
  statusListOptions,
  type StatusListChoice,
} from '../../labels'
import { etcRoutes } from '../../routes'
import { moneyRoutes } from '../../../money/routes'
import { loadRoutes } from '../../../load/routes'
import { checkCardNo, checkPlate } from '../../validate'
import { useBalances, type Balances } from './useBalances'
import '../../common.scss'
import './index.scss'

/** The two tabs of the seed: 记账卡 / 储值卡. */
const tabs = [
  { label: '记账卡', value: 'credit', className: 'etc-cards-tab-credit' },
  { label: '储值卡', value: 'stored', className: 'etc-cards-tab-stored' },
]

/** Shown on the stored tab when the server sends no note of its own (seed 001 §2.5.2). */
const LAG_NOTE = '由于通行信息滞后，实际金额与网站显示金额存在误差，仅供参考！'

function CardRowView({ row, balances }: { row: CardRow; balances: Balances }) {
  const balance = balances.shown ? balances.byCard[row.id] : undefined
  const open = () => void Taro.navigateTo({ url: etcRoutes.card(row.id) })
  return (
    <View className={`etc-card-row card etc-card-row--${row.status}`}>
      <View className="etc-card-row__top">
        <Text className="etc-card-row__no">{row.cardNo}</Text>
        <Text className={`etc-card-row__status etc-status--${row.status}`}>
          {cardStatusLabels[row.status]}
        </Text>
      </View>
      <View className="etc-card-row__line">
        <PlateTag plate={row.plate} color={row.plateColor} />
        <Text className={`etc-card-row__list${row.inStatusList ? ' etc-card-row__list--on' : ''}`}>
          {statusListLabel(row.inStatusList)}
        </Text>
      </View>
      {row.type === 'stored' ? (
        row.canViewDetail ? (
          <View className="etc-card-balance">
            <View className="etc-card-balance__item">
              <Text className="muted">卡上余额</Text>
              {balance ? (
                <MoneyText className="etc-card-balance__balance" fen={balance.balance} />
              ) : (
                <Text className="etc-card-balance__mask">****</Text>
              )}
            </View>
            <View className="etc-card-balance__item">
              <Text className="muted">卡上未圈存金额</Text>
              {balance ? (
                <MoneyText className="etc-card-balance__unloaded" fen={balance.unloaded} />
              ) : (
                <Text className="etc-card-balance__mask">****</Text>
              )}
            </View>
          </View>
        ) : null
      ) : (
        <View className="etc-card-row__line muted">
          <Text>发行时间 {formatShanghaiDate(row.issuedAt)}</Text>
          <Text>更新日期 {formatShanghaiDate(row.updatedAt)}</Text>
        </View>
      )}
      {row.canViewDetail ? (
        <View className="etc-card-row__actions">
          {row.type === 'stored' && balance && balance.unloaded > 0 ? (
            <Text
              className="etc-card-row__load link"
              onClick={() => void Taro.navigateTo({ url: loadRoutes.index(row.id) })}
            >
              圈存
            </Text>
          ) : null}
          <Text className="etc-card-row__detail link" onClick={open}>
            详情
          </Text>
        </View>
      ) : (
        <Text className="etc-card-row__no-detail muted">已注销的通行卡不可查看详情</Text>
      )}
    </View>
  )
}

export default function CardsPage() {
  const loggedIn = useRequireLogin()
  const list = usePagedList('cards.list', { type: 'credit', status: 'issued' }, { enabled: loggedIn })
  const balances = useBalances(list.items)
  const [plate, setPlate] = useState('')
  const [cardNo, setCardNo] = useState('')
  const [filterError, setFilterError] = useState<string | null>(null)
  const type: CardType = list.filters.type === 'stored' ? 'stored' : 'credit'
  const statusList: StatusListChoice = list.filters.statusList ?? 'any'

  useListPageEvents(list, async () => balances.reset())

  const search = (): boolean => {
    const p = checkPlate(plate)
    const c = checkCardNo(cardNo)
    const problem = p.error ?? c.error
    setFilterError(problem)
    if (problem) return false
    list.setFilters(compact({ ...list.filters, plate: p.value, cardNo: c.value }))
    return true
  }

  const reset = () => {
    setPlate('')
    setCardNo('')
    setFilterError(null)
    list.setFilters({ type, status: 'issued' })
  }

  const stored = list.firstPage?.stored ?? null
  const status = list.filters.status ?? 'issued'

  const header = (
    <View>
      <Segmented
        className="etc-cards__tabs"
        options={tabs}
        value={type}
        onChange={(value) => {
          const next: CardType = value === 'stored' ? 'stored' : 'credit'
          if (next !== type) list.setFilters({ ...list.filters, type: next })
        }}
      />

      {type === 'stored' ? (
        <View className="etc-unallocated card">
          <View className="etc-unallocated__amount">
            <Text className="muted">储值账户未预分配金额</Text>
            {stored ? (
              <MoneyText className="etc-unallocated__value" fen={stored.unallocatedBalance} />
            ) : (
              <Text className="muted">-</Text>
            )}
            <Text
              className="link etc-unallocated-records"
              onClick={() => void Taro.navigateTo({ url: moneyRoutes.records() })}
            >
              历史记录
            </Text>
          </View>
          <View className="etc-unallocated__actions">
            <Button
              size="small"
              type="primary"
              className="etc-unallocated-recharge"
              onClick={() => void Taro.navigateTo({ url: moneyRoutes.recharge })}
            >
              充值
            </Button>
            <Button
              size="small"
              className="etc-unallocated-allocate"
              onClick={() => void Taro.navigateTo({ url: moneyRoutes.allocate })}
            >
              预分配
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  )

  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
          {
            key: 'card-no',
            placeholder: '请输入通行卡卡号',
            value: cardNo,
            onChange: setCardNo,
            maxLength: 20,
          },
        ]}
        onSearch={() => {
          if (search()) close()
        }}
        onReset={() => {
          reset()
          close()
        }}
      >
        <Chips
          label="通行卡状态"
          className="etc-cards-status"
          options={statusFilterOptions}
          value={status}
          onChange={(next) => list.setFilters({ ...list.filters, status: next })}
        />
        <Chips
          label="状态名单"
          className="etc-cards-status-list"
          options={statusListOptions}
          value={statusList}
          onChange={(choice) =>
            list.setFilters(compact({ ...list.filters, statusList: choice === 'any' ? undefined : choice }))
          }
        />
      </FilterPanel>
      {filterError ? <Text className="error-text etc-filter-error">{filterError}</Text> : null}
    </View>
  )

  // 共 N 条（已发行 · 状态名单 · 浙A12345）: the filter applied, in the chips' words
  const summary = [
    status === 'all' ? '全部状态' : statusFilterOptions.find((o) => o.value === status)?.label,
    statusList === 'any' ? undefined : statusListOptions.find((o) => o.value === statusList)?.label,
    list.filters.plate,
    list.filters.cardNo ? `卡号尾号${list.filters.cardNo.slice(-4)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ')
  const activeFilters = [
    status !== 'issued',
    statusList !== 'any',
    Boolean(list.filters.plate),
    Boolean(list.filters.cardNo),
  ].filter(Boolean).length

  const actions =
    type === 'stored' ? (
      <View>
        <View className="etc-cards__stored-bar card">
          <Text className="etc-cards__note">提示: {stored?.note ?? LAG_NOTE}</Text>
          <Button
            size="small"
            fill="outline"
            className="etc-card-show-balance"
            loading={balances.loading}
            onClick={() => (balances.shown ? balances.hide() : void balances.show())}
          >
            {balances.shown ? '隐藏余额' : '显示余额'}
          </Button>
        </View>
        {balances.error ? <Text className="error-text etc-card-balance-error">{balances.error}</Text> : null}
      </View>
    ) : null

  return (
    <View className="etc-cards page">
      <NavBar title="通行卡管理" />
      <ListWithFilters
        header={header}
        filters={filters}
        activeFilters={activeFilters}
        filterSummary={summary}
        actions={actions}
        list={list}
        keyOf={(row) => row.id}
        renderItem={(row) => <CardRowView row={row} balances={balances} />}
      />
    </View>
  )
}
