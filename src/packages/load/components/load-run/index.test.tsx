import { waitFor } from '@testing-library/dom'
import { click, find, findLater, mount, text, typeInto, waitForText } from '../../../../testing/render'
import { saveSession } from '../../../../services/api/session'
import { CREDIT_CARD_REFUSED, PIN_FORMAT, PIN_LOCKED } from '../../flow'
import { ASK_PIN, DONE, FakeFlow, IDLE, READ_CARD } from '../../testing/fake-flow'
import LoadRunView from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

const leaves: string[] = []
const onLeave = () => leaves.push('leave')

async function confirmDialog(): Promise<string> {
  await waitFor(() =>
    expect(document.querySelector('.load-run__confirm .nut-dialog-footer-ok')).not.toBeNull(),
  )
  return text(find('.nut-dialog'))
}

describe('圈存 page', () => {
  it('reads the card, asks 卡内余额 X 元，圈存金额 Y 元，是否圈存？, then shows the receipt', async () => {
    const flow = new FakeFlow({ begin: READ_CARD, confirm: DONE })
    await mount(() => <LoadRunView flow={flow} onLeave={onLeave} />)
    expect(await confirmDialog()).toContain('卡内余额 123.45 元，圈存金额 200.00 元，是否圈存？')
    expect(text(find('.load-run__card'))).toBe(
      '卡片信息车牌号码浙AD35288卡号3301*****2345卡类型储值卡卡内余额¥123.45圈存金额¥200.00',
    )
    expect(text(find('.load-progress'))).toContain('40%')

    click(find('.load-run__confirm .nut-dialog-footer-ok'))
    await waitForText('圈存凭证')
    expect(text(find('.load-run__receipt'))).toBe(
      '圈存成功¥200.00卡内余额已核对：圈存后余额 = 圈存前余额 + 圈存金额' +
        '圈存凭证车牌号码浙AD35288卡号3301*****2345圈存金额¥200.00圈存前余额¥123.45圈存后余额¥323.45' +
        '圈存时间2026-12-02 12:05:06',
    )
    expect(text(find('.load-progress'))).toContain('100%')
    expect(document.querySelector('.load-run__card')).toBeNull()
    expect(text(find('.load-run__leave'))).toBe('完成')
  })

  it('a lost link shows the message and 重试, which continues the same load to the receipt', async () => {
    const lost = {
      ...READ_CARD,
      phase: 'failed' as const,
      step: 3,
      percent: 60,
      error: '设备连接已断开，请重新连接',
      retryable: true,
    }
    const flow = new FakeFlow({ begin: lost, retry: DONE })
    await mount(() => <LoadRunView flow={flow} onLeave={onLeave} />)
    await waitForText('设备连接已断开，请重新连接')
    expect(text(find('.load-progress__error'))).toBe('设备连接已断开，请重新连接重试')
    expect(document.querySelector('.load-progress__step--error')?.textContent).toContain('写卡圈存')
    click(find('.load-progress__retry'))
    await waitForText('圈存后余额¥323.45')
    expect(document.querySelector('.load-progress__error')).toBeNull()
  })

  it('a credit card: the refusal, no 重试, no confirm dialog, and 返回', async () => {
    const refused = {
      ...IDLE,
      phase: 'failed' as const,
      step: 1,
      error: CREDIT_CARD_REFUSED,
      retryable: false,
    }
    const flow = new FakeFlow({ begin: refused })
    await mount(() => <LoadRunView flow={flow} onLeave={onLeave} />)
    await waitForText('记账卡')
    expect(text(find('.load-progress__error'))).toBe(CREDIT_CARD_REFUSED)
    expect(document.querySelector('.load-progress__retry')).toBeNull()
    expect(document.querySelector('.load-run__confirm .nut-dialog-footer-ok')).toBeNull()
    expect(text(find('.load-run__leave'))).toBe('返回')
  })

  describe('the PIN dialog', () => {
    async function pinInput(): Promise<HTMLInputElement> {
      return (await findLater('.load-pin__input input')) as HTMLInputElement
    }
    const ok = () => click(find('.load-pin__ok'))

    it('shows the tries left, hands each entry over once, refuses a malformed one locally, then the receipt', async () => {
      const flow = new FakeFlow({ begin: ASK_PIN, pins: [{ ...ASK_PIN, pinTriesLeft: 3 }, DONE] })
      await mount(() => <LoadRunView flow={flow} onLeave={onLeave} />)
      await waitForText('请输入通行卡密码，还可尝试 4 次')
      expect(text(find('.load-pin__prompt'))).toBe('请输入通行卡密码，还可尝试 4 次')
      expect((await pinInput()).type).toBe('password')

      typeInto(await pinInput(), '12345')
      ok()
      await waitForText(PIN_FORMAT)
      expect(flow.pins).toEqual([])

      typeInto(await pinInput(), '111111')
      await waitFor(() => expect(document.querySelector('.load-pin__error')).toBeNull())
      ok()
      await waitForText('请输入通行卡密码，还可尝试 3 次')
      expect(flow.pins).toEqual(['111111'])
      // the wrong entry is not kept for another try
      await waitFor(async () => expect((await pinInput()).value).toBe(''))

      typeInto(await pinInput(), '654321')
      ok()
      await waitForText('圈存凭证')
      expect(flow.pins).toEqual(['111111', '654321'])
    })

    it('a locked card: the outlet message, 返回, no PIN dialog and no 重试', async () => {
      const locked = { ...ASK_PIN, phase: 'failed' as const, error: PIN_LOCKED, retryable: false }
      const flow = new FakeFlow({ begin: locked })
      await mount(() => <LoadRunView flow={flow} onLeave={onLeave} />)
      await waitForText('网点')
      expect(text(find('.load-progress__error'))).toBe(PIN_LOCKED)
      expect(document.querySelector('.load-pin__ok')).toBeNull()
      expect(document.querySelector('.load-progress__retry')).toBeNull()
      expect(text(find('.load-run__leave'))).toBe('返回')
    })
  })
})
