import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, payloadsOf } from '../../../../testing/fake-api'
import { moneyServer, type MoneyServerOptions } from '../../../../testing/money-fixtures'
import { click, find, mount, text, typeIn, typeInto, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { AllocateView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(options: MoneyServerOptions = {}) {
  const server = moneyServer(options)
  const fake = fakeSend(server.answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
  return server
}

const applies = () => payloadsOf(jest.mocked(send).mock.calls, 'allocation.apply')
const rows = () => Array.from(document.querySelectorAll('.money-alloc-row'))
const problem = () => document.querySelector('.money-allocate__problem')?.textContent ?? null
const submitButton = () => find('.money-allocate__submit')
const disabled = (el: Element) => el.className.includes('nut-button-disabled')

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

async function open(): Promise<void> {
  await mount(() => <AllocateView />)
  await waitForText('¥128.80')
  await waitForText('浙C22222')
}

async function confirmDialog(): Promise<string> {
  await waitFor(() =>
    expect(document.querySelector('.money-allocate-confirm .nut-dialog-footer-ok')).not.toBeNull(),
  )
  return text(find('.nut-dialog'))
}

describe('预分配', () => {
  it('shows the seed table: 绑定车辆, 卡上未圈存金额(元), 本次预分配金额; cards that cannot receive say why', async () => {
    serve()
    await open()
    expect(text(find('.money-alloc-head'))).toBe('绑定车辆卡上未圈存金额(元)本次预分配金额(元)')
    expect(rows().map((r) => text(r))).toEqual([
      '浙A1111D3301*****44212.33-',
      '浙B543213301*****52250.88已冻结',
      '浙C222223301*****88678.60-',
    ])
    expect(text(find('.money-allocate__total'))).toBe('本次预分配总金额¥0.00')
    expect(disabled(submitButton())).toBe(true)
  })

  it('平均分配: total = amount × receiving cards, confirmed, then the result and the refreshed table', async () => {
    serve()
    await open()
    await typeIn('.money-allocate__per-card', '12.5')
    await waitForText('本次预分配总金额¥25.00')
    expect(text()).toContain('每辆已发行储值卡车辆各分配该金额，共 2 辆')
    expect(rows().map((r) => text(r.querySelector('.money-alloc-row__amount') as Element))).toEqual([
      '12.50',
      '已冻结',
      '12.50',
    ])

    click(submitButton())
    const dialog = await confirmDialog()
    expect(dialog).toContain('平均分配，每辆 ¥12.50')
    expect(dialog).toContain('分配车辆2 辆')
    expect(dialog).toContain('本次预分配总金额¥25.00')
    expect(applies()).toHaveLength(0)

    click(find('.nut-dialog-footer-ok'))
    await waitForText('预分配成功')
    expect(applies()).toEqual([
      { key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), allocation: { mode: 'even', perCard: 1250 } },
    ])
    const result = text(find('.money-allocate-result'))
    expect(result).toContain('浙A1111D 3301*****4421¥12.50')
    expect(result).toContain('浙C22222 3301*****8867¥12.50')
    expect(result).toContain('可用余额¥103.80')
    // the table's unloaded amounts and 可用余额 come back from the server
    await waitFor(() => expect(text(rows()[0])).toContain('14.83'))
    expect(text(rows()[2])).toContain('21.10')
    await waitFor(() => expect(text(find('.money-funds'))).toContain('¥103.80'))
  })

  it('平均分配 refuses a total above 可用余额 before asking anything', async () => {
    serve()
    await open()
    await typeIn('.money-allocate__per-card', '64.41')
    await waitForText('本次预分配总金额¥128.82')
    expect(problem()).toBe('本次预分配总金额不能超过可用余额')
    expect(disabled(submitButton())).toBe(true)
    click(submitButton())
    await new Promise((r) => setTimeout(r, 50))
    expect(document.querySelector('.nut-dialog')).toBeNull()

    await typeIn('.money-allocate__per-card', '64.40')
    await waitFor(() => expect(problem()).toBeNull())
    expect(disabled(submitButton())).toBe(false)
  })

  it("分配全部可用余额 sends mode 'all' after a confirmation naming the whole balance", async () => {
    serve()
    await open()
    click(find('.money-allocate__all'))
    const dialog = await confirmDialog()
    expect(dialog).toContain('分配全部可用余额')
    expect(dialog).toContain('本次预分配总金额¥128.80')
    expect(dialog).toContain('分不尽的零头（分）依次分配给车牌排序靠前的车辆')
    click(find('.nut-dialog-footer-ok'))
    await waitForText('预分配成功')
    expect(applies()).toEqual([{ key: expect.any(String), allocation: { mode: 'all' } }])
    expect(text(find('.money-allocate-result'))).toContain('可用余额¥0.00')
    expect(text(find('.money-allocate-result'))).toContain('浙A1111D 3301*****4421¥64.40')
    await waitFor(() => expect(text(find('.money-funds'))).toContain('¥0.00'))
    expect(disabled(find('.money-allocate__all'))).toBe(true)
  })

  it('自定义分配: an amount per row, the total refused above 可用余额, then the chosen cards in fen', async () => {
    serve()
    await open()
    click(find('.money-mode-custom'))
    await waitFor(() => expect(document.querySelectorAll('.money-alloc-amount input')).toHaveLength(2))
    // the frozen card has no input
    expect(rows()[1].querySelector('.money-alloc-amount')).toBeNull()
    const [first, third] = Array.from(document.querySelectorAll('.money-alloc-amount'))

    typeInto(first, '100')
    typeInto(third, '50')
    await waitForText('本次预分配总金额¥150.00')
    expect(problem()).toBe('本次预分配总金额不能超过可用余额')
    expect(disabled(submitButton())).toBe(true)

    typeInto(third, '1.234')
    await waitFor(() => expect(problem()).toBe('请修正标红的分配金额'))
    expect(text(rows()[2])).toContain('请输入正确的金额，最多两位小数')

    typeInto(third, '20')
    await waitForText('本次预分配总金额¥120.00')
    expect(problem()).toBeNull()
    expect(text()).toContain('已填写 2 辆')
    click(submitButton())
    const dialog = await confirmDialog()
    expect(dialog).toContain('分配车辆2 辆')
    expect(dialog).toContain('浙A1111D¥100.00')
    expect(dialog).toContain('浙C22222¥20.00')
    click(find('.nut-dialog-footer-ok'))
    await waitForText('预分配成功')
    expect(applies()).toEqual([
      {
        key: expect.any(String),
        allocation: {
          mode: 'custom',
          items: [
            { cardId: 'card-m1', amount: 10000 },
            { cardId: 'card-m3', amount: 2000 },
          ],
        },
      },
    ])
    // the inputs are cleared for the next allocation
    await waitFor(() => expect(text(find('.money-allocate__total'))).toBe('本次预分配总金额¥0.00'))
  })

  it('retries a lost allocation with the same key and shows the one result', async () => {
    serve({ lostAllocations: 1 })
    await open()
    await typeIn('.money-allocate__per-card', '10')
    await waitForText('本次预分配总金额¥20.00')
    click(submitButton())
    await confirmDialog()
    click(find('.nut-dialog-footer-ok'))
    await waitForText('网络异常，请检查网络后重试')

    await waitFor(() => expect(document.querySelector('.nut-dialog')).toBeNull())
    click(submitButton())
    await confirmDialog()
    click(find('.nut-dialog-footer-ok'))
    await waitForText('预分配成功')
    const [first, retry] = applies()
    expect(retry).toEqual(first)
    // applied once: 128.80 - 2 × 10.00
    expect(text(find('.money-allocate-result'))).toContain('可用余额¥108.80')
  })

  it('sends a fleet above the per-allocation limit to 自定义分配', async () => {
    serve({ summary: { receivingCards: 101 } })
    await open()
    expect(problem()).toBe('储值卡车辆超过100辆，请使用自定义分配分批进行')
    expect(disabled(find('.money-allocate__all'))).toBe(true)
    await typeIn('.money-allocate__per-card', '1')
    await waitForText('本次预分配总金额¥101.00')
    expect(disabled(submitButton())).toBe(true)
  })

  it('says so when no card can receive', async () => {
    serve({ summary: { receivingCards: 0 } })
    await open()
    expect(problem()).toBe('暂无可接收预分配的ETC通行卡（仅已发行的储值卡可接收）')
    expect(disabled(find('.money-allocate__all'))).toBe(true)
  })
})
