import { Text } from '@tarojs/components'
import type { OutletRecordState } from '../../../../../types/actions/outlet'
import { outletRecordStateLabels } from '../../../../../types/outletRules'

/** 已圈存 / 未圈存 as a badge. */
export default function RecordState({ state }: { state: OutletRecordState }) {
  return (
    <Text className={`outlet-state outlet-state--${state} outlet-record-state`}>
      {outletRecordStateLabels[state]}
    </Text>
  )
}
