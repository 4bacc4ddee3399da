import { Text, View } from '@tarojs/components'
import type { AccountSummary } from '../../../../../types'
import { userTypeLabel } from '../../shared/validate'
import './index.scss'

export interface AccountListProps {
  accounts: AccountSummary[]
  /** The highlighted row: the picked one, or the current account. */
  selectedId: string | null
  currentId?: string | null
  onSelect: (account: AccountSummary) => void
}

/** Accounts a login reaches, one row each; the current one is marked. */
export default function AccountList({ accounts, selectedId, currentId, onSelect }: AccountListProps) {
  return (
    <View className="account-list">
      {accounts.map((account) => {
        const selected = account.id === selectedId
        const current = account.id === currentId
        return (
          <View
            key={account.id}
            className={`account-list__item account-item ${selected ? 'account-list__item--selected account-item--selected' : ''}`}
            onClick={() => onSelect(account)}
          >
            <View className="account-list__main">
              <Text className="account-list__name">{account.displayName}</Text>
              <Text className="account-list__type muted">{userTypeLabel[account.userType]}</Text>
            </View>
            {current ? <Text className="account-list__current account-current">当前账号</Text> : null}
            {selected && !current ? <Text className="account-list__check">已选择</Text> : null}
          </View>
        )
      })}
    </View>
  )
}
