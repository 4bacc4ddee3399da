import { useRef } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ActionRequest, ExportKind } from '../../../types'
import { useApiAction } from '../../hooks/useApiAction'
import { exportsRoutes } from '../../packages/exports/routes'
import { newBatchKey } from '../fleet-batch/useFleetBatch'
import './index.scss'

/** The filter an export of `kind` takes: its list's request without cursor and limit. */
export type ExportFilterOf<K extends ExportKind> = Extract<
  ActionRequest<'exports.create'>,
  { kind: K }
>['filter']

export interface ExportButtonProps<K extends ExportKind> {
  /** Which list: rechargeRecords, allocationRecords, … */
  kind: K
  /** The filter the list shows now (the same fields the list action was sent, without paging). */
  filter: ExportFilterOf<K>
  /** E.g. while the list is empty or still loading. */
  disabled?: boolean
  className?: string
}

/**
 * 导出 and 导出记录 for any list (seed 001: the two buttons beside 查询 / 重置). 导出 queues an export
 * of the list's current filter in the background and opens 导出记录, where the file appears within
 * seconds. One key per intent: a retry after a lost answer finds the export the first try made.
 */
export default function ExportButton<K extends ExportKind>({
  kind,
  filter,
  disabled = false,
  className,
}: ExportButtonProps<K>) {
  const create = useApiAction('exports.create')
  // one key per intent, kept until an export is answered: a retry after a lost answer finds it
  const intent = useRef<{ signature: string; key: string } | null>(null)

  const openRecords = () => void Taro.navigateTo({ url: exportsRoutes.records })

  const exportNow = async () => {
    const signature = JSON.stringify({ kind, filter })
    if (intent.current?.signature !== signature) intent.current = { signature, key: newBatchKey() }
    const payload = { key: intent.current.key, kind, filter } as ActionRequest<'exports.create'>
    const created = await create.run(payload)
    if (!created) return
    intent.current = null
    openRecords()
  }

  return (
    <View className={`export-button${className ? ` ${className}` : ''}`}>
      <View className="export-button__actions">
        <Button
          size="small"
          type="primary"
          fill="outline"
          className="export-button__export"
          disabled={disabled || create.running}
          onClick={() => void exportNow()}
        >
          {create.running ? '导出中…' : '导出'}
        </Button>
        <Text className="export-button__records link" onClick={openRecords}>
          导出记录
        </Text>
      </View>
      {create.error ? <Text className="export-button__error error-text">{create.error.message}</Text> : null}
    </View>
  )
}
