import { Text } from '@tarojs/components'
import type { ActionRequest, ApiEnvelope } from '../../../types'
import { parkingSetAnswer } from '../../testing/etc-fixtures'
import { fakeSend, type FakeAnswers } from '../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import FleetBatchStatus, { newBatchKey, useFleetBatch } from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

type SetRequest = ActionRequest<'parking.set'>
const sent = () =>
  jest
    .mocked(send)
    .mock.calls.map(([e]) => e)
    .filter((e) => e.action === 'parking.set')
    .map((e) => e.payload as SetRequest)

function answer(answers: FakeAnswers) {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

function Harness() {
  const batch = useFleetBatch('parking.set')
  return (
    <>
      <Text className="go" onClick={() => void batch.start({ vehicleIds: ['veh-1'], authorized: true })}>
        开始
      </Text>
      <FleetBatchStatus
        phase={batch.phase}
        progress={batch.progress}
        error={batch.error}
        describe={(p) => `已处理 ${p.changed} 辆`}
        onResume={() => void batch.resume()}
      />
    </>
  )
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('FleetBatchStatus / useFleetBatch', () => {
  it('keys are valid batch keys and differ every time', () => {
    const keys = Array.from({ length: 200 }, newBatchKey)
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('a refusal is shown once, never retried and offers no 继续', async () => {
    answer({ 'parking.set': { error: 'VEHICLE_NOT_CURRENT' } })
    await mount(() => <Harness />)
    click(find('.go'))
    await waitForText('历史车辆无法设置拓展授权')
    expect(sent()).toHaveLength(1)
    expect(document.querySelector('.fleet-batch__resume')).toBeNull()
  })

  it('follows continuations with one key and lists failures beyond those reported', async () => {
    let n = 0
    answer({
      'parking.set': (payload) => {
        n += 1
        const p = payload as SetRequest
        return n < 3
          ? {
              data: parkingSetAnswer({
                batchKey: p.batchKey,
                state: 'running',
                continuation: `c${n}-0123456789ab`,
                total: 80,
                processed: n * 25,
              }),
            }
          : {
              data: parkingSetAnswer({
                batchKey: p.batchKey,
                total: 80,
                processed: 80,
                changed: 70,
                failed: 10,
                failures: [{ targetId: 'v1', label: '浙A11111', code: 'NOT_FOUND', message: '记录不存在' }],
              }),
            }
      },
    })
    await mount(() => <Harness />)
    click(find('.go'))
    await waitForText('已处理 70 辆')
    expect(text()).toContain('10 辆未能处理')
    expect(text()).toContain('浙A11111 记录不存在')
    expect(text()).toContain('另有 9 辆未列出')
    const requests = sent()
    expect(requests.map((r) => r.continuation)).toEqual([undefined, 'c1-0123456789ab', 'c2-0123456789ab'])
    expect(new Set(requests.map((r) => r.batchKey)).size).toBe(1)
  })
})
