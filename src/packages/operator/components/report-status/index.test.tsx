import { mount, text } from '../../../../testing/render'
import ReportStatus from '.'

describe('report status badge', () => {
  it.each([
    ['balanced', '平账'],
    ['discrepant', '有差异'],
    ['running', '对账中'],
  ] as const)('%s reads %s', async (status, label) => {
    await mount(() => <ReportStatus status={status} />)
    const badge = document.querySelector(`.report-status--${status}`)
    expect(badge).not.toBeNull()
    expect(text()).toBe(label)
  })
})
