import { Axis, Canvas, Chart, Interval, jsx } from '@antv/f2'
import { formatYuan, type Fen } from '../../../../../types/money'

/** One bar: a month (or a plate) and what was spent there, in fen. */
export interface TrendPoint {
  label: string
  amount: Fen
}

export interface DrawTarget {
  context: CanvasRenderingContext2D
  /** CSS pixels; the canvas' backing store is width × pixelRatio. */
  width: number
  height: number
  pixelRatio: number
  /**
   * The canvas node's own frame timer (mini-program 2d canvases have one; there is no global
   * requestAnimationFrame there). Without it F2 falls back to the global one or a timeout.
   */
  requestAnimationFrame?: (callback: () => void) => number
  cancelAnimationFrame?: (id: number) => void
}

/** The handle a drawn chart keeps: destroy before drawing again or when the page goes. */
export interface DrawnChart {
  destroy: () => void
}

export const barColor = '#fa6400'

// F2's component classes are generic over their records, which its own ElementType cannot name
type F2Element = ReturnType<typeof jsx>
const el = (type: unknown, props: object, ...children: F2Element[]): F2Element =>
  jsx(type as Parameters<typeof jsx>[0], props, ...children)

// The scale works in fen (integers) and only the labels turn it into yuan: no float holds money.
const yuanLabel = (value: unknown) => (typeof value === 'number' ? formatYuan(Math.round(value) as Fen) : '')

/**
 * Draws the bars with F2 5 on a 2d context. F2's own JSX runtime is called as plain functions here so
 * this file does not mix it with React's (the page's JSX is React's).
 */
export async function drawTrend(target: DrawTarget, points: readonly TrendPoint[]): Promise<DrawnChart> {
  const data = points.map((p) => ({ label: p.label, amount: p.amount as number }))
  const children = el(
    Chart,
    {
      data,
      scale: {
        amount: { min: 0, nice: true, tickCount: 4 },
        // a label under every bar up to 12 (a year); beyond that every few, so they never overlap on a phone
        label: points.length > 12 ? { tickCount: 6 } : {},
      },
    },
    el(Axis, { field: 'label', style: { label: { fontSize: 10, fill: '#8a8f99' } } }),
    el(Axis, {
      field: 'amount',
      formatter: yuanLabel,
      style: { label: { fontSize: 10, fill: '#8a8f99' } },
    }),
    el(Interval, { x: 'label', y: 'amount', color: barColor }),
  )
  const canvas = new Canvas({
    context: target.context,
    pixelRatio: target.pixelRatio,
    width: target.width,
    height: target.height,
    animate: false,
    children,
    ...(target.requestAnimationFrame
      ? {
          requestAnimationFrame: target.requestAnimationFrame,
          cancelAnimationFrame: target.cancelAnimationFrame,
        }
      : {}),
  })
  await canvas.render()
  return { destroy: () => canvas.destroy() }
}
