import type { OutboxMessage } from '../../cloudfunctions/adapters/local/outboxSms'

type OutboxRow = Pick<OutboxMessage, 'sentAt' | 'phone' | 'code' | 'text'>

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => htmlEscapes[ch])
}

/** Business time is Beijing time whatever zone the developer's machine is in. */
const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

function beijingTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : beijing.format(date)
}

/**
 * The developer's SMS outbox: the local server sends no real texts, so this page is where
 * login codes are read. It shows full phone numbers because it only lists the developer's
 * own local demo data and is served on 127.0.0.1 only. Rows come newest first from listOutbox.
 */
export function renderOutboxPage(rows: OutboxRow[], now: Date): string {
  const body =
    rows.length === 0
      ? '<p class="empty">还没有短信。在登录页点“获取验证码”后，验证码会出现在这里。</p>'
      : `<table>
  <thead><tr><th>发送时间（北京时间）</th><th>手机号</th><th>验证码</th><th>短信内容</th></tr></thead>
  <tbody>
${rows
  .map(
    (row) =>
      `    <tr><td>${escapeHtml(beijingTime(row.sentAt))}</td><td>${escapeHtml(row.phone)}</td><td class="code">${escapeHtml(row.code)}</td><td>${escapeHtml(row.text)}</td></tr>`,
  )
  .join('\n')}
  </tbody>
</table>`
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3">
<title>短信发件箱（本地开发）</title>
<style>
  body { font-family: system-ui, 'Noto Sans CJK SC', sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .note { color: #666; font-size: 13px; margin: 0 0 12px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  th, td { border-bottom: 1px solid #e5e5e5; padding: 6px 8px; text-align: left; vertical-align: top; }
  th { background: #f6f7f9; }
  .code { font: 600 18px ui-monospace, monospace; letter-spacing: 2px; color: #0a58ca; }
  .empty { color: #666; }
</style>
</head>
<body>
<h1>短信发件箱（仅本地开发）</h1>
<p class="note">本地服务不发送真实短信，验证码记录在此处，最新的在最上面。页面每 3 秒自动刷新；更新于 ${escapeHtml(
    beijingTime(now.toISOString()),
  )}。</p>
${body}
</body>
</html>
`
}
