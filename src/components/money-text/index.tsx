import { Text } from '@tarojs/components'
import { formatYuan, type Fen } from '../../../types/money'
import './index.scss'

/** "¥12.30" from integer fen; negative amounts read "-¥12.30". */
export function formatMoney(amount: Fen): string {
  return amount < 0 ? `-¥${formatYuan(-amount as Fen)}` : `¥${formatYuan(amount)}`
}

export interface MoneyTextProps {
  fen: Fen
  className?: string
}

export default function MoneyText({ fen, className }: MoneyTextProps) {
  return (
    <Text
      className={`money-text${fen < 0 ? ' money-text--negative' : ''}${className ? ` ${className}` : ''}`}
    >
      {formatMoney(fen)}
    </Text>
  )
}
