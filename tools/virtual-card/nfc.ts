// WeChat's NFCAdapter / IsoDep in front of a VirtualCard, answering like Android or iOS.
import type { IsoDepTransceiveResult, NfcAdapterApi, NfcIsoDep } from '../../src/ble/transport/nfc'
import { ReplyLostError, type VirtualCard } from './card'

export interface FakeNfcOptions {
  os: 'android' | 'ios'
  /** 13000 no NFC, 13001 switched off, 13019 not authorised */
  startError?: 13000 | 13001 | 13019
  /** remove the card after this many APDUs (tag lost) */
  removeAfter?: number
}

type Cb<T> = { success?: (r: T) => void; fail?: (e: { errCode: number; errMsg: string }) => void }

export function fakeNfcAdapter(
  card: VirtualCard,
  options: FakeNfcOptions,
): NfcAdapterApi & { tap(): void; transceived: number } {
  const discovered: Array<(r: { techs: string[] }) => void> = []
  let discovering = false
  let connected = false
  const state = { transceived: 0 }
  const isoDep: NfcIsoDep = {
    connect: (o: Cb<unknown>) => {
      connected = true
      card.reset()
      o.success?.({})
    },
    close: (o: Cb<unknown>) => {
      connected = false
      o.success?.({})
    },
    transceive: (o: { data: ArrayBuffer } & Cb<IsoDepTransceiveResult>) => {
      if (!connected || (options.removeAfter !== undefined && state.transceived >= options.removeAfter)) {
        connected = false
        return o.fail?.({ errCode: 13023, errMsg: 'transceive:fail Tag was lost' })
      }
      state.transceived += 1
      let response: Uint8Array
      try {
        response = card.transceive(new Uint8Array(o.data.slice(0)))
      } catch (e) {
        if (e instanceof ReplyLostError)
          return o.fail?.({ errCode: 13023, errMsg: 'transceive:fail Tag was lost' })
        throw e
      }
      const bytes = options.os === 'ios' ? response.subarray(0, response.length - 2) : response
      const data = new ArrayBuffer(bytes.length)
      new Uint8Array(data).set(bytes)
      if (options.os === 'ios')
        o.success?.({ data, sw1: response[response.length - 2], sw2: response[response.length - 1] })
      else o.success?.({ data })
    },
  }
  return {
    get transceived() {
      return state.transceived
    },
    startDiscovery: (o: Cb<unknown>) => {
      if (options.startError) return o.fail?.({ errCode: options.startError, errMsg: 'startDiscovery:fail' })
      discovering = true
      o.success?.({})
    },
    stopDiscovery: (o: Cb<unknown>) => {
      discovering = false
      o.success?.({})
    },
    onDiscovered: (cb) => void discovered.push(cb),
    offDiscovered: (cb) => {
      const i = discovered.indexOf(cb)
      if (i >= 0) discovered.splice(i, 1)
    },
    getIsoDep: () => isoDep,
    /** The user holds the card to the phone. */
    tap() {
      if (discovering) for (const l of [...discovered]) l({ techs: ['NFC-A', 'ISO-DEP'] })
    },
  }
}
