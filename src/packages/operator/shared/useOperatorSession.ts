import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { operatorRoutes } from './routes'
import { readOperatorSession, type OperatorSession } from './session'

/**
 * The operator session a page needs; without one the page hands over to the operator login
 * (whether the session is still good is the server's answer on the page's first call).
 */
export function useOperatorSession(): OperatorSession | null {
  const [session] = useState(readOperatorSession)
  useEffect(() => {
    if (!session) void Taro.redirectTo({ url: operatorRoutes.login }).catch(() => undefined)
  }, [session])
  return session
}
