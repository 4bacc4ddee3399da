import { Step, Steps } from '@nutui/nutui-react-taro'
import './index.scss'

export type LoginStepNo = 1 | 2 | 3

/** 1 用户登录 2 信息校验 3 账号登录 */
export default function LoginSteps({ current }: { current: LoginStepNo }) {
  return (
    <Steps className="login-steps" value={current}>
      <Step value={1} title="用户登录" />
      <Step value={2} title="信息校验" />
      <Step value={3} title="账号登录" />
    </Steps>
  )
}
