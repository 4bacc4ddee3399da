import { once, type EventEmitter } from 'node:events'
import type { Writable } from 'node:stream'
import type { ExportColumn } from './registry'

type ExcelJs = typeof import('exceljs')

let excel: Promise<ExcelJs> | null = null

/** exceljs loads on the first export only: a scheduler run with nothing to export never parses it. */
function loadExcel(): Promise<ExcelJs> {
  excel ??= import('exceljs').then((m) => {
    // CommonJS through import(): the namespace is the module, or sits on `default`
    const mod = m as ExcelJs & { default?: ExcelJs }
    return mod.stream ? mod : (mod.default as ExcelJs)
  })
  return excel
}

interface PipedStream {
  pipes?: unknown[]
}

/**
 * exceljs's streaming writer does not wait for the zip: a committed row goes from the worksheet's
 * stream into the zip entry's input buffer whether or not the zip has taken the previous ones, so
 * a fast row source (the embedded database answers synchronously) piles the whole sheet's XML up
 * in memory (15 MB per 60,000 rows, measured). Between pages we wait until that input has drained.
 * The stream and its pipes are exceljs 4.4 internals; without them this simply does not wait.
 */
async function zipCaughtUp(sheet: object): Promise<void> {
  const stream = (sheet as { stream?: PipedStream }).stream
  for (const pipe of stream?.pipes ?? []) {
    const state = (pipe as { _writableState?: { needDrain?: boolean } })._writableState
    while (state?.needDrain) await once(pipe as EventEmitter, 'drain')
  }
}

/**
 * Streams one worksheet into `out`: the header row, then every row the pages yield, each
 * committed (written out and forgotten) as it is added, and the next page waits for the zip
 * (zipCaughtUp), so memory holds about one page whatever the row count. Every cell is a string
 * (order and card numbers stay text, money keeps its yuan text). Answers the number of data rows;
 * `out` is ended when the workbook is complete.
 */
export async function writeXlsx(
  out: Writable,
  sheetName: string,
  columns: readonly ExportColumn[],
  pages: AsyncIterable<string[][]>,
): Promise<number> {
  const { stream } = await loadExcel()
  const workbook = new stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  workbook.creator = '浙江ETC'
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((c) => ({ key: c.header, width: c.width }))
  const header = sheet.addRow(columns.map((c) => c.header))
  header.font = { bold: true }
  header.commit()
  let rows = 0
  for await (const page of pages) {
    for (const cells of page) {
      sheet.addRow(cells).commit()
      rows += 1
    }
    await zipCaughtUp(sheet)
  }
  sheet.commit()
  await workbook.commit()
  return rows
}
