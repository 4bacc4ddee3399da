import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Dialog, Input } from '@nutui/nutui-react-taro'
import { isPinFormat, PIN_FORMAT, pinPrompt } from '../../flow'
import './index.scss'

export interface PinDialogProps {
  visible: boolean
  /** tries the card has left (63Cx), null before any wrong PIN */
  triesLeft: number | null
  /** the flow's message for the last entry (a malformed PIN) */
  error: string | null
  onSubmit: (pin: string) => void
  onCancel: () => void
}

/**
 * Asks for the card's PIN. Each 确定 hands one entry to the flow, which sends it once: the card
 * counts every wrong PIN, so nothing here resends or keeps an entry.
 */
export default function PinDialog({ visible, triesLeft, error, onSubmit, onCancel }: PinDialogProps) {
  const [pin, setPin] = useState('')
  const [invalid, setInvalid] = useState(false)
  // NutUI's Dialog closes itself after its own 确定 and keeps the first handlers it saw while its
  // props compare equal: our own footer buttons, reading the entry and callbacks from refs
  const latest = useRef({ pin, onSubmit, onCancel })
  latest.current = { pin, onSubmit, onCancel }
  // a new answer of the card (fewer tries left) starts a new, empty entry
  useEffect(() => {
    setPin('')
    setInvalid(false)
  }, [visible, triesLeft])

  const submit = () => {
    const entry = latest.current.pin
    if (!isPinFormat(entry)) return setInvalid(true)
    latest.current.onSubmit(entry)
  }
  const message = invalid ? PIN_FORMAT : error
  return (
    <Dialog
      className="load-pin"
      visible={visible}
      title="通行卡密码"
      content={
        <View className="load-pin__body">
          <Text className="load-pin__prompt">{pinPrompt(triesLeft)}</Text>
          <Input
            className="load-pin__input"
            type="password"
            maxLength={12}
            placeholder="通行卡密码"
            value={pin}
            onChange={(value) => {
              setPin(value.replace(/\D/g, ''))
              setInvalid(false)
            }}
          />
          {message ? <Text className="load-pin__error error-text">{message}</Text> : null}
          <Text className="load-note">密码输错将减少可尝试次数，次数用完通行卡将被锁定</Text>
        </View>
      }
      footer={
        <View className="load-pin__actions">
          <Button className="load-pin__cancel" onClick={() => latest.current.onCancel()}>
            取消
          </Button>
          <Button type="primary" className="load-pin__ok" onClick={submit}>
            确定
          </Button>
        </View>
      }
    />
  )
}
