import type {
  ActionName,
  ActionResponse,
  ApiEnvelope,
  ApiResult,
  ErrorCode,
  Me,
  VehicleSummary,
} from '../../types'
import { errorBody } from '../../types/errors'

/** What the stubbed transport answers per action: data, an error code, or a function of the payload. */
export type FakeAnswer<A extends ActionName> =
  | { data: ActionResponse<A> }
  | { error: ErrorCode; message?: string; fields?: Record<string, string> }
  | ((payload: unknown) => { data: ActionResponse<A> } | { error: ErrorCode; message?: string })

export type FakeAnswers = { [A in ActionName]?: FakeAnswer<A> }

/** A transport `send` that answers ApiResults built from the contract types. */
export function fakeSend(answers: FakeAnswers) {
  return async (envelope: ApiEnvelope): Promise<ApiResult> => {
    const action = envelope.action as ActionName
    const entry = answers[action] as FakeAnswer<typeof action> | undefined
    if (!entry) return { ok: false, error: errorBody('UNKNOWN_ACTION'), requestId: 'test' }
    const answer = typeof entry === 'function' ? entry(envelope.payload) : entry
    if ('data' in answer) return { ok: true, data: answer.data, requestId: 'test' } as ApiResult
    return { ok: false, error: errorBody(answer.error, answer.message), requestId: 'test' }
  }
}

export const me: Me = {
  account: { id: 'acc-1', userType: 'personal', displayName: '张*' },
  phone: '137****2756',
  vehicleCount: 2,
  showStoredValueMenu: true,
}

export const vehicles: VehicleSummary[] = [
  {
    id: 'veh-1',
    plate: '浙A12345',
    plateColor: '蓝',
    cardType: 'credit',
    cardNo: '3301*****9788',
    cardStatus: 'issued',
    tagNo: '3301*****0001',
    signed: true,
  },
  {
    id: 'veh-2',
    plate: '浙AD12345',
    plateColor: '渐变绿',
    cardType: 'stored',
    cardNo: '3301*****4421',
    cardStatus: 'frozen',
    tagNo: null,
    signed: null,
  },
]
