import { useCallback, useRef, useState } from 'react'
import { ApiError, errorMessage } from '../../../services/api'
import { useCaptcha, type Captcha } from '../../../hooks/useCaptcha'
import { useCountdown } from './useCountdown'
import { captchaError } from './validate'

/**
 * When a send needs the graphic captcha:
 * - 'whenAsked': once the server answers CAPTCHA_REQUIRED (the phone had its three captcha-free
 *   codes today), and for every send after that;
 * - 'forResend': the form's first step sent the code with its own captcha (重置密码, 找回昵称
 *   ask for one every time), so each 重新获取 after `begin` needs a new one.
 */
export type CaptchaMode = 'whenAsked' | 'forResend'

export interface CaptchaAnswer {
  captchaId: string
  captchaText: string
}

/** What a send answers: the wait before the next one, and the masked phone when the server says it. */
export interface SentCode {
  cooldownSeconds: number
  phone?: string
}

export interface SmsSend {
  /** Seconds until another code may be asked for; 0 when it may. */
  countdown: number
  sending: boolean
  /** Why the last send did not happen: a check here, or the server's message as given. */
  error: string | null
  /** Where the last code went. */
  notice: string | null
  /** The captcha to show with the send button; null while none is needed. */
  captcha: Captcha | null
  /** A code sent elsewhere (step 1 of a form): start the countdown and say where it went. */
  begin: (sent: SentCode, notice?: string) => void
  clearMessages: () => void
  send: <T extends SentCode>(
    problem: string | null,
    request: (captcha: CaptchaAnswer | null) => Promise<T>,
    noticeOf?: (sent: T) => string,
  ) => Promise<T | null>
}

function defaultNotice(sent: SentCode): string {
  return sent.phone ? `验证码已发送至 ${sent.phone}，请注意查收短信` : '验证码已发送，请注意查收短信'
}

/** 获取验证码: one send at a time, the countdown, and the captcha when the server wants one. */
export function useSmsSend(mode: CaptchaMode = 'whenAsked'): SmsSend {
  const [countdown, setCountdown] = useCountdown()
  const [asked, setAsked] = useState(false)
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const running = useRef(false)
  // A captcha only while a send is possible: captchas are counted per caller and expire.
  const captchaShown = asked && countdown === 0
  const captcha = useCaptcha(captchaShown)

  const begin = useCallback(
    (sent: SentCode, text?: string) => {
      setCountdown(sent.cooldownSeconds > 0 ? sent.cooldownSeconds : 60)
      if (mode === 'forResend') setAsked(true)
      setError(null)
      setNotice(text ?? defaultNotice(sent))
    },
    [mode, setCountdown],
  )

  const clearMessages = useCallback(() => {
    setError(null)
    setNotice(null)
  }, [])

  const send = async <T extends SentCode>(
    problem: string | null,
    request: (captcha: CaptchaAnswer | null) => Promise<T>,
    noticeOf: (sent: T) => string = defaultNotice,
  ): Promise<T | null> => {
    if (running.current || countdown > 0) return null
    const check = problem ?? (captchaShown ? captchaError(captcha.captchaId, captcha.text) : null)
    if (check) {
      setNotice(null)
      setError(check)
      return null
    }
    const answer =
      captchaShown && captcha.captchaId
        ? { captchaId: captcha.captchaId, captchaText: captcha.text.trim() }
        : null
    clearMessages()
    running.current = true
    setSending(true)
    try {
      const sent = await request(answer)
      begin(sent, noticeOf(sent))
      return sent
    } catch (e) {
      setError(errorMessage(e))
      if (e instanceof ApiError && e.code === 'CAPTCHA_REQUIRED') setAsked(true)
      // a captcha is good for one try: a failed send needs a new one
      else if (answer) void captcha.refresh()
      return null
    } finally {
      running.current = false
      setSending(false)
    }
  }

  return {
    countdown,
    sending,
    error,
    notice,
    captcha: captchaShown ? captcha : null,
    begin,
    clearMessages,
    send,
  }
}
