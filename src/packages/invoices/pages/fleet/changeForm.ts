import type { FleetChange, FleetPreviewRow, InvoiceSettingsPatch } from '../../../../../types'
import { emailProblem, settingsMessages } from '../../../../../types/invoiceRules'
import { titleInputOf, titleProblems, type TitleDraft, type TitleProblems } from '../../titleRules'

/** A switch of a fleet change: left as each vehicle has it, or set on / off for all. */
export type Toggle = 'keep' | 'on' | 'off'

export interface ChangeDraft {
  setTitle: boolean
  title: TitleDraft
  setSettings: boolean
  singleTrip: Toggle
  monthlyMerged: Toggle
  autoSend: Toggle
  /** Blank: each vehicle keeps its address. */
  email: string
}

export interface ChangeProblems {
  title: TitleProblems
  settings: string | null
  email: string | null
  /** Nothing chosen to change. */
  empty: string | null
}

const toBool = (t: Toggle): boolean | undefined => (t === 'keep' ? undefined : t === 'on')

function patchOf(d: ChangeDraft): InvoiceSettingsPatch {
  const patch: InvoiceSettingsPatch = {}
  const single = toBool(d.singleTrip)
  const merged = toBool(d.monthlyMerged)
  const auto = toBool(d.autoSend)
  if (single !== undefined) patch.singleTrip = single
  if (merged !== undefined) patch.monthlyMerged = merged
  if (auto !== undefined) patch.autoSend = auto
  if (d.email.trim()) patch.email = d.email.trim()
  return patch
}

/** What is wrong with the draft before anything is asked of the server. */
export function changeProblems(d: ChangeDraft): ChangeProblems {
  const patch = d.setSettings ? patchOf(d) : {}
  const problems: ChangeProblems = {
    title: d.setTitle ? titleProblems(d.title) : {},
    settings: patch.singleTrip && patch.monthlyMerged ? settingsMessages.bothKinds : null,
    email: patch.email ? emailProblem(patch.email) : null,
    empty: null,
  }
  if (!d.setTitle && Object.keys(patch).length === 0) problems.empty = '请选择要修改的发票抬头或开票设置'
  return problems
}

export function hasProblems(p: ChangeProblems): boolean {
  return Object.keys(p.title).length > 0 || p.settings !== null || p.email !== null || p.empty !== null
}

/** The request's change from a draft without problems. */
export function changeOf(d: ChangeDraft): FleetChange {
  const patch = d.setSettings ? patchOf(d) : {}
  return {
    ...(d.setTitle ? { title: titleInputOf(d.title) } : {}),
    ...(Object.keys(patch).length > 0 ? { settings: patch } : {}),
  }
}

/** The change in words, for the preview and the confirmation: 默认抬头改为“…”，省内单程一张票开启. */
export function describeChange(change: FleetChange): string {
  const parts: string[] = []
  if (change.title) parts.push(`默认发票抬头设为“${change.title.name.trim()}”`)
  const s = change.settings ?? {}
  if (s.singleTrip !== undefined) parts.push(`省内单程一张票${s.singleTrip ? '开启' : '关闭'}`)
  if (s.monthlyMerged !== undefined) parts.push(`省内单月合并票${s.monthlyMerged ? '开启' : '关闭'}`)
  if (s.email) parts.push(`发票接收邮箱改为 ${s.email}`)
  if (s.autoSend !== undefined) parts.push(`自动发送${s.autoSend ? '开启' : '关闭'}`)
  return parts.join('，')
}

const onOff = (v: boolean) => (v ? '开启' : '关闭')

/** Each field a preview row changes, before → after. */
export function rowChanges(row: FleetPreviewRow): string[] {
  const { before: b, after: a } = row
  const out: string[] = []
  if (b.defaultTitle !== a.defaultTitle)
    out.push(`抬头：${b.defaultTitle ?? '未设置'} → ${a.defaultTitle ?? '未设置'}`)
  if (b.singleTrip !== a.singleTrip) out.push(`单程票：${onOff(b.singleTrip)} → ${onOff(a.singleTrip)}`)
  if (b.monthlyMerged !== a.monthlyMerged)
    out.push(`合并票：${onOff(b.monthlyMerged)} → ${onOff(a.monthlyMerged)}`)
  if (b.email !== a.email) out.push(`邮箱：${b.email ?? '未设置'} → ${a.email ?? '未设置'}`)
  if (b.autoSend !== a.autoSend) out.push(`自动发送：${onOff(b.autoSend)} → ${onOff(a.autoSend)}`)
  return out
}
