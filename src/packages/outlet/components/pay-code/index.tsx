import { useMemo } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { payLink } from './link'
import { qrOf } from './qr'
import './index.scss'

export interface PayCodeProps {
  /** The mini-program page of the code, as the server answers it (OutletRechargeView.path). */
  path: string
  /** Greys the code out (expired, closed): it must not be scanned any more. */
  dimmed?: boolean
  /** The side of the code in px, quiet zone included (whole pixels per module). */
  sizePx?: number
  className?: string
}

/** Modules of white around the code, as the QR standard asks. */
const QUIET = 4

/**
 * 支付二维码 of 在线支付 (seed 002): the customer scans it with WeChat or Alipay and the program opens
 * the pay page of this card and amount. Drawn with views (one per run of modules in a row) so it
 * renders alike in H5 and the mini-programs, with no canvas; the link itself is shown under it.
 */
export default function PayCode({ path, dimmed = false, sizePx = 248, className }: PayCodeProps) {
  const link = payLink(path)
  const code = useMemo(() => qrOf(link), [link])
  // whole pixels per module: a fractional size blurs the edges the scanner looks for
  const cell = Math.max(2, Math.floor(sizePx / (code.size + 2 * QUIET)))
  const copy = () => void Taro.setClipboardData({ data: link }).catch(() => undefined)

  return (
    <View className={`pay-code${dimmed ? ' pay-code--dimmed' : ''}${className ? ` ${className}` : ''}`}>
      <View
        className="pay-code__qr"
        style={{ padding: `${QUIET * cell}px`, width: `${code.size * cell}px` }}
        data-modules={code.size}
      >
        {code.rows.map((runs, r) => (
          <View key={r} className="pay-code__row" style={{ height: `${cell}px` }}>
            {runs.map((run, i) => (
              <View
                key={i}
                className={`pay-code__run${run.dark ? ' pay-code__run--dark' : ''}`}
                style={{ width: `${run.length * cell}px` }}
              />
            ))}
          </View>
        ))}
      </View>
      <Text className="pay-code__link" userSelect>
        {link}
      </Text>
      <Text className="pay-code__copy" onClick={copy}>
        复制链接
      </Text>
    </View>
  )
}
