import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { BatchProgress } from '../../../types/batches'
import type { ApiError } from '../../services/api'
import type { BatchPhase } from './useFleetBatch'
import './index.scss'

export {
  newBatchKey,
  useFleetBatch,
  type BatchAction,
  type BatchPayload,
  type FleetBatch,
} from './useFleetBatch'

export interface FleetBatchStatusProps {
  phase: BatchPhase
  progress: BatchProgress | null
  error: ApiError | null
  /** The finished batch in the page's words, e.g. 已开启拓展授权 12 辆，3 辆原已开启. */
  describe: (progress: BatchProgress) => string
  onResume: () => void
  /** Unit of the targets in messages: 辆, 个… */
  unit?: string
  className?: string
  resultClassName?: string
}

/**
 * Where a fleet batch stands: progress while it runs; the final counts and the targets it could
 * not apply; or, when a call failed, what is known so far and 继续, which finishes the same batch
 * (nothing applied twice).
 */
export default function FleetBatchStatus(props: FleetBatchStatusProps) {
  const { phase, progress, error, describe, onResume, unit = '辆', className, resultClassName } = props
  if (phase === 'idle' && !error) return null
  const classes = `fleet-batch${className ? ` ${className}` : ''}`

  if (phase === 'running') {
    return (
      <View className={classes}>
        <Text className="fleet-batch__progress muted">
          {progress ? `正在处理 ${progress.processed}/${progress.total} ${unit}…` : '正在处理…'}
        </Text>
      </View>
    )
  }

  if (phase === 'interrupted') {
    return (
      <View className={`${classes} fleet-batch--interrupted`}>
        <Text className="fleet-batch__error error-text">
          {`操作未完成：${error?.message ?? '网络异常'}。`}
          {progress ? `已处理 ${progress.processed}/${progress.total} ${unit}，` : ''}
          已处理的不会重复处理，请点击“继续”完成剩余部分并查看结果。
        </Text>
        <Button size="small" type="primary" className="fleet-batch__resume" onClick={onResume}>
          继续
        </Button>
      </View>
    )
  }

  if (phase === 'idle') {
    // refused before anything was applied
    return (
      <View className={classes}>
        <Text className="fleet-batch__error error-text">{error?.message}</Text>
      </View>
    )
  }

  if (!progress) return null
  return (
    <View className={classes}>
      <Text className={`fleet-batch__result${resultClassName ? ` ${resultClassName}` : ''}`}>
        {describe(progress)}
      </Text>
      {progress.failed > 0 ? (
        <View className="fleet-batch__failures">
          <Text className="fleet-batch__failed error-text">
            {progress.failed} {unit}未能处理：
          </Text>
          {progress.failures.map((f) => (
            <Text key={f.targetId} className="fleet-batch__failure">
              {f.label} {f.message}
            </Text>
          ))}
          {progress.failed > progress.failures.length ? (
            <Text className="fleet-batch__failure muted">
              另有 {progress.failed - progress.failures.length} {unit}未列出
            </Text>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
