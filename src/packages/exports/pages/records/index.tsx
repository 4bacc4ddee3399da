import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ExportRecordView } from '../../../../../types'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiDate, formatShanghaiTime } from '../../../../components/date-time'
import { newBatchKey } from '../../../../components/fleet-batch/useFleetBatch'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { ApiError, call, errorMessage } from '../../../../services/api'
import { downloadExport } from '../../download'
import './index.scss'

const unfinished = (record: ExportRecordView) => record.status === 'queued' || record.status === 'running'

/** The fresh rows of the first page over the loaded ones (same order), new exports on top. */
function merge(loaded: ExportRecordView[], fresh: ExportRecordView[]): ExportRecordView[] {
  const byId = new Map(fresh.map((r) => [r.id, r]))
  const known = new Set(loaded.map((r) => r.id))
  return [...fresh.filter((r) => !known.has(r.id)), ...loaded.map((r) => byId.get(r.id) ?? r)]
}

export interface ExportRecordsViewProps {
  /** How often to ask again while an export is queued or running. */
  pollMs?: number
}

/**
 * 导出记录 (seed 001): each export with 业务类型, 导出量, 导出时间 and 导出状态; 下载 while the file is
 * valid (30 days), 重新导出 once it has finished (also after it expired or failed). While an
 * export is queued or running the page asks again every few seconds, so it turns 导出成功 by itself.
 */
export function ExportRecordsView({ pollMs = 2000 }: ExportRecordsViewProps) {
  const loggedIn = useRequireLogin()
  const list = usePagedList('exports.list', {}, { enabled: loggedIn })
  const { items, updateItems } = list
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  // 重新导出: one key per export being regenerated, until the server answers
  const reexportKeys = useRef(new Map<string, string>())

  useListPageEvents(list)

  const polling = items.some(unfinished)
  useEffect(() => {
    if (!polling) return
    let stopped = false
    const timer = setTimeout(() => {
      call('exports.list', { limit: 20 }).then(
        (page) => {
          if (!stopped) updateItems((loaded) => merge(loaded, page.items))
        },
        () => {
          // offline for a moment: the next change of the rows (or a pull) asks again
          if (!stopped) updateItems((loaded) => [...loaded])
        },
      )
    }, pollMs)
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [polling, items, pollMs, updateItems])

  const download = async (record: ExportRecordView) => {
    setBusy(record.id)
    setMessage(null)
    try {
      const link = await call('exports.link', { exportId: record.id })
      await downloadExport(link)
      setMessage({ text: `已下载 ${link.fileName}`, error: false })
    } catch (error) {
      // the api's own refusals, or what the platform's download said
      setMessage({
        text: error instanceof ApiError || !(error instanceof Error) ? errorMessage(error) : error.message,
        error: true,
      })
    } finally {
      setBusy(null)
    }
  }

  const reexport = async (record: ExportRecordView) => {
    setBusy(record.id)
    setMessage(null)
    const key = reexportKeys.current.get(record.id) ?? newBatchKey()
    reexportKeys.current.set(record.id, key)
    try {
      const created = await call('exports.reexport', { key, exportId: record.id })
      reexportKeys.current.delete(record.id)
      updateItems((loaded) => merge(loaded, [created]))
      setMessage({ text: `已重新提交${created.label}导出`, error: false })
    } catch (error) {
      setMessage({ text: errorMessage(error), error: true })
    } finally {
      setBusy(null)
    }
  }

  const notice = list.firstPage?.notice ?? '导出记录的有效期为30天，请及时下载相关记录文件。'
  return (
    <View className="exports-records page">
      <NavBar title="导出记录" />
      <ListWithFilters
        header={
          <View>
            <Text className="exports-records__notice muted">{notice}</Text>
            {message ? (
              <Text className={`exports-records__message${message.error ? ' error-text' : ''}`}>
                {message.text}
              </Text>
            ) : null}
          </View>
        }
        list={list}
        keyOf={(r) => r.id}
        emptyText="暂无导出记录"
        emptyAction={
          <Text className="muted">在充值记录、预分配记录等列表中点击“导出”，文件会出现在这里</Text>
        }
        renderItem={(r) => (
          <View className={`exports-record card exports-record--${r.status}`}>
            <View className="exports-record__top">
              <Text className="exports-record__label">{r.label}</Text>
              <Text className={`exports-record__status exports-record__status--${r.status}`}>
                {r.statusLabel}
              </Text>
            </View>
            <View className="exports-record__line muted">
              <Text>导出量 {r.rowCount ?? '—'}</Text>
              <Text>导出时间 {formatShanghaiTime(r.createdAt)}</Text>
            </View>
            <View className="exports-record__line muted">
              <Text className="exports-record__filter">{r.filterText}</Text>
              {r.status === 'ready' && r.expiresAt ? (
                <Text>有效期至 {formatShanghaiDate(r.expiresAt)}</Text>
              ) : null}
            </View>
            {r.canDownload || r.canReexport ? (
              <View className="exports-record__actions">
                {r.canReexport ? (
                  <Button
                    size="small"
                    className="exports-record__reexport"
                    disabled={busy !== null}
                    onClick={() => void reexport(r)}
                  >
                    重新导出
                  </Button>
                ) : null}
                {r.canDownload ? (
                  <Button
                    size="small"
                    type="primary"
                    className="exports-record__download"
                    disabled={busy !== null}
                    onClick={() => void download(r)}
                  >
                    {busy === r.id ? '下载中…' : '下载'}
                  </Button>
                ) : null}
              </View>
            ) : null}
          </View>
        )}
      />
    </View>
  )
}

export default function ExportRecordsPage() {
  return <ExportRecordsView />
}
