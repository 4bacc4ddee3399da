/**
 * The key service of roadside loads (PBOC electronic purse, load-protocol.md §5): it checks the
 * card's MAC1, issues the host's MAC2 and checks the card's TAC. An HSM adapter implements this
 * port; the software adapter (adapters/keys/softwareKeyService.ts) serves tests and the local
 * server. Keys never leave it: callers pass what the card said and get a verdict or a MAC.
 *
 * Every byte string is upper- or lower-case hex; amounts and balances are integer fen.
 */

/** The card's own words from the INITIALIZE FOR LOAD response, plus what the command carried. */
export interface LoadSessionInput {
  /** 20 digits as printed (network id 4 + internal number 16): the last 16 diversify the keys. */
  cardNo: string
  /** Key version and algorithm id as the init response reports them. */
  keyVersion: number
  algorithmId: number
  /** The card's pseudo-random, 4 bytes hex. */
  random: string
  /** Online serial before the load, 0..65535. */
  onlineSerial: number
  /** The amount of the init command. */
  amount: number
  /** 6 bytes hex, as in the init command. */
  terminal: string
  /** 0x02 for a load into the electronic purse; 0x01 (ED) only for the published vector. */
  transactionType: number
}

export interface Mac1Input extends LoadSessionInput {
  /** Balance before the load as the card reported it. */
  balance: number
  /** 4 bytes hex. */
  mac1: string
}

export interface Mac2Input extends LoadSessionInput {
  /** YYYYMMDD and hhmmss (Asia/Shanghai), exactly as the credit command will carry them. */
  date: string
  time: string
}

export interface TacInput {
  cardNo: string
  keyVersion: number
  algorithmId: number
  /** Balance after the load. */
  balanceAfter: number
  /** Online serial before the load. */
  onlineSerial: number
  amount: number
  transactionType: number
  terminal: string
  date: string
  time: string
  /** 4 bytes hex. */
  tac: string
}

/** The card's algorithm id names an algorithm this service does not hold keys for. */
export class KeyServiceError extends Error {
  constructor(
    readonly code: 'UNSUPPORTED_ALGORITHM' | 'UNKNOWN_KEY_VERSION' | 'BAD_INPUT',
    message: string,
  ) {
    super(message)
    this.name = 'KeyServiceError'
  }
}

export interface KeyService {
  /** True when MAC1 is the card's MAC over balance, amount, type and terminal under this session. */
  verifyMac1(input: Mac1Input): Promise<boolean>
  /** MAC2 (4 bytes hex) over amount, type, terminal, date and time under this session. */
  issueMac2(input: Mac2Input): Promise<string>
  /** True when the TAC is the card's over the completed load (from CREDIT or GET TRANSACTION PROOF). */
  verifyTac(input: TacInput): Promise<boolean>
}
