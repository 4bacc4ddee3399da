import Taro from '@tarojs/taro'
import type { ApiEnvelope, RechargeStatus } from '../../../../../types'
import { fakeSend, payloadsOf } from '../../../../testing/fake-api'
import {
  moneyCards,
  moneyServer,
  rechargeOrder,
  type MoneyServerOptions,
} from '../../../../testing/money-fixtures'
import { click, find, mount, text } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { elapse, firePageEvent } from '../../testing/page-events'
import { MAX_POLLS, POLL_INTERVAL_MS } from './useRechargeStatus'
import { RechargeResultView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const ORDER_NO = 'R20261123095445000000001'

function serve(options: MoneyServerOptions, order = rechargeOrder()) {
  const server = moneyServer(options)
  server.state.orders.set(order.orderNo, order)
  const fake = fakeSend(server.answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
  return server
}

const polls = () => payloadsOf(jest.mocked(send).mock.calls, 'recharge.status')

/** Status `status` from the n-th poll on, pending before. */
const from = (n: number, status: RechargeStatus) => (poll: number) => (poll >= n ? status : 'pending')

beforeEach(() => {
  // Taro's test utils wait for an animation frame after mounting: that one stays real
  jest.useFakeTimers({
    doNotFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'nextTick', 'queueMicrotask'],
  })
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.useRealTimers()
  jest.restoreAllMocks()
})

async function open(): Promise<void> {
  await mount(() => <RechargeResultView orderNo={ORDER_NO} />)
  await elapse(0)
}

describe('充值结果', () => {
  it('says 支付结果确认中… while pending, then 充值成功 with the amount once the server has the payment', async () => {
    serve({ statusOnPoll: from(3, 'paid') })
    await open()
    expect(text(find('.money-result__title'))).toBe('支付结果确认中…')
    expect(polls()).toEqual([{ orderNo: ORDER_NO }])

    await elapse(POLL_INTERVAL_MS)
    expect(polls()).toHaveLength(2)
    expect(text(find('.money-result__title'))).toBe('支付结果确认中…')

    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('充值成功')
    expect(text(find('.money-result__amount'))).toBe('¥100.00')
    expect(text(find('.money-result__text'))).toBe('已充值到用户账户，预分配到ETC通行卡后即可圈存')
    expect(text(find('.money-result__order'))).toContain('充值交易流水号4200002026112300001234')
    expect(text(find('.money-result__order'))).toContain('支付时间2026-11-23 09:55:02')
    expect(document.querySelector('.money-result__allocate')).not.toBeNull()

    // paid is final: no more questions
    await elapse(POLL_INTERVAL_MS * 5)
    expect(polls()).toHaveLength(3)
  })

  it('names the card an account recharge was allocated to automatically', async () => {
    serve({ statusOnPoll: from(1, 'paid'), autoAllocateTo: moneyCards[0] })
    await open()
    expect(text(find('.money-result__title'))).toBe('充值成功')
    expect(text(find('.money-result__text'))).toBe(
      '名下仅有一辆储值卡车辆，本次充值已自动分配到 浙A1111D 的ETC通行卡（3301*****4421），可直接圈存',
    )
    expect(text(find('.money-result__order'))).toContain('充值到用户账户')
    expect(document.querySelector('.money-result__allocate')).toBeNull()
  })

  it('a card recharge says where it went', async () => {
    const order = rechargeOrder({
      target: { kind: 'card', cardId: 'card-m3', plate: '浙C22222', cardNo: '3301*****8867' },
    })
    serve({ statusOnPoll: from(1, 'paid') }, order)
    await open()
    expect(text(find('.money-result__text'))).toBe(
      '已充值到 浙C22222 的ETC通行卡（3301*****8867），可直接圈存',
    )
  })

  it('充值并圈存: only once the card recharge is paid does 继续圈存 hand over to the load pages', async () => {
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
    const order = rechargeOrder({
      target: { kind: 'card', cardId: 'card-m3', plate: '浙C22222', cardNo: '3301*****8867' },
    })
    serve({ statusOnPoll: from(2, 'paid') }, order)
    await mount(() => (
      <RechargeResultView orderNo={ORDER_NO} loadAfter={{ cardId: 'card-m3', transport: 'ble' }} />
    ))
    await elapse(0)
    // not paid yet: nothing to load
    expect(document.querySelector('.money-result__continue-load')).toBeNull()
    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('充值成功')
    click(find('.money-result__continue-load'))
    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/load/pages/device/index?cardId=card-m3' })
  })

  it('充值并圈存 of another card than the order paid: no load is offered', async () => {
    const order = rechargeOrder({
      target: { kind: 'card', cardId: 'card-m3', plate: '浙C22222', cardNo: '3301*****8867' },
    })
    serve({ statusOnPoll: from(1, 'paid') }, order)
    await mount(() => (
      <RechargeResultView orderNo={ORDER_NO} loadAfter={{ cardId: 'card-m1', transport: 'ble' }} />
    ))
    await elapse(0)
    expect(text(find('.money-result__title'))).toBe('充值成功')
    expect(document.querySelector('.money-result__continue-load')).toBeNull()
  })

  it('shows 已关闭 for a closed order and stops', async () => {
    serve({ statusOnPoll: from(2, 'closed') })
    await open()
    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('已关闭')
    expect(text()).not.toContain('充值成功')
    await elapse(POLL_INTERVAL_MS * 3)
    expect(polls()).toHaveLength(2)
  })

  it('after about a minute still pending: says so, with 刷新 and 充值记录', async () => {
    serve({ statusOnPoll: from(MAX_POLLS + 2, 'paid') })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await open()
    await elapse(POLL_INTERVAL_MS * (MAX_POLLS - 1))
    expect(polls()).toHaveLength(MAX_POLLS)
    expect(text(find('.money-result__title'))).toBe('暂未确认支付结果')
    expect(text(find('.money-result__text'))).toContain(
      '未支付的订单将于 2026-11-23 10:09:45 自动关闭，不会扣款',
    )
    expect(text()).not.toContain('充值成功')

    // it has stopped asking
    await elapse(POLL_INTERVAL_MS * 5)
    expect(polls()).toHaveLength(MAX_POLLS)

    click(find('.money-result__records'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/money/pages/records/index?tab=recharge' })

    // 刷新 asks again: the payment has arrived meanwhile
    click(find('.money-result__refresh'))
    await elapse(0)
    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('充值成功')
    expect(polls()).toHaveLength(MAX_POLLS + 2)
  })

  it('pauses while the page is hidden and goes on when it shows again', async () => {
    serve({})
    await open()
    await elapse(POLL_INTERVAL_MS)
    expect(polls()).toHaveLength(2)

    await firePageEvent('componentDidHide')
    await elapse(POLL_INTERVAL_MS * 10)
    expect(polls()).toHaveLength(2)

    await firePageEvent('componentDidShow')
    await elapse(0)
    expect(polls()).toHaveLength(3)
    await elapse(POLL_INTERVAL_MS)
    expect(polls()).toHaveLength(4)
  })

  it('keeps polling through a lost answer', async () => {
    serve({ statusOnPoll: (poll) => (poll === 1 ? 'lost' : poll === 2 ? 'pending' : 'paid') })
    await open()
    expect(text(find('.money-result__title'))).toBe('支付结果确认中…')
    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('支付结果确认中…')
    await elapse(POLL_INTERVAL_MS)
    expect(text(find('.money-result__title'))).toBe('充值成功')
  })

  it("an order that is not the account's cannot be polled", async () => {
    const fake = fakeSend({ 'recharge.status': { error: 'NOT_FOUND' } })
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
    await open()
    expect(text(find('.money-result__title'))).toBe('无法查询充值结果')
    expect(text(find('.money-result__error'))).toBe('记录不存在')
    await elapse(POLL_INTERVAL_MS * 3)
    expect(polls()).toHaveLength(1)
  })
})
