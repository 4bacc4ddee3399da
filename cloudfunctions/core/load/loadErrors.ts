/** Why the load saga refused a step. Each is raised before the step writes anything, except as noted. */
export type LoadErrorCode =
  | 'CARD_NOT_FOUND'
  | 'NOT_YOUR_CARD'
  | 'NOT_STORED_VALUE'
  | 'CARD_NOT_ISSUED'
  | 'NOTHING_TO_LOAD'
  | 'AMOUNT_EXCEEDS_UNLOADED'
  | 'CARD_BUSY'
  | 'KEY_REUSED'
  | 'LOAD_NOT_FOUND'
  | 'WRONG_STATE'
  | 'BAD_RESPONSE'
  | 'WRONG_CARD'
  | 'ALGORITHM_UNSUPPORTED'
  | 'MAC1_INVALID'
  | 'INIT_REPLAYED'
  /** Written: the contradicting reading is flagged on the card before this is raised. */
  | 'SERIAL_CONTRADICTION'
  | 'TAC_INVALID'

export class LoadError extends Error {
  constructor(
    readonly code: LoadErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'LoadError'
  }
}
