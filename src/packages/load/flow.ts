/**
 * The roadside load as the phone runs it (issue 10, load-protocol.md §6), free of Taro so tests
 * drive it against the virtual card box: read the card, load.start, the user confirms, INITIALIZE
 * FOR LOAD → load.init (MAC2) → CREDIT FOR LOAD → load.confirm (TAC) → read the balance again.
 * After a lost link it reconnects, re-reads and asks load.recover with a FRESH init: an old MAC2
 * is never sent twice and nothing the phone could fake settles a load.
 */
import type { ActionRequest, ActionResponse } from '../../../types'
import type { LoadView } from '../../../types/actions/load'
import { formatYuan, type Fen } from '../../../types/money'
import { ApiError } from '../../services/api/errors'
import type { CardChannel } from '../../ble/apdu/channel'
import { expectOk } from '../../ble/apdu/responses'
import {
  getBalance,
  initializeUnlessPin,
  initializeWithPin,
  readCard,
  selectEtc,
  type CardReading,
} from '../../ble/apdu/session'
import { hexToBytes, bytesToHex } from '../../ble/bytes'
import { CardLinkError } from '../../ble/errors'

export type LoadAction = 'load.start' | 'load.init' | 'load.confirm' | 'load.recover' | 'load.status'

/** The one API client (src/services/api `call`), or the api entry itself in tests. */
export type LoadCaller = <A extends LoadAction>(
  action: A,
  payload: ActionRequest<A>,
) => Promise<ActionResponse<A>>

/** A started load and the INITIALIZE FOR LOAD the card gets for it. */
export interface StartedLoad {
  load: LoadView
  initApdu: string
}

/**
 * The saga's steps as one caller reaches them: the driver's own card (load.*) or an outlet's
 * operator (outlet.load.*, packages/outlet). The card work is the same; only the start differs.
 */
export interface LoadApi {
  /** what the open-load key is remembered under (a card, an outlet record) */
  scope: string
  /**
   * starts a load, or answers the same one again for the same key. `cardNo` is the card just read
   * (file 0015); `restartOf` a load of this flow that provably did not happen (load.recover:
   * not_loaded), to be started again.
   */
  start(key: string, context: { cardNo: string; restartOf?: LoadView }): Promise<StartedLoad>
  init(request: ActionRequest<'load.init'>): Promise<ActionResponse<'load.init'>>
  confirm(request: ActionRequest<'load.confirm'>): Promise<ActionResponse<'load.confirm'>>
  recover(request: ActionRequest<'load.recover'>): Promise<ActionResponse<'load.recover'>>
  status(request: ActionRequest<'load.status'>): Promise<ActionResponse<'load.status'>>
}

/** The driver's load of one of the account's cards: all its unloaded funds, or `amount` of them. */
export function driverLoadApi(call: LoadCaller, cardId: string, amount?: Fen): LoadApi {
  return {
    scope: cardId,
    start: (key, { restartOf }) => {
      const part = restartOf?.amount ?? amount
      return call('load.start', { key, cardId, ...(part !== undefined ? { amount: part } : {}) })
    },
    init: (request) => call('load.init', request),
    confirm: (request) => call('load.confirm', request),
    recover: (request) => call('load.recover', request),
    status: (request) => call('load.status', request),
  }
}

/** A connected card: over a BLE device's card channel or an NFC tap. */
export interface CardLink {
  channel: CardChannel
  close(): Promise<void> | void
}

export interface LoadFlowOptions {
  api: LoadApi
  /** opens the link again each time (the chosen BLE device, or waits for the NFC tap) */
  connect: () => Promise<CardLink>
  newKey: () => string
  /**
   * Remembers the key of the card's open load across pages and app restarts: a load left at the
   * confirm dialog or interrupted mid-write is picked up again (load.start answers the same load
   * for the same key) instead of blocking the card until it lapses.
   */
  keys?: LoadKeyStore
  /** link failures in a row before the flow gives up and shows 重试 */
  reconnectAttempts?: number
  /**
   * A PIN this card accepted moments ago (the outlet's reading before 未圈存): the load sends it
   * instead of spending a try on the default or asking the customer a second time.
   */
  acceptedPin?: string
}

export interface LoadKeyStore {
  get(scope: string): string | null
  set(scope: string, key: string): void
  clear(scope: string): void
}

