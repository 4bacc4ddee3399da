import { useCallback, useEffect, useRef, useState } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { OutletRecordDetail } from '../../../../../types/actions/outlet'
import { formatShanghaiTime } from '../../../../components/date-time'
import ErrorRetry from '../../../../components/error-retry'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { errorMessage } from '../../../../services/api/errors'
import InfoList from '../../../etc/components/info-list'
import { callOperator } from '../../../operator/shared/api'
import OutletGate from '../../components/outlet-gate'
import RecordState from '../../components/record-state'
import { outletRoutes } from '../../routes'
import { useOutletSession } from '../../shared/useOutletSession'
import '../../common.scss'

export const RESET_QUESTION = '确定将充值记录改为【未圈存】的状态吗？'

/** Why a record offers neither 未圈存 nor 圈存 (or what 未圈存 will do first). */
export function recordNote(record: OutletRecordDetail): string | null {
  if (record.canReset) {
    return '改为未圈存前将读取卡片核对：只有卡片证明该笔充值未写入卡内，才能改为未圈存，之后再进行圈存'
  }
  if (record.canReload) return '该笔充值未写入卡片，请在充值当天完成圈存；圈存前请核对卡内余额'
  if (record.state === 'loaded') {
    if (record.proven) return '卡片已确认该笔充值写入卡内（交易认证码已核验），不能改为未圈存'
    return '该笔圈存结果正在核实，暂不能修改圈存状态；如有疑问请联系管理员'
  }
  if (record.reloadedBy) return '该笔未圈存记录已重新圈存，请查看当天的新充值记录'
  return '未圈存记录只能在充值当天到网点圈存；其他日期的记录请联系管理员处理'
}

/**
 * 充值记录详情 (seed 003 图三/图六): the record's figures, 【未圈存】 (after a confirm, via the card
 * reading) or 【圈存】, and why a button is missing. Reloaded on every show: coming back from the
 * card work shows the new state.
 */
export function OutletRecordView({ recordId }: { recordId: string }) {
  const { session, allowed } = useOutletSession()
  const [record, setRecord] = useState<OutletRecordDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [asking, setAsking] = useState(false)
  const generation = useRef(0)
  const enabled = session !== null && allowed

  const load = useCallback(async () => {
    if (!enabled || !recordId) return
    const gen = ++generation.current
    setError(null)
    try {
      const detail = await callOperator('outlet.records.detail', { recordId })
      if (gen === generation.current) setRecord(detail)
    } catch (e) {
      if (gen === generation.current) setError(errorMessage(e))
    }
  }, [enabled, recordId])

  useEffect(() => {
    void load()
  }, [load])
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) void load()
    shown.current = true
  })

  const go = (task: 'reset' | 'reload') =>
    void Taro.navigateTo({ url: outletRoutes.device({ task, recordId }) })

  let body
  if (!record) {
    body = error ? (
      <ErrorRetry message={error} onRetry={() => void load()} retryClassName="outlet-record__retry" />
    ) : (
      <Text className="state-text">加载中…</Text>
    )
  } else {
    const note = recordNote(record)
    body = (
      <View>
        <InfoList
          title="充值记录"
          className="outlet-record__info"
          rows={[
            { label: '用户卡卡号', value: record.cardNo },
            { label: '车牌号码', value: record.plate },
            { label: '车牌颜色', value: `${record.plateColor}色` },
            {
              label: '充值前金额',
              value: record.balanceBefore === null ? null : <MoneyText fen={record.balanceBefore} />,
            },
            { label: '充值金额', value: <MoneyText fen={record.amount} /> },
            {
              label: '充值后金额',
              value: record.balanceAfter === null ? null : <MoneyText fen={record.balanceAfter} />,
            },
            { label: '充值时间', value: formatShanghaiTime(record.createdAt) },
            { label: '圈存状态', value: <RecordState state={record.state} /> },
          ]}
        />
        {error ? <Text className="error-text outlet-record__error">{error}</Text> : null}
        {note ? <Text className="outlet-note outlet-record__note">{note}</Text> : null}
        <View className="outlet-actions">
          {record.canReset ? (
            <Button block type="primary" className="outlet-record-reset" onClick={() => setAsking(true)}>
              未圈存
            </Button>
          ) : null}
          {record.canReload ? (
            <Button block type="primary" className="outlet-record-reload" onClick={() => go('reload')}>
              圈存
            </Button>
          ) : null}
        </View>
      </View>
    )
  }

  return (
    <View className="outlet-record outlet-page">
      <NavBar title="充值记录详情" />
      <OutletGate session={session} allowed={allowed}>
        {body}
      </OutletGate>
      <Dialog
        className="outlet-record__ask"
        visible={asking}
        title="修改圈存状态"
        content={RESET_QUESTION}
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => {
          setAsking(false)
          go('reset')
        }}
        onCancel={() => setAsking(false)}
      />
    </View>
  )
}

export default function OutletRecordPage() {
  const { params } = useRouter()
  // Taro H5 hands query values over still encoded
  return <OutletRecordView recordId={decodeURIComponent(params.recordId ?? '')} />
}
