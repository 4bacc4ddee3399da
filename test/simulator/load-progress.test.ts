/**
 * The native load-progress component in miniprogram-simulate, from src/ as written and from
 * dist/weapp as Taro copied it: steps done / current / waiting, the percent, the status, an error
 * with 重试 that triggers `retry`.
 */
import fs from 'node:fs'
import path from 'node:path'

interface SimNode {
  dom: HTMLElement
  dispatchEvent(name: string, detail?: unknown): void
  querySelector(selector: string): SimNode | undefined
  querySelectorAll(selector: string): SimNode[]
}
interface SimComponent extends SimNode {
  attach(parent: Element): void
  setData(data: Record<string, unknown>): void
}
interface Simulate {
  load(path: string, tagName?: string, options?: Record<string, unknown>): string
  load(definition: Record<string, unknown>): string
  render(id: string, properties?: Record<string, unknown>): SimComponent
  sleep(ms: number): Promise<void>
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate = require('miniprogram-simulate') as Simulate

const root = path.resolve(__dirname, '../..')
const srcComponent = path.join(root, 'src/packages/load/native-progress/index')
const distWeapp = path.join(root, 'dist/weapp')
const distComponent = path.join(distWeapp, 'packages/load/native-progress/index')
const STEPS = ['连接设备', '读取卡片', '确认金额', '写卡圈存', '核对余额']

let load: () => string = () => {
  throw new Error('no component loaded')
}

interface HostData {
  current: number
  percent: number
  status: string
  error: string
  retryable: boolean
}

function renderInHost(data: HostData): { host: SimComponent; retries: number[] } {
  const retries: number[] = []
  const hostId = simulate.load({
    template:
      '<load-progress id="lp" steps="{{steps}}" current="{{current}}" percent="{{percent}}" status="{{status}}" error="{{error}}" retryable="{{retryable}}" bind:retry="onRetry" />',
    usingComponents: { 'load-progress': load() },
    data: { steps: STEPS, ...data },
    methods: {
      onRetry() {
        retries.push(retries.length + 1)
      },
    },
  })
  const host = simulate.render(hostId)
  host.attach(document.createElement('parent-wrapper'))
  return { host, retries }
}

function progress(host: SimComponent): SimNode {
  const node = host.querySelector('#lp')
  if (!node) throw new Error('load-progress not rendered')
  return node
}

const textOf = (node: SimNode | undefined) => (node?.dom.textContent ?? '').replace(/\s+/g, ' ').trim()

/** Each step as its dot (✓ when done, else its number), its label and its state. */
function stepStates(host: SimComponent): string[] {
  return progress(host)
    .querySelectorAll('.load-progress__step')
    .map((s) => {
      const state = /load-progress__step--(\w+)/.exec(s.dom.className)?.[1] ?? '?'
      return `${textOf(s)}:${state}`
    })
}

/** Loads once per suite: the simulator runs a component's js only on its first load in a jest module registry. */
function behaves(loadOnce: () => string): void {
  let id: string | undefined
  beforeAll(() => {
    load = () => (id ??= loadOnce())
  })

  it('marks the steps before the current one done, the current active, the rest waiting, with percent and status', async () => {
    const { host } = renderInHost({
      current: 3,
      percent: 60,
      status: '正在写卡',
      error: '',
      retryable: false,
    })
    expect(stepStates(host)).toEqual([
      '✓连接设备:done',
      '✓读取卡片:done',
      '✓确认金额:done',
      '4写卡圈存:active',
      '5核对余额:wait',
    ])
    expect(textOf(progress(host).querySelector('.load-progress__percent'))).toBe('60%')
    expect(textOf(progress(host).querySelector('.load-progress__status'))).toBe('正在写卡')
    expect(progress(host).querySelector('.load-progress__fill')?.dom.getAttribute('style')).toContain('60%')
    expect(progress(host).querySelector('.load-progress__error')).toBeUndefined()

    host.setData({ current: 5, percent: 100, status: '圈存成功' })
    await simulate.sleep(0)
    expect(stepStates(host).every((s) => s.endsWith(':done'))).toBe(true)
    expect(textOf(progress(host).querySelector('.load-progress__percent'))).toBe('100%')
  })

  it('shows an error on the current step and 重试 triggers retry; without retryable there is no 重试', async () => {
    const { host, retries } = renderInHost({
      current: 3,
      percent: 60,
      status: '',
      error: '设备连接已断开，请重新连接',
      retryable: true,
    })
    expect(stepStates(host)[3]).toBe('4写卡圈存:error')
    expect(textOf(progress(host).querySelector('.load-progress__message'))).toBe('设备连接已断开，请重新连接')
    const retry = progress(host).querySelector('.load-progress__retry')
    expect(textOf(retry)).toBe('重试')
    retry?.dispatchEvent('tap')
    await simulate.sleep(0)
    expect(retries).toEqual([1])

    host.setData({ error: '该卡为记账卡，无需圈存', retryable: false })
    await simulate.sleep(0)
    expect(textOf(progress(host).querySelector('.load-progress__message'))).toBe('该卡为记账卡，无需圈存')
    expect(progress(host).querySelector('.load-progress__retry')).toBeUndefined()
  })

  it('clamps the percent to 0..100', async () => {
    const { host } = renderInHost({ current: 0, percent: 140, status: '', error: '', retryable: false })
    expect(textOf(progress(host).querySelector('.load-progress__percent'))).toBe('100%')
  })
}

describe('load progress from src/', () => {
  behaves(() => simulate.load(srcComponent, 'load-progress'))
})

describe('load progress from dist/weapp', () => {
  if (!fs.existsSync(`${distComponent}.js`)) {
    it('needs the WeChat build', () => {
      throw new Error('dist/weapp is missing: run `npm run build:weapp` first')
    })
    return
  }
  beforeAll(() => {
    // Taro emits the copied component as a webpack chunk pushed onto wx.webpackJsonp
    const g = globalThis as unknown as { wx?: Record<string, unknown> }
    g.wx = g.wx ?? {}
    const runtime = path.join(distWeapp, 'runtime.js')
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (fs.existsSync(runtime)) require(runtime)
  })
  behaves(() => simulate.load(distComponent, 'load-progress'))
})
