import { Text, View } from '@tarojs/components'
import NavBar from '../../../../components/nav-bar'
import './index.scss'

export interface PolicySection {
  title: string
  paragraphs: string[]
}

export interface PolicyDocProps {
  className?: string
  /** The page title (the page config's navigationBarTitleText), shown in the H5 title bar. */
  navTitle: string
  title: string
  updated: string
  intro: string
  sections: PolicySection[]
}

/** A long legal text: title, date, then numbered sections. */
export default function PolicyDoc({ className, navTitle, title, updated, intro, sections }: PolicyDocProps) {
  return (
    <View className={`policy-doc page ${className ?? ''}`}>
      <NavBar title={navTitle} />
      <View className="card">
        <Text className="policy-doc__title">{title}</Text>
        <Text className="policy-doc__updated muted">更新日期：{updated}</Text>
        <Text className="policy-doc__paragraph">{intro}</Text>
        {sections.map((section, i) => (
          <View key={section.title} className="policy-doc__section">
            <Text className="policy-doc__heading">
              {i + 1}. {section.title}
            </Text>
            {section.paragraphs.map((p) => (
              <Text key={p} className="policy-doc__paragraph">
                {p}
              </Text>
            ))}
          </View>
        ))}
      </View>
    </View>
  )
}
