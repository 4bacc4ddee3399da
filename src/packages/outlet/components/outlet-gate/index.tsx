import type { ReactNode } from 'react'
import { Text } from '@tarojs/components'
import type { OperatorSession } from '../../../operator/shared/session'
import { NOT_OUTLET } from '../../shared/useOutletSession'

/** The page's body for an outlet operator; otherwise why not (useOutletSession opens the login). */
export default function OutletGate({
  session,
  allowed,
  children,
}: {
  session: OperatorSession | null
  allowed: boolean
  children: ReactNode
}) {
  if (!session) return <Text className="state-text">请先登录</Text>
  if (!allowed) return <Text className="state-text error-text outlet-denied">{NOT_OUTLET}</Text>
  return <>{children}</>
}
