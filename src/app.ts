import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { configure as configureIcons } from '@nutui/icons-react-taro/dist/es/icons/configure.js'
import { initTransport } from './services/api/transport'
import { startSession } from './services/api/launch'
import './app.scss'

// NutUI icons render as <i>, which mini-program templates do not know: the checkbox tick and
// every other icon would silently vanish on WeChat and Alipay. A view renders the same mask.
if (process.env.TARO_ENV !== 'h5') configureIcons({ tag: 'view' })

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initTransport()
    startSession()
  })
  return children
}

export default App
