/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.less'
declare module '*.scss'
declare module '*.sass'
declare module '*.styl'

/** Injected by config/index.ts defineConstants (jest: test/jest/components.config.js globals). */
declare const ALIPAY_API_BASE: string
declare const CLOUDBASE_ENV: string
declare const PAY_LINK_PREFIX: string

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'quickapp' | 'qq' | 'jd'
    TARO_ENV_JEST?: string
  }
}

/** Detail of the native plate keyboard's change / input / confirm events. */
interface PlateKeyboardEvent {
  detail: { value: string }
}

declare namespace JSX {
  interface IntrinsicElements {
    /** WeChat-only native component src/components/native/plate-keyboard (usingComponents). */
    'plate-keyboard': {
      value?: string
      show?: boolean
      className?: string
      onChange?: (event: PlateKeyboardEvent) => void
      onConfirm?: (event: PlateKeyboardEvent) => void
    }
  }
}

// Deep import keeps the icon set out of the bundle; the package types only its root.
declare module '@nutui/icons-react-taro/dist/es/icons/configure.js' {
  export function configure(config: { tag?: string; classPrefix?: string; useSvg?: boolean }): void
}
