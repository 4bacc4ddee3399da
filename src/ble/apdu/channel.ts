/**
 * A way to send APDUs to the card: BLE (a list per card-channel message, as the A3 / 82-10 channel
 * carries lists) or NFC (one transceive per APDU). Response i answers APDU i (data then SW1 SW2);
 * an APDU the device did not answer comes back empty.
 */
export interface CardChannel {
  transceive(apdus: Uint8Array[]): Promise<Uint8Array[]>
}
