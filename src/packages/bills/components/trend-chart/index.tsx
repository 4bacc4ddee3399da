import { useEffect, useRef } from 'react'
import Taro from '@tarojs/taro'
import { Canvas, Text, View } from '@tarojs/components'
import { formatYuan } from '../../../../../types/money'
import { drawTrend, type DrawnChart, type TrendPoint } from './draw'
import './index.scss'

export type { TrendPoint } from './draw'

export interface TrendChartProps {
  /** Unique on the page: the canvas is found by it. */
  id: string
  points: readonly TrendPoint[]
  /** Says what the bars are, above them (e.g. 每月通行费). */
  title: string
  /** CSS px. */
  height?: number
}

interface CanvasNode {
  width: number
  height: number
  clientWidth?: number
  getContext: (type: '2d') => CanvasRenderingContext2D | null
  /** Mini-program 2d canvas nodes only. */
  requestAnimationFrame?: (callback: () => void) => number
  cancelAnimationFrame?: (id: number) => void
}

interface NodeFields {
  node?: CanvasNode | null
  width?: number
  height?: number
}

const isMiniProgram = process.env.TARO_ENV === 'weapp' || process.env.TARO_ENV === 'alipay'

function pixelRatio(): number {
  // WeChat deprecates getSystemInfoSync in favour of getWindowInfo; Alipay and H5 still answer it
  const info = typeof Taro.getWindowInfo === 'function' ? Taro.getWindowInfo() : Taro.getSystemInfoSync()
  return Math.max(1, Math.min(3, info.pixelRatio || 1))
}

/** The canvas node and its CSS size; H5 answers a node without a size, so the rect fills it in. */
function findCanvas(id: string): Promise<{ node: CanvasNode; width: number; height: number } | null> {
  // selector queries need a routed page (H5 throws outside one, e.g. a component test)
  if (!Taro.getCurrentInstance().page) return Promise.resolve(null)
  return new Promise((resolve) => {
    Taro.createSelectorQuery()
      .select(`#${id}`)
      .fields({ node: true, size: true })
      .select(`#${id}`)
      .boundingClientRect()
      .exec((res: unknown[]) => {
        const fields = (res?.[0] ?? null) as NodeFields | null
        const rect = (res?.[1] ?? null) as { width?: number; height?: number } | null
        const node = fields?.node ?? null
        const width = fields?.width || rect?.width || node?.clientWidth || 0
        const height = fields?.height || rect?.height || 0
        resolve(node && typeof node.getContext === 'function' && width > 0 ? { node, width, height } : null)
      })
  })
}

/**
 * The one chart of the bills package: bars drawn by F2 5 on a `<Canvas type="2d">` (WeChat, Alipay and
 * H5 alike), with the same numbers as text under it so they can be read (and tested) without pixels.
 */
export default function TrendChart({ id, points, title, height = 200 }: TrendChartProps) {
  const drawn = useRef<DrawnChart | null>(null)
  const key = JSON.stringify(points)

  useEffect(() => {
    let gone = false
    const draw = async () => {
      const found = await findCanvas(id)
      if (gone || !found) return
      const ratio = pixelRatio()
      const context = found.node.getContext('2d')
      if (!context) return
      found.node.width = Math.round(found.width * ratio)
      found.node.height = Math.round((found.height || height) * ratio)
      drawn.current?.destroy()
      drawn.current = null
      const chart = await drawTrend(
        {
          context,
          width: found.width,
          height: found.height || height,
          pixelRatio: ratio,
          // H5 hands over the <canvas> element, whose window has its own timer
          ...(isMiniProgram && typeof found.node.requestAnimationFrame === 'function'
            ? {
                requestAnimationFrame: found.node.requestAnimationFrame.bind(found.node),
                cancelAnimationFrame: found.node.cancelAnimationFrame?.bind(found.node),
              }
            : {}),
        },
        points,
      )
      if (gone) chart.destroy()
      else drawn.current = chart
    }
    // the canvas is laid out on the next tick (mini-programs) or frame (H5)
    const timer = setTimeout(() => {
      draw().catch(() => {
        // a chart that cannot draw leaves the numbers below it: nothing else depends on it
      })
    }, 50)
    return () => {
      gone = true
      clearTimeout(timer)
      drawn.current?.destroy()
      drawn.current = null
    }
    // key stands for points: redraw when the numbers change, not when the array is rebuilt
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, key, height])

  return (
    <View className="trend-chart">
      <Text className="trend-chart__title">{title}</Text>
      {points.length > 0 ? (
        <Canvas
          type="2d"
          id={id}
          canvasId={id}
          className="trend-chart__canvas"
          style={{ width: '100%', height: `${height}px` }}
        />
      ) : (
        <Text className="trend-chart__empty muted">暂无可绘制的数据</Text>
      )}
      <View className="trend-chart__values">
        {points.map((p) => (
          <View key={p.label} className="trend-chart__value">
            <Text className="trend-chart__label">{p.label}</Text>
            <Text className="trend-chart__amount">¥{formatYuan(p.amount)}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}
