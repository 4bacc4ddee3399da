import type { ApiEnvelope } from '../../../../types'
import { fakeSend, type FakeAnswers } from '../../../testing/fake-api'
import { send } from '../../../services/api/transport'

/** Answers the mocked transport (the test file mocks services/api/transport) from `answers`. */
export function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