/** The progress steps the native component and its fallback show. */
export const LOAD_STEPS = ['连接设备', '读取卡片', '确认金额', '写卡圈存', '核对余额'] as const

export type LoadPhase =
  | 'idle'
  | 'connecting'
  | 'reading'
  | 'starting'
  | 'confirm'
  | 'loading'
  | 'pin'
  | 'recovering'
  | 'verifying'
  | 'done'
  | 'failed'

export interface CardSummary {
  plate: string
  /** first 4 + ***** + last 4 */
  cardNo: string
  cardType: string
  balance: Fen
}

export interface LoadReceipt {
  loadId: string
  plate: string
  cardNo: string
  amount: Fen
  balanceBefore: Fen
  balanceAfter: Fen
  /** ISO instant the server confirmed it */
  confirmedAt: string
}

export interface LoadFlowState {
  phase: LoadPhase
  /** index into LOAD_STEPS */
  step: number
  percent: number
  /** what is happening now, in Chinese */
  status: string
  card: CardSummary | null
  amount: Fen | null
  receipt: LoadReceipt | null
  error: string | null
  /** the error leaves the flow where 重试 can pick it up */
  retryable: boolean
  /** phase 'pin': the tries the card has left (63Cx); null before any wrong PIN */
  pinTriesLeft: number | null
}

const PROGRESS: Record<LoadPhase, { step: number; percent: number; status: string }> = {
  idle: { step: 0, percent: 0, status: '准备连接' },
  connecting: { step: 0, percent: 10, status: '正在连接设备' },
  reading: { step: 1, percent: 25, status: '正在读取卡片' },
  starting: { step: 2, percent: 35, status: '正在查询待圈存金额' },
  confirm: { step: 2, percent: 40, status: '请确认圈存金额' },
  loading: { step: 3, percent: 60, status: '正在写卡，请勿移开卡片或断开设备' },
  pin: { step: 3, percent: 50, status: '请输入通行卡密码' },
  recovering: { step: 3, percent: 70, status: '连接中断，正在重新连接并核对圈存结果' },
  verifying: { step: 4, percent: 90, status: '正在核对卡内余额' },
  done: { step: 5, percent: 100, status: '圈存成功' },
  failed: { step: 0, percent: 0, status: '圈存未完成' },
}

export const CARD_TYPE_LABELS: Record<'stored' | 'credit' | 'unknown', string> = {
  stored: '储值卡',
  credit: '记账卡',
  unknown: '未知卡类型',
}

/** The issuer's default PIN: tried once, silently, when the card asks for a PIN. */
export const DEFAULT_PIN = '123456'

export const PIN_LOCKED = '通行卡密码已锁定，本次未圈存，请携带通行卡到ETC服务网点解锁后再圈存'

/** What the card accepts as a PIN: BCD, so an even count of digits. */
export function isPinFormat(pin: string): boolean {
  return /^(\d{2}){2,6}$/.test(pin)
}

export const PIN_FORMAT = '密码格式不正确，请输入4至12位数字密码'

export function pinPrompt(triesLeft: number | null): string {
  return triesLeft === null ? '请输入通行卡密码' : `请输入通行卡密码，还可尝试 ${triesLeft} 次`
}

const UNCERTAIN = '圈存结果暂无法确认，已提交核实，请勿重复圈存；如有疑问请联系客服'

export const CREDIT_CARD_REFUSED = '该卡为记账卡，记账卡通行费由银行账户代扣，无需圈存；只有储值卡可以圈存'

export function maskCardNo(cardNo: string): string {
  return cardNo.length <= 8 ? '*'.repeat(cardNo.length) : `${cardNo.slice(0, 4)}*****${cardNo.slice(-4)}`
}

/** A lost link, a timeout or a garbled frame: the card may or may not have done the last command. */
function isLinkFailure(e: unknown): boolean {
  if (!(e instanceof CardLinkError)) return false
  return e.code.startsWith('BLE_') || e.code.startsWith('FRAME_') || e.code === 'NFC_TAG_LOST'
}

/** Network trouble on the way to the api: the server may or may not have done the call. */
function isNetworkFailure(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 'NETWORK' || e.status >= 500)
}

function messageOf(e: unknown): string {
  if (e instanceof CardLinkError || e instanceof ApiError) return e.message
  if (e instanceof FlowError) return e.message
  return '圈存失败，请重试'
}

