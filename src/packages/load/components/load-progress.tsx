import React from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { LOAD_STEPS, type LoadFlowState } from '../flow'

export interface LoadProgressProps {
  state: LoadFlowState
  onRetry: () => void
  /**
   * false: the Taro rendering on WeChat too, for pages outside the load subpackage (a WeChat
   * subpackage page may use only its own and the main package's custom components)
   */
  native?: boolean
}

/**
 * The load's progress: WeChat renders the native custom component (packages/load/native-progress,
 * declared in the load page's usingComponents there); Alipay and H5 render the same content in Taro.
 */
export default function LoadProgress({ state, onRetry, native = true }: LoadProgressProps) {
  const error = state.error ?? ''
  if (process.env.TARO_ENV === 'weapp' && native) {
    // React.createElement with an object literal: Taro's weapp build collects a native component's
    // attributes from exactly this call shape (TaroNormalModulesPlugin) to write its template
    return React.createElement('load-progress', {
      steps: [...LOAD_STEPS],
      current: state.step,
      percent: state.percent,
      status: state.status,
      error,
      retryable: state.retryable,
      onRetry,
    })
  }
  return (
    <View className="load-progress">
      <View className="load-progress__steps">
        {LOAD_STEPS.map((label, i) => {
          const tone = i < state.step ? 'done' : i === state.step ? (error ? 'error' : 'active') : 'wait'
          return (
            <View key={label} className={`load-progress__step load-progress__step--${tone}`}>
              <Text className="load-progress__dot">{tone === 'done' ? '✓' : i + 1}</Text>
              <Text className="load-progress__label">{label}</Text>
            </View>
          )
        })}
      </View>
      <View className="load-progress__bar">
        <View
          className={`load-progress__fill${error ? ' load-progress__fill--error' : ''}`}
          style={{ width: `${state.percent}%` }}
        />
      </View>
      <View className="load-progress__meta">
        <Text className="load-progress__percent">{state.percent}%</Text>
        {error ? null : <Text className="load-progress__status">{state.status}</Text>}
      </View>
      {error ? (
        <View className="load-progress__error">
          <Text className="load-progress__message error-text">{error}</Text>
          {state.retryable ? (
            <Button size="small" className="load-progress__retry" onClick={onRetry}>
              重试
            </Button>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
