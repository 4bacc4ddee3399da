import type { PlateColor } from '../../../types/enums'

/** 浙A12345【黄色】 as the seed writes a plate with its colour. */
export function plateText(plate: string, color: PlateColor): string {
  const name = color.endsWith('色') || color === '渐变绿' || color === '黄绿双拼' ? color : `${color}色`
  return `${plate}【${name}】`
}

/** 浙江临平站 → 上海新桥主线站; a lone station when the entry is unknown (parking, non-ETC). */
export function stationsText(entry: string | null, exit: string): string {
  return entry ? `${entry} → ${exit}` : exit
}