/** A stop the flow itself decides (credit card, wrong sum, uncertain load). */
export class FlowError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
    this.name = 'FlowError'
  }
}

type Pending = StartedLoad

export class LoadFlow {
  private current: LoadFlowState = {
    ...PROGRESS.idle,
    phase: 'idle',
    card: null,
    amount: null,
    receipt: null,
    error: null,
    retryable: false,
    pinTriesLeft: null,
  }
  private readonly listeners = new Set<(state: LoadFlowState) => void>()
  private link: CardLink | null = null
  private reading: CardReading | null = null
  private pending: Pending | null = null
  /** load.init was sent for `pending`: from then on only load.recover may tell what happened */
  private initSent = false
  /** a link failure at or after the credit: the next contact recovers instead of crediting */
  private needsRecovery = false
  /** the server confirmed the load: what is left is reading the balance for the receipt */
  private confirmed: LoadView | null = null
  private busy = false
  /** the card answered 6982 to INITIALIZE FOR LOAD: each init goes after a VERIFY PIN */
  private pinRequired = false
  private defaultPinTried = false
  /** the one PIN the user typed, sent once and then forgotten */
  private enteredPin: string | null = null
  /** a PIN this card accepted: re-inits after a lost link (recovery) send it again */
  private acceptedPin: string | null

  constructor(private readonly options: LoadFlowOptions) {
    this.acceptedPin = options.acceptedPin ?? null
  }

  get state(): LoadFlowState {
    return this.current
  }

  subscribe(listener: (state: LoadFlowState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(patch: Partial<LoadFlowState>): void {
    const phase = patch.phase ?? this.current.phase
    const progress = patch.phase ? PROGRESS[phase] : {}
    this.current = { ...this.current, ...progress, ...patch }
    for (const l of this.listeners) l(this.current)
  }

  private async exclusive(run: () => Promise<void>): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      await run()
    } finally {
      this.busy = false
    }
  }

  /** Connect, read the card, refuse a credit card, load.start: ends waiting for the user's confirm. */
  begin(): Promise<void> {
    return this.exclusive(() => this.guard(() => this.prepare()))
  }

  /** The user confirmed the amount: write the card and verify it. */
  confirm(): Promise<void> {
    return this.exclusive(() => this.guard(() => this.load()))
  }

  /**
   * The user typed the card's PIN (phase 'pin'): sent once with INITIALIZE FOR LOAD; a wrong one
   * asks again with the tries left, never resent.
   */
  submitPin(pin: string): Promise<void> {
    return this.exclusive(() =>
      this.guard(async () => {
        if (this.current.phase !== 'pin') return
        // a malformed entry never reaches the card, so it costs no try
        if (!isPinFormat(pin)) return this.set({ error: PIN_FORMAT })
        this.enteredPin = pin
        return this.load()
      }),
    )
  }

  /** 重试 after a failure: continues the same load from where it stopped (recovering when needed). */
  retry(): Promise<void> {
    return this.exclusive(() =>
      this.guard(async () => {
        if (!this.pending || !this.reading) return this.prepare()
        return this.load()
      }),
    )
  }

