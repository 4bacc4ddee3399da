import { useEffect } from 'react'
import Taro from '@tarojs/taro'
import { operatorHasRole, type OperatorSession } from '../../operator/shared/session'
import { useOperatorSession } from '../../operator/shared/useOperatorSession'
import { operatorRoutes } from '../../operator/shared/routes'

export const NOT_OUTLET = '当前操作员账号没有网点充值圈存权限'

/**
 * The operator session of an outlet page: none → the operator login; an operator without the
 * 'outlet' role sees NOT_OUTLET (the server refuses them anyway).
 */
export function useOutletSession(): { session: OperatorSession | null; allowed: boolean } {
  const session = useOperatorSession()
  const allowed = operatorHasRole(session, 'outlet')
  useEffect(() => {
    if (session && !allowed) void Taro.showToast({ title: NOT_OUTLET, icon: 'none' }).catch(() => undefined)
  }, [session, allowed])
  return { session, allowed }
}

export { operatorRoutes }
