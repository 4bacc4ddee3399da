// CardChannel over WeChat's NFC IsoDep: one transceive per APDU, no frames.
import type { CardChannel } from '../apdu/channel'
import { concatBytes } from '../bytes'
import { CardLinkError, type CardLinkErrorCode } from '../errors'
import { realClock, withTimeout, type Clock } from './clock'

interface Callbacks<T> {
  success?: (result: T) => void
  fail?: (error: { errCode?: number; errMsg?: string }) => void
}

export interface IsoDepTransceiveResult {
  data: ArrayBuffer
  /** iOS (base library 3.17.5+) reports the status word apart from the data */
  sw1?: number
  sw2?: number
}

export interface NfcIsoDep {
  connect(options: Callbacks<unknown>): void
  close(options: Callbacks<unknown>): void
  transceive(options: { data: ArrayBuffer } & Callbacks<IsoDepTransceiveResult>): void
  setTimeout?(options: { timeout: number } & Callbacks<unknown>): void
}

export interface NfcAdapterApi {
  startDiscovery(options: Callbacks<unknown>): void
  stopDiscovery(options: Callbacks<unknown>): void
  onDiscovered(callback: (result: { techs: string[] }) => void): void
  offDiscovered?(callback: (result: { techs: string[] }) => void): void
  getIsoDep(): NfcIsoDep
}

const NFC_CODES: Record<number, CardLinkErrorCode> = {
  13000: 'NFC_UNSUPPORTED',
  13001: 'NFC_OFF',
  13019: 'NFC_NOT_AUTHORIZED',
}

export function nfcError(raw: { errCode?: number; errMsg?: string } | unknown): CardLinkError {
  if (raw instanceof CardLinkError) return raw
  const e = (typeof raw === 'object' && raw !== null ? raw : {}) as { errCode?: number; errMsg?: string }
  const detail = `${e.errCode ?? ''} ${e.errMsg ?? ''}`.trim()
  const code = e.errCode !== undefined ? NFC_CODES[e.errCode] : undefined
  if (code) return new CardLinkError(code, detail)
  if (/lost|connect/i.test(e.errMsg ?? '')) return new CardLinkError('NFC_TAG_LOST', detail)
  return new CardLinkError('NFC_FAILED', detail)
}

function call<T>(run: (callbacks: Callbacks<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run({ success: resolve, fail: (e) => reject(nfcError(e)) }))
}

export class NfcCardChannel implements CardChannel {
  constructor(
    private readonly isoDep: NfcIsoDep,
    private readonly adapter: NfcAdapterApi,
  ) {}

  async transceive(apdus: Uint8Array[]): Promise<Uint8Array[]> {
    const responses: Uint8Array[] = []
    for (const apdu of apdus) {
      const data = new ArrayBuffer(apdu.length)
      new Uint8Array(data).set(apdu)
      const result = await call<IsoDepTransceiveResult>((cb) => this.isoDep.transceive({ data, ...cb }))
      const body = new Uint8Array(result.data.slice(0))
      responses.push(
        typeof result.sw1 === 'number' && typeof result.sw2 === 'number'
          ? concatBytes(body, Uint8Array.of(result.sw1, result.sw2))
          : body,
      )
    }
    return responses
  }

  /** Discovery stays on while the card is in use (iOS ends the tag session with it). */
  async close(): Promise<void> {
    await call((cb) => this.isoDep.close(cb)).catch(() => undefined)
    await call((cb) => this.adapter.stopDiscovery(cb)).catch(() => undefined)
  }
}

/** Start discovery and resolve with a connected channel once an ISO 14443-4 (IsoDep) card is tapped. */
export async function waitForNfcCard(
  adapter: NfcAdapterApi,
  options: { clock?: Clock; timeoutMs?: number } = {},
): Promise<NfcCardChannel> {
  const clock = options.clock ?? realClock
  let handler: ((result: { techs: string[] }) => void) | null = null
  const tapped = new Promise<void>((resolve) => {
    handler = (result) => {
      if (result.techs.some((t) => t === 'ISO-DEP' || t === 'IsoDep' || t === 'isoDep')) resolve()
    }
    adapter.onDiscovered(handler)
  })
  await call((cb) => adapter.startDiscovery(cb))
  try {
    await withTimeout(
      clock,
      tapped,
      options.timeoutMs ?? 60_000,
      () => new CardLinkError('NFC_FAILED', 'no card tapped'),
    )
    const isoDep = adapter.getIsoDep()
    await call((cb) => isoDep.connect(cb))
    return new NfcCardChannel(isoDep, adapter)
  } catch (e) {
    await call((cb) => adapter.stopDiscovery(cb)).catch(() => undefined)
    throw e
  } finally {
    if (handler) adapter.offDiscovered?.(handler)
  }
}
