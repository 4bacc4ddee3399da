import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import type { OutletReset } from '../../../../../types/actions/outlet'
import { fen } from '../../../../../types/money'
import { CardLinkError } from '../../../../ble/errors'
import { Apdu } from '../../../../ble/apdu/commands'
import { bytesToHex, hexToBytes } from '../../../../ble/bytes'
import { fakeSend, payloadsOf } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeInto, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { DEFAULT_PIN, type CardLink, type LoadApi } from '../../../load/flow'
import { DONE, FakeFlow, READ_CARD } from '../../../load/testing/fake-flow'
import { outletDetail, outletLoggedIn } from '../../testing/fixtures'
import { OutletCardView, RESET_DONE, WRITE_FAILED, type CardWorkDeps } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const detail = outletDetail()
/** The card's INITIALIZE FOR LOAD reply: balance 123.45, serial 41, key version, algorithm, random, MAC1. */
const INIT_REPLY = '00003039' + '0029' + '0200' + 'A1B2C3D4' + '11223344' + '9000'

/**
 * A card box whose card answers the selects and the record's init, and says when it was let go.
 * With `pin`, the init answers only after a VERIFY PIN of it in the same message (6982 without,
 * 63Cx for a wrong one, counting down from three).
 */
function box(options: { failConnects?: number; pin?: string } = {}) {
  const sent: string[] = []
  let closed = 0
  let connects = 0
  let failures = options.failConnects ?? 0
  let triesLeft = 3
  const answer = (apdu: string, verified: boolean): string => {
    if (apdu.startsWith('00200000')) {
      if (apdu !== bytesToHex(Apdu.verifyPin(options.pin ?? ''))) return `63C${--triesLeft}`
      triesLeft = 3
      return '9000'
    }
    if (apdu !== detail.readApdu) return '9000'
    return options.pin && !verified ? '6982' : INIT_REPLY
  }
  const connect = (): Promise<CardLink> => {
    connects++
    if (failures-- > 0) return Promise.reject(new CardLinkError('BLE_CONNECT_FAILED', 'test'))
    return Promise.resolve({
      channel: {
        transceive: (apdus: Uint8Array[]) => {
          const hex = apdus.map(bytesToHex)
          sent.push(...hex)
          let verified = false
          return Promise.resolve(
            hex.map((apdu) => {
              const sw = answer(apdu, verified)
              if (apdu.startsWith('00200000')) verified = sw === '9000'
              return hexToBytes(sw)
            }),
          )
        },
      },
      close: () => {
        closed++
      },
    })
  }
  return { connect, sent, closed: () => closed, connects: () => connects }
}

function answerWith(answers: Parameters<typeof fakeSend>[0]): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const resetAnswer: OutletReset = {
  record: outletDetail({ state: 'not_loaded', loadState: 'not_loaded', canReset: false, canReload: true }),
  reading: { balance: fen(12_345), onlineSerial: 41 },
  confirm: {
    balance: fen(12_345),
    amount: fen(20_000),
    message: '卡内余额 123.45 元，圈存金额 200.00 元，是否圈存？',
  },
}

const resets = () => payloadsOf(jest.mocked(send).mock.calls, 'outlet.records.reset')

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  outletLoggedIn()
})