  async close(): Promise<void> {
    await this.dropLink()
  }

  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run()
    } catch (e) {
      if (isLinkFailure(e)) await this.dropLink()
      const retryable = e instanceof FlowError ? e.retryable : true
      this.set({ phase: 'failed', error: messageOf(e), retryable })
    }
  }

  private async dropLink(): Promise<void> {
    const link = this.link
    this.link = null
    if (link) await Promise.resolve(link.close()).catch(() => undefined)
  }

  private async channel(): Promise<CardChannel> {
    if (this.link) return this.link.channel
    this.set({ phase: 'connecting', error: null })
    this.link = await this.options.connect()
    return this.link.channel
  }

  private async prepare(): Promise<void> {
    this.set({ error: null, retryable: false })
    const channel = await this.channel()
    this.set({ phase: 'reading' })
    const reading = await readCard(channel)
    if (reading.file.cardKind !== 'stored') {
      throw new FlowError(
        reading.file.cardKind === 'credit' ? CREDIT_CARD_REFUSED : '无法识别该卡类型，只有ETC储值卡可以圈存',
        false,
      )
    }
    this.reading = reading
    this.set({
      card: {
        plate: reading.file.plate,
        cardNo: maskCardNo(reading.file.cardNo),
        cardType: CARD_TYPE_LABELS[reading.file.cardKind],
        balance: reading.balance as Fen,
      },
    })
    if (!this.pending) {
      this.set({ phase: 'starting' })
      this.pending = await this.start()
    }
    this.set({ phase: 'confirm', amount: this.pending.load.amount })
  }

  /** load.start, resuming the open load when the key store remembers one. */
  private async start(): Promise<Pending> {
    const { api, keys } = this.options
    const cardNo = this.reading?.file.cardNo ?? ''
    const remembered = keys?.get(api.scope) ?? null
    if (remembered) {
      const again = await api.start(remembered, { cardNo }).catch(() => null)
      const state = again?.load.state
      if (again && (state === 'created' || state === 'initialized')) {
        // an interrupted write: whatever happened is settled by load.recover, never by a second MAC2
        this.initSent = state === 'initialized'
        return { load: again.load, initApdu: again.initApdu }
      }
      if (state === 'uncertain') throw new FlowError(UNCERTAIN, false)
      keys?.clear(api.scope)
    }
    const key = this.options.newKey()
    const started = await api.start(key, { cardNo })
    keys?.set(api.scope, key)
    return { load: started.load, initApdu: started.initApdu }
  }

  /** Runs the load to the receipt, recovering after each lost link up to `reconnectAttempts` times. */
  private async load(): Promise<void> {
    const attempts = this.options.reconnectAttempts ?? 3
    for (let failures = 0; ;) {
      try {
        this.set({ error: null, retryable: false })
        await this.loadOnce()
        return
      } catch (e) {
        if (!isLinkFailure(e) || ++failures > attempts) throw e
        await this.dropLink()
      }
    }
  }

  private async loadOnce(): Promise<void> {
    const pending = this.pending
    const reading = this.reading
    if (!pending || !reading) throw new FlowError('请先读取卡片', true)
    const channel = await this.channel()
    if (this.confirmed) return this.verify(channel, this.confirmed, true)
    if (this.needsRecovery || this.initSent) {
      await this.recover(channel)
      return
    }
    this.set({ phase: 'loading' })
    await selectEtc(channel)
    const init = await this.initialize(channel, pending.initApdu)
    if (init === null) return
    this.initSent = true
    let initialized: ActionResponse<'load.init'>
    try {
      initialized = await this.options.api.init({
        loadId: pending.load.loadId,
        response: init,
        cardNo: reading.file.cardNo,
      })
    } catch (e) {
      // refused for a reason (wrong card, MAC1): the load is still 'created' and may init again
      if (!isNetworkFailure(e)) this.initSent = false
      throw e
    }
    let tac: string
    try {
      tac = await this.send(channel, initialized.creditApdu, 'credit for load')
    } catch (e) {
      // the card may have credited: only an authenticated reading tells
      if (isLinkFailure(e)) this.needsRecovery = true
      throw e
    }
    const confirmed = await this.confirmWith('credit', tac)
    await this.verify(channel, confirmed, false)
  }

  /**
   * After an interruption the server's state of the load decides: still 'created' (load.init never
   * arrived) inits again; 'initialized' needs a FRESH init (new card random) for load.recover; never
   * the old MAC2.
   */
  private async recover(channel: CardChannel): Promise<void> {
    const pending = this.pending
    if (!pending) throw new FlowError('请先读取卡片', true)
    this.set({ phase: 'recovering' })
    const { load } = await this.options.api.status({ loadId: pending.load.loadId })
    switch (load.state) {
      case 'created':
        this.initSent = false
        this.needsRecovery = false
        return this.loadOnce()
      case 'confirmed':
        return this.verify(channel, load, true)
      case 'not_loaded':
      case 'expired':
        return this.restart()
      case 'uncertain':
        throw new FlowError(UNCERTAIN, false)
      case 'initialized':
        break
    }
    await selectEtc(channel)
    const fresh = await this.initialize(channel, pending.initApdu)
    if (fresh === null) return
    const recovered = await this.options.api.recover({
      loadId: pending.load.loadId,
      response: fresh,
    })
    this.needsRecovery = false
    if (recovered.outcome === 'happened' && recovered.proofApdu) {
      const proof = await this.send(channel, recovered.proofApdu, 'transaction proof')
      const confirmed = await this.confirmWith('proof', proof)
      await this.verify(channel, confirmed, false)
      return
    }
    if (recovered.outcome === 'not_loaded') return this.restart()
    throw new FlowError(UNCERTAIN, false)
  }

  /** The credit never happened: a new load with a new init and a new MAC2. */
  private async restart(): Promise<void> {
    const pending = this.pending
    const reading = this.reading
    if (!pending || !reading) throw new FlowError('请先读取卡片', true)
    const { api, keys } = this.options
    const key = this.options.newKey()
    const started = await api.start(key, { cardNo: reading.file.cardNo, restartOf: pending.load })
    keys?.set(api.scope, key)
    this.pending = { load: started.load, initApdu: started.initApdu }
    this.initSent = false
    this.needsRecovery = false
    return this.loadOnce()
  }

  private async confirmWith(source: 'credit' | 'proof', response: string): Promise<LoadView> {
    const pending = this.pending
    if (!pending) throw new FlowError('请先读取卡片', true)
    // a lost answer is retried with the same TAC: the server confirms once
    for (let attempt = 0; ; attempt++) {
      try {
        const { load } = await this.options.api.confirm({
          loadId: pending.load.loadId,
          source,
          response,
        })
        return load
      } catch (e) {
        if (!isNetworkFailure(e) || attempt >= 2) throw e
      }
    }
  }

  /** The load is confirmed on the server: read the balance (again, after a lost link) and show the receipt. */
  private async verify(channel: CardChannel, load: LoadView, reselect: boolean): Promise<void> {
    const reading = this.reading
    if (!reading) throw new FlowError('请先读取卡片', true)
    this.confirmed = load
    this.set({ phase: 'verifying' })
    if (reselect) await selectEtc(channel)
    const after = await getBalance(channel)
    const before = load.balanceBefore ?? (reading.balance as Fen)
    if (after !== before + load.amount) {
      throw new FlowError(
        `圈存已完成，但卡内余额核对不一致（圈存前${formatYuan(before)}元，圈存${formatYuan(load.amount)}元，当前${formatYuan(after as Fen)}元），请联系客服`,
        false,
      )
    }
    this.options.keys?.clear(this.options.api.scope)
    this.set({
      phase: 'done',
      card: this.current.card ? { ...this.current.card, balance: after as Fen } : null,
      receipt: {
        loadId: load.loadId,
        plate: load.plate || reading.file.plate,
        cardNo: load.cardNo,
        amount: load.amount,
        balanceBefore: before,
        balanceAfter: after as Fen,
        confirmedAt: load.updatedAt,
      },
    })
    await this.dropLink()
  }

  /**
   * INITIALIZE FOR LOAD, after a VERIFY PIN in the same message when the card asks for one (6982).
   * The default PIN goes once, then only what the user types, each once: every wrong PIN costs
   * the card a try. Null: the flow now waits in phase 'pin' for the user.
   */
  private async initialize(channel: CardChannel, initApdu: string): Promise<string | null> {
    if (!this.pinRequired) {
      const reply = await initializeUnlessPin(channel, initApdu)
      if (reply !== null) return reply
      this.pinRequired = true
    }
    const pin = this.acceptedPin ?? this.enteredPin ?? (this.defaultPinTried ? null : DEFAULT_PIN)
    this.enteredPin = null
    if (pin === DEFAULT_PIN) this.defaultPinTried = true
    if (pin === null) {
      this.set({ phase: 'pin' })
      return null
    }
    const init = await initializeWithPin(channel, pin, initApdu)
    if (init.kind !== 'ok') {
      this.acceptedPin = null
      if (init.kind === 'locked') throw new FlowError(PIN_LOCKED, false)
      this.set({ phase: 'pin', pinTriesLeft: init.triesLeft })
      return null
    }
    this.acceptedPin = pin
    this.set({ pinTriesLeft: null })
    return init.reply
  }

  private async send(channel: CardChannel, apdu: string, what: string): Promise<string> {
    const [reply] = await channel.transceive([hexToBytes(apdu)])
    if (!reply) throw new CardLinkError('CARD_RESPONSE', what)
    expectOk(reply, what)
    return bytesToHex(reply)
  }
}
