import { useEffect, useMemo, useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { OutletRechargeStatus } from '../../../../../types/actions/outlet'
import { CardLinkError } from '../../../../ble/errors'
import { newBatchKey } from '../../../../components/fleet-batch/useFleetBatch'
import NavBar from '../../../../components/nav-bar'
import PrivacyPopup from '../../../../components/privacy-popup'
import { ApiError } from '../../../../services/api/errors'
import { FlowError, LoadFlow, type CardLink, type LoadApi, type LoadFlowState } from '../../../load/flow'
import { bleLink } from '../../../load/links'
import PinDialog from '../../../load/components/pin-dialog'
import LoadRunView from '../../../load/components/load-run'
import { bleAdapter, NO_BLUETOOTH, storedDeviceProfiles, storedLoadKeys } from '../../../load/platform'
import type { LoadFlowPort } from '../../../load/useLoadFlow'
import { callOperator } from '../../../operator/shared/api'
import { readForReset } from '../../cardReading'
import OutletGate from '../../components/outlet-gate'
import { taskOf } from '../../components/task'
import { outletRoutes, type OutletCardTask } from '../../routes'
import { outletLoadApi } from '../../shared/loadApi'
import { useOutletSession } from '../../shared/useOutletSession'
import '../../../load/common.scss'
import '../../common.scss'

export const RESET_DONE = '修改圈存状态成功！请进行圈存操作'
/** Seed 002: what the operator is told when a paid recharge could not be written. */
export const WRITE_FAILED = '充值写卡失败，请到充值记录页圈存！'

export const notPaid: Record<Exclude<OutletRechargeStatus, 'paid'>, string> = {
  awaiting: '尚未收到客户的支付，不能写卡；请确认客户已扫码并完成支付',
  paying: '客户的支付尚未完成，不能写卡；请在客户支付成功后再写卡',
  closed: '支付码已过期或订单已关闭，不能写卡',
}

/** What the card page needs of the platform; tests pass a fake link and a fake flow. */
export interface CardWorkDeps {
  /** opens the link to the picked device (null: no Bluetooth in this build) */
  connect: (() => Promise<CardLink>) | null
  /** `pin`: one the card accepted at the reading before 未圈存, for the load to send again */
  makeFlow: (api: LoadApi, pin: string | null) => LoadFlowPort
}

type Step =
  | { kind: 'reading'; status: string }
  | { kind: 'pin'; triesLeft: number | null }
  | { kind: 'reset' }
  | { kind: 'refused'; message: string; again: boolean }
  | { kind: 'load'; api: LoadApi; pin: string | null }

function messageOf(e: unknown): string {
  if (e instanceof CardLinkError || e instanceof ApiError || e instanceof FlowError) return e.message
  return '操作失败，请重试'
}

/** Worth reading the card again: the link or the network failed, not the server's refusal. */
function readAgain(e: unknown): boolean {
  if (e instanceof CardLinkError) return true
  return e instanceof ApiError && (e.code === 'NETWORK' || e.status >= 500)
}

/** The flow's state, without starting or closing it (LoadRunView does both). */
function useFlowState(flow: LoadFlowPort): LoadFlowState {
  const [state, setState] = useState(flow.state)
  useEffect(() => {
    setState(flow.state)
    return flow.subscribe(setState)
  }, [flow])
  return state
}

function LoadStep({
  api,
  pin,
  deps,
  recharge,
  onLeave,
  onRecords,
}: {
  api: LoadApi
  pin: string | null
  deps: CardWorkDeps
  recharge: boolean
  onLeave: () => void
  onRecords: () => void
}) {
  const flow = useMemo(() => deps.makeFlow(api, pin), [api, pin, deps])
  const state = useFlowState(flow)
  return (
    <View>
      {/* the native progress lives in the load subpackage, which a WeChat outlet page cannot use */}
      <LoadRunView flow={flow} onLeave={onLeave} nativeProgress={false} />
      {recharge && state.phase === 'failed' ? (
        <View className="outlet-page outlet-card__write-failed">
          <Text className="error-text outlet-card__write-failed-text">{WRITE_FAILED}</Text>
          <Text className="outlet-link outlet-card-records" onClick={onRecords}>
            前往充值记录
          </Text>
        </View>
      ) : null}
    </View>
  )
}

/**
 * The card work on the picked device: reset (read the card, outlet.records.reset, then straight
 * into the 圈存 of the record), reload (圈存 of a 未圈存 record) or a paid recharge's write.
 */
export function OutletCardView({
  task,
  deps,
  onLeave,
  onRecords,
}: {
  task: OutletCardTask
  deps: CardWorkDeps
  onLeave: () => void
  onRecords: () => void
}) {
  const [step, setStep] = useState<Step>(() =>
    task.task === 'reload'
      ? { kind: 'load', api: outletLoadApi({ recordId: task.recordId }), pin: null }
      : { kind: 'reading', status: task.task === 'reset' ? '正在查询充值记录' : '正在查询支付结果' },
  )
  const link = useRef<CardLink | null>(null)
  const alive = useRef(true)
  const [attempt, setAttempt] = useState(0)
  /** the PIN the customer typed, taken by the next reading and gone: a PIN is never sent twice */
  const pendingPin = useRef<string | null>(null)
  /** the card refused the issuer's default PIN: later readings of this task ask instead */
  const defaultRefused = useRef(false)
  /** the PIN the card accepted at the reading, handed to the 圈存 that follows the reset */
  const acceptedPin = useRef<string | null>(null)

  const closeLink = async () => {
    const open = link.current
    link.current = null
    if (open) await Promise.resolve(open.close()).catch(() => undefined)
  }

  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
      void closeLink()
    }
  }, [])

  useEffect(() => {
    if (task.task === 'reload') return
    const show = (next: Step) => {
      if (alive.current) setStep(next)
    }
    const run = async () => {
      if (task.task === 'recharge') {
        const view = await callOperator('outlet.recharge.status', { intentId: task.intentId })
        if (view.status !== 'paid')
          return show({ kind: 'refused', message: notPaid[view.status], again: false })
        return show({
          kind: 'load',
          api: outletLoadApi({ intentId: task.intentId, amount: view.amount }),
          pin: null,
        })
      }
      const detail = await callOperator('outlet.records.detail', { recordId: task.recordId })
      if (!detail.canReset || !detail.readApdu) {
        return show({
          kind: 'refused',
          message: '该充值记录当前不能改为未圈存，请返回刷新后查看',
          again: false,
        })
      }
      if (!deps.connect) return show({ kind: 'refused', message: NO_BLUETOOTH, again: false })
      if (!link.current) {
        show({ kind: 'reading', status: '正在连接设备' })
        link.current = await deps.connect()
      }
      show({ kind: 'reading', status: '正在读取卡片，请勿移开卡片' })
      const pin = pendingPin.current ?? undefined
      pendingPin.current = null
      const reading = await readForReset(link.current.channel, detail.readApdu, {
        pin,
        tryDefault: !defaultRefused.current,
      })
      if (reading.kind === 'pin') {
        // the link stays open while the customer types the PIN
        defaultRefused.current = true
        return show({ kind: 'pin', triesLeft: reading.triesLeft })
      }
      await closeLink()
      show({ kind: 'reading', status: '正在核对读卡结果' })
      await callOperator('outlet.records.reset', { recordId: task.recordId, response: reading.response })
      acceptedPin.current = reading.pin
      show({ kind: 'reset' })
    }
    run().catch(async (e: unknown) => {
      await closeLink()
      show({ kind: 'refused', message: messageOf(e), again: readAgain(e) })
    })
  }, [task, deps, attempt])

  if (step.kind === 'load') {
    return (
      <LoadStep
        api={step.api}
        pin={step.pin}
        deps={deps}
        recharge={task.task === 'recharge'}
        onLeave={onLeave}
        onRecords={onRecords}
      />
    )
  }

  return (
    <View className="outlet-card outlet-page">
      <NavBar title={task.task === 'recharge' ? '写卡' : '读卡'} />
      {step.kind === 'reading' || step.kind === 'pin' ? (
        <View className="load-section">
          <Text className="load-section__title">{task.task === 'reset' ? '读取卡片' : '写卡准备'}</Text>
          <Text className="outlet-card__status">
            {step.kind === 'pin' ? '该卡需要校验密码，请客户输入通行卡密码' : step.status}
          </Text>
          <Text className="outlet-note">请将用户卡插入设备并保持连接</Text>
        </View>
      ) : null}
      {step.kind === 'refused' ? (
        <View className="load-section">
          <Text className="error-text outlet-card__refused">{step.message}</Text>
          <View className="outlet-actions">
            {step.again ? (
              <Button
                block
                type="primary"
                className="outlet-card-again"
                onClick={() => {
                  pendingPin.current = null
                  setStep({ kind: 'reading', status: '正在连接设备' })
                  setAttempt((n) => n + 1)
                }}
              >
                重新读卡
              </Button>
            ) : null}
            <Button block className="outlet-card-back" onClick={onLeave}>
              返回
            </Button>
          </View>
        </View>
      ) : null}
      <PrivacyPopup />
      <PinDialog
        visible={step.kind === 'pin'}
        triesLeft={step.kind === 'pin' ? step.triesLeft : null}
        error={null}
        onSubmit={(pin) => {
          pendingPin.current = pin
          setStep({ kind: 'reading', status: '正在校验密码' })
          setAttempt((n) => n + 1)
        }}
        onCancel={() => void closeLink().then(onLeave)}
      />
      <Dialog
        className="outlet-card__reset-done"
        visible={step.kind === 'reset'}
        title="提示"
        content={RESET_DONE}
        confirmText="确认"
        hideCancelButton
        onConfirm={() => {
          if (task.task !== 'recharge')
            setStep({
              kind: 'load',
              api: outletLoadApi({ recordId: task.recordId }),
              pin: acceptedPin.current,
            })
        }}
      />
    </View>
  )
}

