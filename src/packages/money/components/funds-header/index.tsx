import { Text, View } from '@tarojs/components'
import type { MoneySummary } from '../../../../../types'
import type { ApiError } from '../../../../services/api'
import ErrorRetry from '../../../../components/error-retry'
import MoneyText from '../../../../components/money-text'
import './index.scss'

export interface FundsHeaderProps {
  summary: MoneySummary | null
  loading: boolean
  error: ApiError | null
  onRetry: () => void
  /** 当前账户 under 可用余额, as the recharge screen of the seed shows it. */
  showAccount?: boolean
  className?: string
}

/** 可用余额 (the account's funds not yet allocated to a card) and the account they belong to. */
export default function FundsHeader({
  summary,
  loading,
  error,
  onRetry,
  showAccount,
  className,
}: FundsHeaderProps) {
  const classes = `money-funds card${className ? ` ${className}` : ''}`
  if (!summary) {
    return (
      <View className={classes}>
        {error && !loading ? (
          <ErrorRetry message={error.message} onRetry={onRetry} retryClassName="money-funds__retry" />
        ) : (
          <Text className="muted">加载中…</Text>
        )}
      </View>
    )
  }
  return (
    <View className={classes}>
      <View className="money-funds__row">
        <Text className="muted">可用余额</Text>
        <MoneyText className="money-funds__available" fen={summary.available} />
      </View>
      {showAccount ? (
        <View className="money-funds__row">
          <Text className="muted">当前账户</Text>
          <Text className="money-funds__account">{summary.accountName}</Text>
        </View>
      ) : null}
    </View>
  )
}
