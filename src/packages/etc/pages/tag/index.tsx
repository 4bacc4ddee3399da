import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import PlateTag from '../../../../components/plate-tag'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { tagRows } from '../../components/card-info'
import InfoList from '../../components/info-list'
import PageState from '../../components/page-state'
import '../../common.scss'
import NavBar from '../../../../components/nav-bar'

export function TagDetailView({ tagId }: { tagId: string }) {
  const loggedIn = useRequireLogin()
  const q = useApiQuery('tags.detail', { tagId }, { enabled: loggedIn && tagId !== '' })
  return (
    <View className="etc-tag-detail page">
      <NavBar title="标签详情" />
      <PageState data={q.data} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
        {({ tag }) => (
          <InfoList
            title="标签信息"
            rows={[
              { label: '车牌号码', value: <PlateTag plate={tag.plate} color={tag.plateColor} /> },
              ...tagRows(tag),
            ]}
          />
        )}
      </PageState>
    </View>
  )
}

export default function TagDetailPage() {
  const { params } = useRouter()
  return <TagDetailView tagId={params.id ?? ''} />
}