describe('读卡 → 未圈存 → 圈存', () => {
  it('reads the card, sends its reply to the reset, then says so and loads the record on the same device', async () => {
    answerWith({
      'outlet.records.detail': { data: detail },
      'outlet.records.reset': { data: resetAnswer },
    })
    const card = box()
    const apis: LoadApi[] = []
    const flow = new FakeFlow({ begin: READ_CARD, confirm: DONE })
    const deps: CardWorkDeps = {
      connect: card.connect,
      makeFlow: (api, pin) => {
        apis.push(api)
        expect(pin).toBeNull()
        return flow
      },
    }
    const left: string[] = []
    await mount(() => (
      <OutletCardView
        task={{ task: 'reset', recordId: 'load-1' }}
        deps={deps}
        onLeave={() => left.push('leave')}
        onRecords={() => left.push('records')}
      />
    ))
    await waitForText(RESET_DONE)
    // the record's own init went to the card after the selects, and its reply to the server as read
    expect(card.sent).toEqual(['00A40000023F00', '00A40000021001', detail.readApdu])
    expect(resets()).toEqual([{ recordId: 'load-1', response: INIT_REPLY }])
    expect(card.closed()).toBe(1)
    expect(apis).toEqual([])

    click(find('.outlet-card__reset-done .nut-dialog-footer-ok'))
    await waitFor(() =>
      expect(document.querySelector('.load-run__confirm .nut-dialog-footer-ok')).not.toBeNull(),
    )
    expect(text(find('.load-run__question'))).toBe('卡内余额 123.45 元，圈存金额 200.00 元，是否圈存？')
    expect(apis.map((a) => a.scope)).toEqual(['outlet:load-1'])
    click(find('.load-run__confirm .nut-dialog-footer-ok'))
    await waitForText('圈存凭证')
    click(find('.load-run__leave'))
    expect(left).toEqual(['leave'])
  })

  it('a refused reset shows the server’s message and 返回, and loads nothing', async () => {
    const message = '读卡结果不能证明该笔圈存未写入卡片，不能改为未圈存'
    answerWith({
      'outlet.records.detail': { data: detail },
      'outlet.records.reset': { error: 'OUTLET_RESET_REFUSED', message },
    })
    const card = box()
    const made: LoadApi[] = []
    const left: string[] = []
    await mount(() => (
      <OutletCardView
        task={{ task: 'reset', recordId: 'load-1' }}
        deps={{
          connect: card.connect,
          makeFlow: (api) => (made.push(api), new FakeFlow({ begin: READ_CARD })),
        }}
        onLeave={() => left.push('leave')}
        onRecords={() => undefined}
      />
    ))
    await waitForText(message)
    expect(text(find('.outlet-card__refused'))).toBe(message)
    expect(document.querySelector('.outlet-card-again')).toBeNull()
    expect(document.querySelector('.outlet-card__reset-done .nut-dialog-footer-ok')).toBeNull()
    expect(card.closed()).toBe(1)
    click(find('.outlet-card-back'))
    expect(left).toEqual(['leave'])
    expect(made).toEqual([])
  })

  it('a card whose PIN is not the default: asks the customer, sends each PIN once, then resets', async () => {
    answerWith({
      'outlet.records.detail': { data: detail },
      'outlet.records.reset': { data: resetAnswer },
    })
    const card = box({ pin: '8888' })
    const pins: (string | null)[] = []
    const makeFlow = (_api: LoadApi, pin: string | null) => {
      pins.push(pin)
      return new FakeFlow({ begin: READ_CARD })
    }
    await mount(() => (
      <OutletCardView
        task={{ task: 'reset', recordId: 'load-1' }}
        deps={{ connect: card.connect, makeFlow }}
        onLeave={() => undefined}
        onRecords={() => undefined}
      />
    ))
    const verifies = () => card.sent.filter((apdu) => apdu.startsWith('00200000'))
    await waitForText('请输入通行卡密码，还可尝试 2 次')
    expect(verifies()).toEqual([bytesToHex(Apdu.verifyPin(DEFAULT_PIN))])
    expect(resets()).toEqual([])

    typeInto(await findLater('.load-pin__input input'), '1111')
    click(find('.load-pin__ok'))
    await waitForText('请输入通行卡密码，还可尝试 1 次')
    typeInto(await findLater('.load-pin__input input'), '8888')
    click(find('.load-pin__ok'))
    await waitForText(RESET_DONE)
    // the default once, then each typed PIN once, all over the one link
    expect(verifies()).toEqual([DEFAULT_PIN, '1111', '8888'].map((pin) => bytesToHex(Apdu.verifyPin(pin))))
    expect(resets()).toEqual([{ recordId: 'load-1', response: INIT_REPLY }])
    expect(card.connects()).toBe(1)
    expect(card.closed()).toBe(1)
    // the 圈存 that follows sends the PIN the card accepted, asking nothing again
    expect(pins).toEqual([])
    click(find('.outlet-card__reset-done .nut-dialog-footer-ok'))
    await waitFor(() => expect(pins).toEqual(['8888']))
  })

  it('取消 at the PIN leaves and lets the device go, sending no PIN', async () => {
    answerWith({ 'outlet.records.detail': { data: detail } })
    const card = box({ pin: '8888' })
    const left: string[] = []
    await mount(() => (
      <OutletCardView
        task={{ task: 'reset', recordId: 'load-1' }}
        deps={{ connect: card.connect, makeFlow: () => new FakeFlow({ begin: READ_CARD }) }}
        onLeave={() => left.push('leave')}
        onRecords={() => undefined}
      />
    ))
    await waitForText('请输入通行卡密码，还可尝试 2 次')
    click(find('.load-pin__cancel'))
    await waitFor(() => expect(left).toEqual(['leave']))
    expect(card.closed()).toBe(1)
    expect(card.sent.filter((apdu) => apdu.startsWith('00200000'))).toHaveLength(1)
    expect(resets()).toEqual([])
  })

  it('a device that does not connect: the message and 重新读卡, which reads and resets', async () => {
    answerWith({
      'outlet.records.detail': { data: detail },
      'outlet.records.reset': { data: resetAnswer },
    })
    const card = box({ failConnects: 1 })
    await mount(() => (
      <OutletCardView
        task={{ task: 'reset', recordId: 'load-1' }}
        deps={{ connect: card.connect, makeFlow: () => new FakeFlow({ begin: READ_CARD }) }}
        onLeave={() => undefined}
        onRecords={() => undefined}
      />
    ))
    await waitForText('连接设备失败，请重试')
    expect(resets()).toEqual([])
    click(find('.outlet-card-again'))
    await waitForText(RESET_DONE)
    expect(resets()).toEqual([{ recordId: 'load-1', response: INIT_REPLY }])
  })

  it('a recharge not paid yet is not written', async () => {
    answerWith({
      'outlet.recharge.status': {
        data: {
          intentId: 'intent-1',
          cardNo: '3301*****2345',
          plate: '浙AD35288',
          plateColor: '渐变绿',
          amount: fen(20_000),
          status: 'awaiting',
          orderNo: null,
          expiresAt: '2026-12-02T03:00:00.000Z',
          path: 'packages/outlet/pages/pay/index?intent=intent-1',
        },
      },
    })
    await mount(() => (
      <OutletCardView
        task={{ task: 'recharge', intentId: 'intent-1' }}
        deps={{ connect: box().connect, makeFlow: () => new FakeFlow({ begin: READ_CARD }) }}
        onLeave={() => undefined}
        onRecords={() => undefined}
      />
    ))
    await waitForText('尚未收到客户的支付，不能写卡')
  })

  it('a paid recharge runs the load for its amount; a failed write says 充值写卡失败', async () => {
    answerWith({
      'outlet.recharge.status': {
        data: {
          intentId: 'intent-1',
          cardNo: '3301*****2345',
          plate: '浙AD35288',
          plateColor: '渐变绿',
          amount: fen(20_000),
          status: 'paid',
          orderNo: 'R1',
          expiresAt: '2026-12-02T03:00:00.000Z',
          path: 'packages/outlet/pages/pay/index?intent=intent-1',
        },
      },
    })
    const failed = {
      ...READ_CARD,
      phase: 'failed' as const,
      error: '设备连接已断开，请重新连接',
      retryable: false,
    }
    const apis: LoadApi[] = []
    const toRecords: string[] = []
    await mount(() => (
      <OutletCardView
        task={{ task: 'recharge', intentId: 'intent-1' }}
        deps={{
          connect: box().connect,
          makeFlow: (api) => (apis.push(api), new FakeFlow({ begin: failed })),
        }}
        onLeave={() => undefined}
        onRecords={() => toRecords.push('records')}
      />
    ))
    await waitForText(WRITE_FAILED)
    expect(apis.map((a) => a.scope)).toEqual(['outlet:intent-1'])
    click(find('.outlet-card-records'))
    expect(toRecords).toEqual(['records'])
  })
})
