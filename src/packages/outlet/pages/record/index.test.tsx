import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fen } from '../../../../../types/money'
import { fakeSend, payloadsOf } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { outletDetail, outletLoggedIn } from '../../testing/fixtures'
import { OutletRecordView, RESET_QUESTION } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function answerWith(answers: Parameters<typeof fakeSend>[0]): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const buttons = () => Array.from(document.querySelectorAll('.outlet-actions .nut-button')).map((b) => text(b))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  outletLoggedIn()
})

describe('充值记录详情', () => {
  it('shows the record as seed 003 lists it; 未圈存 asks first, then opens the device list for the reading', async () => {
    answerWith({ 'outlet.records.detail': { data: outletDetail() } })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
    await mount(() => <OutletRecordView recordId="load-1" />)
    await waitForText('用户卡卡号')
    expect(text(find('.outlet-record__info'))).toBe(
      '充值记录用户卡卡号3301*****2345车牌号码浙AD35288车牌颜色渐变绿色充值前金额¥123.45充值金额¥200.00' +
        '充值后金额¥323.45充值时间2026-12-02 10:03:04圈存状态已圈存',
    )
    expect(buttons()).toEqual(['未圈存'])
    expect(text(find('.outlet-record__note'))).toContain('只有卡片证明该笔充值未写入卡内')
    expect(payloadsOf(jest.mocked(send).mock.calls, 'outlet.records.detail')).toEqual([
      { recordId: 'load-1' },
    ])

    click(find('.outlet-record-reset'))
    await waitFor(() =>
      expect(document.querySelector('.outlet-record__ask .nut-dialog-footer-ok')).not.toBeNull(),
    )
    expect(text(find('.nut-dialog'))).toContain(RESET_QUESTION)
    expect(navigateTo).not.toHaveBeenCalled()
    click(find('.outlet-record__ask .nut-dialog-footer-ok'))
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/outlet/pages/device/index?task=reset&recordId=load-1',
    })
    navigateTo.mockRestore()
  })

  it('a 未圈存 record of today offers 圈存', async () => {
    answerWith({
      'outlet.records.detail': {
        data: outletDetail({
          state: 'not_loaded',
          loadState: 'not_loaded',
          balanceAfter: null,
          canReset: false,
          canReload: true,
          readApdu: null,
        }),
      },
    })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
    await mount(() => <OutletRecordView recordId="load-1" />)
    await waitForText('圈存状态未圈存')
    expect(text(find('.outlet-record__info'))).toContain('充值后金额-')
    expect(buttons()).toEqual(['圈存'])
    click(find('.outlet-record-reload'))
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/outlet/pages/device/index?task=reload&recordId=load-1',
    })
    navigateTo.mockRestore()
  })

  it('says why there is no button: proven 已圈存, or a 未圈存 of an earlier day', async () => {
    answerWith({
      'outlet.records.detail': {
        data: outletDetail({ proven: true, loadState: 'confirmed', canReset: false }),
      },
    })
    await mount(() => <OutletRecordView recordId="load-1" />)
    await waitForText('不能改为未圈存')
    expect(text(find('.outlet-record__note'))).toBe(
      '卡片已确认该笔充值写入卡内（交易认证码已核验），不能改为未圈存',
    )
    expect(buttons()).toEqual([])
  })

  it('an earlier day’s 未圈存 cannot be loaded here', async () => {
    answerWith({
      'outlet.records.detail': {
        data: outletDetail({
          state: 'not_loaded',
          loadState: 'not_loaded',
          balanceAfter: null,
          amount: fen(5_000),
          canReset: false,
          canReload: false,
        }),
      },
    })
    await mount(() => <OutletRecordView recordId="load-1" />)
    await waitForText('未圈存记录只能在充值当天到网点圈存')
    expect(buttons()).toEqual([])
  })

  it('shows a refusal as the server words it', async () => {
    answerWith({ 'outlet.records.detail': { error: 'NOT_FOUND', message: '充值记录不存在' } })
    await mount(() => <OutletRecordView recordId="load-9" />)
    await waitForText('充值记录不存在')
  })
})
