import { View } from '@tarojs/components'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList from '../../components/info-list'
import PageState from '../../components/page-state'
import '../../common.scss'
import NavBar from '../../../../components/nav-bar'

/** 用户基本信息: what the account holds in the ETC system, masked by the server. */
export default function ProfilePage() {
  const loggedIn = useRequireLogin()
  const q = useApiQuery('account.profile', {}, { enabled: loggedIn })
  return (
    <View className="etc-profile page">
      <NavBar title="用户基本信息" />
      <PageState data={q.data} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
        {(p) => (
          <InfoList
            title="用户基本信息"
            className="etc-profile__info"
            rows={[
              { label: '用户类型', value: p.userTypeLabel },
              { label: p.userType === 'unit' ? '单位名称' : '用户名称', value: p.name },
              { label: '证件类型', value: p.idType },
              { label: '证件号码', value: p.idNumber },
              ...(p.agentName !== null ? [{ label: '经办人', value: p.agentName }] : []),
              { label: p.userType === 'unit' ? '经办人手机号' : '预留手机号', value: p.phone },
            ]}
          />
        )}
      </PageState>
    </View>
  )
}
