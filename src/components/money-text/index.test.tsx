import { fen } from '../../../types/money'
import { mount, text } from '../../testing/render'
import MoneyText, { formatMoney } from '.'

describe('MoneyText', () => {
  it('shows fen as yuan with two decimals', async () => {
    await mount(() => <MoneyText fen={fen(1230)} />)
    expect(text()).toBe('¥12.30')
  })

  it('formats zero, single fen, large and negative amounts', () => {
    expect(formatMoney(fen(0))).toBe('¥0.00')
    expect(formatMoney(fen(1))).toBe('¥0.01')
    expect(formatMoney(fen(10000000000))).toBe('¥100,000,000.00')
    expect(formatMoney(fen(-250))).toBe('-¥2.50')
  })

  it('marks negative amounts', async () => {
    await mount(() => <MoneyText fen={fen(-5)} />)
    expect(document.querySelector('.money-text--negative')?.textContent).toBe('-¥0.05')
  })
})
