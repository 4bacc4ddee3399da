import Taro from '@tarojs/taro'
import type { ExportLink } from '../../../types'
import { readSession } from '../../services/api'

/**
 * A short-lived file link as the api answers it (exports.link, invoices.link): 'bearer' is a path
 * on the api's host that also needs the session's token; 'none' is a URL that works alone.
 */
export interface FileLink {
  url: string
  auth: 'bearer' | 'none'
  fileName: string
}

/** How the file is handed over: saved (xlsx exports) or shown (invoice PDFs). */
export type FileType = 'xlsx' | 'pdf'

/**
 * Gets an export's file onto the phone (or into the browser's downloads) from what exports.link
 * answered:
 * - H5: fetch with the session's bearer token (the link alone is refused), then a blob link
 *   named after the file, clicked;
 * - Alipay: Taro.downloadFile of the api host's path with the same Authorization header, then
 *   Taro.openDocument;
 * - WeChat: Taro.downloadFile of the cloud storage temporary URL (no header: the server checked
 *   the session before handing it out), then Taro.openDocument.
 * Throws an Error with a message to show when it fails.
 */
export function downloadExport(link: ExportLink): Promise<void> {
  return openFileLink(link, 'xlsx')
}

/**
 * The one way a linked file reaches the user. Mini-programs: Taro.downloadFile (with the bearer
 * header when the link needs it) and Taro.openDocument of `fileType`. H5: an xlsx is saved through
 * a blob link; a PDF opens in a new tab (the link itself when it works alone, else the fetched blob).
 * Throws an Error with a message to show when it fails.
 */
export async function openFileLink(link: FileLink, fileType: FileType): Promise<void> {
  const token = readSession()?.token ?? null
  const header: Record<string, string> =
    link.auth === 'bearer' && token ? { Authorization: `Bearer ${token}` } : {}
  if (process.env.TARO_ENV === 'h5') {
    return fileType === 'pdf' ? showInBrowser(link, header) : saveInBrowser(link, header)
  }
  const url = link.auth === 'bearer' ? `${ALIPAY_API_BASE.replace(/\/+$/, '')}${link.url}` : link.url
  let tempFilePath: string
  try {
    const res = await Taro.downloadFile({ url, header })
    if (res.statusCode !== 200) throw new Error(String(res.statusCode))
    tempFilePath = res.tempFilePath
  } catch {
    throw new Error('文件下载失败，请稍后重试')
  }
  try {
    await Taro.openDocument({ filePath: tempFilePath, fileType, showMenu: true })
  } catch {
    throw new Error(`文件已下载，但当前设备无法打开 ${fileType} 文件`)
  }
}

/** The server's Chinese message of a refused download, or a general one. */
async function refusal(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } }
    if (typeof body.error?.message === 'string') return body.error.message
  } catch {
    // not JSON
  }
  return '文件下载失败，请稍后重试'
}

async function fetchBlob(link: FileLink, header: Record<string, string>): Promise<Blob> {
  let response: Response
  try {
    response = await fetch(link.url, { headers: header, credentials: 'omit', cache: 'no-store' })
  } catch {
    throw new Error('网络异常，请检查网络后重试')
  }
  if (!response.ok) throw new Error(await refusal(response))
  return response.blob()
}

/** A PDF in a new tab: the link itself when it needs no header, else the fetched file. */
async function showInBrowser(link: FileLink, header: Record<string, string>): Promise<void> {
  if (link.auth === 'none') {
    // a blocked pop-up still shows the file, in this tab (back returns to the app)
    if (!window.open(link.url, '_blank')) window.location.assign(link.url)
    return
  }
  const href = URL.createObjectURL(await fetchBlob(link, header))
  if (!window.open(href, '_blank')) window.location.assign(href)
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
}

async function saveInBrowser(link: FileLink, header: Record<string, string>): Promise<void> {
  const href = URL.createObjectURL(await fetchBlob(link, header))
  const anchor = document.createElement('a')
  anchor.href = href
  anchor.download = link.fileName
  anchor.style.display = 'none'
  document.body.appendChild(anchor)
  anchor.click()
  anchor.remove()
  // the browser has taken the file by then; the blob can go
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
}