export default function OutletCardPage() {
  const { session, allowed } = useOutletSession()
  const { params } = useRouter()
  const { task: kind, recordId, intentId } = params
  // one task per page: the card work runs once for it, not once per render
  const task = useMemo(() => taskOf({ task: kind, recordId, intentId }), [kind, recordId, intentId])
  const deviceId = decodeURIComponent(params.deviceId ?? '')
  const deps = useMemo<CardWorkDeps>(() => {
    const adapter = bleAdapter()
    const connect =
      adapter && deviceId ? bleLink(adapter, deviceId, { profiles: storedDeviceProfiles }) : null
    return {
      connect,
      makeFlow: (api, pin) =>
        connect
          ? new LoadFlow({
              api,
              connect,
              newKey: newBatchKey,
              keys: storedLoadKeys,
              ...(pin ? { acceptedPin: pin } : {}),
            })
          : new LoadFlow({
              api,
              connect: () => Promise.reject(new CardLinkError('BLE_NOT_SUPPORTED', 'no Bluetooth')),
              newKey: newBatchKey,
            }),
    }
  }, [deviceId])
  const leave = () => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: outletRoutes.home }))
  const records = () => void Taro.redirectTo({ url: outletRoutes.records })
  if (!task) return <Text className="state-text error-text">页面参数不完整，请返回重试</Text>
  return (
    <OutletGate session={session} allowed={allowed}>
      <OutletCardView task={task} deps={deps} onLeave={leave} onRecords={records} />
    </OutletGate>
  )
}
