// The messages between the H5 BLE bridge (h5Bridge.ts) and the local server's virtual card boxes
// (tools/server/virtualBle.ts), as JSON text over one WebSocket. Bytes travel as hex: written
// chunks in, the box's notifications out, exactly the frames a real OBU exchanges.

export const VIRTUAL_BLE_PATH = '/dev/ble'

export type BridgeRequest =
  | { id: number; op: 'scan' }
  | { id: number; op: 'connect'; deviceId: string }
  | { id: number; op: 'notify'; deviceId: string }
  | { id: number; op: 'write'; deviceId: string; value: string }
  | { id: number; op: 'disconnect'; deviceId: string }

export interface BridgeDevice {
  deviceId: string
  name: string
  rssi: number
}

/** Failures carry WeChat's BLE error codes, so BleAdapter maps them like any platform's. */
export type BridgeReply =
  | { id: number; ok: true; devices?: BridgeDevice[] }
  | { id: number; ok: false; errCode: number; errMsg: string }

export type BridgeEvent =
  | { event: 'notify'; deviceId: string; value: string }
  | { event: 'state'; deviceId: string; connected: boolean }
