import qrcode from 'qrcode-generator'

/** One row of a QR code as runs of equal modules, left to right: few views instead of one per module. */
export interface QrRun {
  dark: boolean
  length: number
}

export interface QrCode {
  /** modules per side */
  size: number
  rows: QrRun[][]
}

/** The QR code of `text` (byte mode, error correction M, the smallest version that holds it). */
export function qrOf(text: string): QrCode {
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  const size = qr.getModuleCount()
  const rows: QrRun[][] = []
  for (let r = 0; r < size; r++) {
    const runs: QrRun[] = []
    for (let c = 0; c < size; c++) {
      const dark = qr.isDark(r, c)
      const last = runs[runs.length - 1]
      if (last && last.dark === dark) last.length += 1
      else runs.push({ dark, length: 1 })
    }
    rows.push(runs)
  }
  return { size, rows }
}

/** Back from runs to modules (tests, and anything that wants to check what is drawn). */
export function modulesOf(code: QrCode): boolean[][] {
  return code.rows.map((runs) => runs.flatMap((run) => Array<boolean>(run.length).fill(run.dark)))
}
