import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import NavBar from '../../components/nav-bar'
import { billsRoutes, invoiceLinks } from '../../packages/bills/routes'
import './index.scss'

interface Entry {
  title: string
  hint: string
  url: string
  className: string
}

/** The 账单 tab is only a hub (seed 001 §2.6–2.7): every page it opens lives in a subpackage. */
const sections: { title: string; entries: Entry[] }[] = [
  {
    title: '账单和通行流水',
    entries: [
      {
        title: '账单统计',
        hint: '按月、季度、年统计，含趋势图',
        url: billsRoutes.statistics,
        className: 'bills-hub-statistics',
      },
      {
        title: '账单明细',
        hint: '高速、非高速、退费、其他',
        url: billsRoutes.details,
        className: 'bills-hub-details',
      },
      {
        title: '通行流水查询',
        hint: '通行记录、优惠与发票',
        url: billsRoutes.trips(),
        className: 'bills-hub-trips',
      },
      {
        title: '退费记录查询',
        hint: '高速、非高速退费进度',
        url: billsRoutes.refunds(),
        className: 'bills-hub-refunds',
      },
    ],
  },
  {
    title: '发票服务',
    entries: [
      {
        title: '已开票查询',
        hint: '通行费电子发票',
        url: invoiceLinks.list,
        className: 'bills-hub-invoices',
      },
      {
        title: '开票设置',
        hint: '抬头与自动开票',
        url: invoiceLinks.settings,
        className: 'bills-hub-invoice-settings',
      },
    ],
  },
]

export default function BillsPage() {
  return (
    <View className="bills page">
      <NavBar title="账单" />
      {sections.map((s) => (
        <View key={s.title} className="card bills__section">
          <Text className="bills__title">{s.title}</Text>
          {s.entries.map((e) => (
            <View
              key={e.className}
              className={`bills__entry ${e.className}`}
              onClick={() => void Taro.navigateTo({ url: e.url })}
            >
              <View className="bills__entry-text">
                <Text className="bills__entry-title">{e.title}</Text>
                <Text className="bills__entry-hint muted">{e.hint}</Text>
              </View>
              <Text className="muted">{'>'}</Text>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
