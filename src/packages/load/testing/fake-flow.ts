import { LOAD_STEPS, type LoadFlowState } from '../flow'
import type { LoadFlowPort } from '../useLoadFlow'
import type { Fen } from '../../../../types/money'

export const IDLE: LoadFlowState = {
  phase: 'idle',
  step: 0,
  percent: 0,
  status: '准备连接',
  card: null,
  amount: null,
  receipt: null,
  error: null,
  retryable: false,
  pinTriesLeft: null,
}

export const READ_CARD: LoadFlowState = {
  ...IDLE,
  phase: 'confirm',
  step: 2,
  percent: 40,
  status: '请确认圈存金额',
  card: { plate: '浙AD35288', cardNo: '3301*****2345', cardType: '储值卡', balance: 12_345 as Fen },
  amount: 20_000 as Fen,
}

export const DONE: LoadFlowState = {
  ...READ_CARD,
  phase: 'done',
  step: LOAD_STEPS.length,
  percent: 100,
  status: '圈存成功',
  card: { ...READ_CARD.card!, balance: 32_345 as Fen },
  receipt: {
    loadId: 'load-1',
    plate: '浙AD35288',
    cardNo: '3301*****2345',
    amount: 20_000 as Fen,
    balanceBefore: 12_345 as Fen,
    balanceAfter: 32_345 as Fen,
    confirmedAt: '2026-12-02T04:05:06.000Z', // 12:05:06 in Shanghai
  },
}

/**
 * A flow whose steps the test scripts: each of begin / confirm / retry moves to the next state
 * given for it, as the real flow would after talking to the card and the api.
 */
export class FakeFlow implements LoadFlowPort {
  state: LoadFlowState = IDLE
  closed = false
  private readonly listeners = new Set<(state: LoadFlowState) => void>()

  /** every PIN the page handed over, in order */
  readonly pins: string[] = []

  constructor(
    private readonly script: {
      begin: LoadFlowState
      confirm?: LoadFlowState
      retry?: LoadFlowState
      /** the states after each submitted PIN, in order */
      pins?: LoadFlowState[]
    },
  ) {}

  subscribe(listener: (state: LoadFlowState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private go(next: LoadFlowState | undefined): Promise<void> {
    if (next) {
      this.state = next
      for (const l of this.listeners) l(next)
    }
    return Promise.resolve()
  }

  begin = () => this.go(this.script.begin)
  confirm = () => this.go(this.script.confirm)
  retry = () => this.go(this.script.retry)
  submitPin = (pin: string) => {
    this.pins.push(pin)
    return this.go(this.script.pins?.[this.pins.length - 1])
  }
  close = async () => {
    this.closed = true
  }
}

/** The card asked for its PIN after the issuer's default was refused (63C4). */
export const ASK_PIN: LoadFlowState = {
  ...READ_CARD,
  phase: 'pin',
  step: 3,
  percent: 50,
  status: '请输入通行卡密码',
  pinTriesLeft: 4,
}
