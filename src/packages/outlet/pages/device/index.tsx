import { useCallback } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text } from '@tarojs/components'
import DeviceList, { type Scan } from '../../../load/components/device-list'
import { scanEtcDevices } from '../../../load/links'
import { bleAdapter } from '../../../load/platform'
import OutletGate from '../../components/outlet-gate'
import { taskOf } from '../../components/task'
import { outletRoutes } from '../../routes'
import { useOutletSession } from '../../shared/useOutletSession'

/**
 * 选择设备 for the outlet's card work (the driver's scan list, on the operator session): the picked
 * device goes to the card page with the task (未圈存 reading, 圈存, a paid recharge), or to 用户卡充值.
 */
export default function OutletDevicePage() {
  const { session, allowed } = useOutletSession()
  const { params } = useRouter()
  const task = params.task === 'read' ? ({ task: 'read' } as const) : taskOf(params)
  const adapter = bleAdapter()
  const scan = useCallback<Scan>(() => (adapter ? scanEtcDevices(adapter) : Promise.resolve([])), [adapter])
  if (!task) return <Text className="state-text error-text">页面参数不完整，请返回重试</Text>
  return (
    <OutletGate session={session} allowed={allowed}>
      <DeviceList
        scan={adapter ? scan : null}
        onPick={(d) => {
          void Taro.redirectTo({
            url:
              task.task === 'read' ? outletRoutes.recharge(d.deviceId) : outletRoutes.card(task, d.deviceId),
          })
        }}
      />
    </OutletGate>
  )
}
