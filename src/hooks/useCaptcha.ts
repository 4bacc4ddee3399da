import { useCallback, useEffect, useRef, useState } from 'react'
import { call, errorMessage } from '../services/api'
import { svgDataUri } from '../services/svg'

export interface Captcha {
  /** Send with the typed text; null until the first captcha arrived. */
  captchaId: string | null
  /** data: URI of the SVG image. */
  imageSrc: string | null
  text: string
  setText: (text: string) => void
  loading: boolean
  error: string | null
  /** A new image (and a cleared input): after a tap, and after every failed submit (captchas are single use). */
  refresh: () => Promise<void>
}

/** How a form asks for a captcha: the driver's client by default; operator pages send no driver token. */
export type CaptchaRequest = () => Promise<{ captchaId: string; svg: string }>

const driverCaptcha: CaptchaRequest = () => call('auth.captcha', {})

/**
 * The graphic captcha from auth.captcha. `enabled` false: nothing is fetched until it turns true
 * (captchas are counted per caller, so a form asks for one only when it shows one). `request` must
 * be a stable function (module level).
 */
export function useCaptcha(enabled = true, request: CaptchaRequest = driverCaptcha): Captcha {
  const [captchaId, setCaptchaId] = useState<string | null>(null)
  const [imageSrc, setImageSrc] = useState<string | null>(null)
  const [text, setText] = useState('')
  const [loading, setLoading] = useState(enabled)
  const [error, setError] = useState<string | null>(null)
  const latest = useRef(0)

  const refresh = useCallback(async () => {
    const id = ++latest.current
    setLoading(true)
    setError(null)
    setText('')
    try {
      const res = await request()
      if (id !== latest.current) return
      setCaptchaId(res.captchaId)
      setImageSrc(svgDataUri(res.svg))
    } catch (e) {
      if (id !== latest.current) return
      setCaptchaId(null)
      setImageSrc(null)
      setError(errorMessage(e))
    } finally {
      if (id === latest.current) setLoading(false)
    }
  }, [request])

  useEffect(() => {
    if (enabled) void refresh()
  }, [enabled, refresh])

  return { captchaId, imageSrc, text, setText, loading, error, refresh }
}
