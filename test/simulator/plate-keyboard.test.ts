/**
 * The native plate keyboard in miniprogram-simulate: once from src/ (as written) and once from
 * dist/weapp (as Taro copied it: a webpack chunk that needs dist/weapp/runtime.js first).
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
  detach(): void
  instance: { data: Record<string, unknown> }
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
const srcComponent = path.join(root, 'src/components/native/plate-keyboard/index')
const distWeapp = path.join(root, 'dist/weapp')
const distComponent = path.join(distWeapp, 'components/native/plate-keyboard/index')

interface Emitted {
  type: string
  value: string
}

/** Renders the keyboard inside a host that records every event the keyboard triggers. */
function renderInHost(componentId: string, value = ''): { host: SimComponent; events: Emitted[] } {
  const events: Emitted[] = []
  const hostId = simulate.load({
    template:
      '<plate-keyboard id="kb" value="{{value}}" bind:change="onChange" bind:input="onInput" bind:confirm="onConfirm" />',
    usingComponents: { 'plate-keyboard': componentId },
    data: { value },
    methods: {
      onChange(e: { detail: { value: string } }) {
        events.push({ type: 'change', value: e.detail.value })
      },
      onInput(e: { detail: { value: string } }) {
        events.push({ type: 'input', value: e.detail.value })
      },
      onConfirm(e: { detail: { value: string } }) {
        events.push({ type: 'confirm', value: e.detail.value })
      },
    },
  })
  const host = simulate.render(hostId)
  host.attach(document.createElement('parent-wrapper'))
  return { host, events }
}

function keyboard(host: SimComponent): SimNode {
  const kb = host.querySelector('#kb')
  if (!kb) throw new Error('plate-keyboard not rendered')
  return kb
}

function keyTexts(host: SimComponent): string[] {
  return keyboard(host)
    .querySelectorAll('.plate-keyboard__key')
    .map((k) => (k.dom.textContent ?? '').trim())
}

async function tapKey(host: SimComponent, label: string): Promise<void> {
  const key = keyboard(host)
    .querySelectorAll('.plate-keyboard__key')
    .find((k) => (k.dom.textContent ?? '').trim() === label)
  if (!key) throw new Error(`no key ${label}; keys: ${keyTexts(host).join('')}`)
  key.dispatchEvent('tap')
  await simulate.sleep(0)
}

async function tapAction(host: SimComponent, selector: string): Promise<void> {
  const node = keyboard(host).querySelector(selector)
  if (!node) throw new Error(`${selector} not rendered`)
  node.dispatchEvent('tap')
  await simulate.sleep(0)
}

function shown(host: SimComponent): string {
  return (keyboard(host).querySelector('.plate-keyboard__value')?.dom.textContent ?? '').trim()
}

/** Loads once per suite: the simulator runs a component's js only on its first load in a jest module registry. */
function behaves(loadOnce: () => string): void {
  let id: string | undefined
  const load = (): string => (id ??= loadOnce())

  it('starts on the province row, builds a plate from taps and emits change/input with the new value', async () => {
    const { host, events } = renderInHost(load())
    expect(keyTexts(host).join('')).toBe('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼')
    expect(keyboard(host).dom.textContent).toContain('请输入车牌号码')

    await tapKey(host, '浙')
    expect(events).toEqual([
      { type: 'change', value: '浙' },
      { type: 'input', value: '浙' },
    ])
    // after the province: letters and digits
    expect(keyTexts(host)).toContain('A')
    expect(keyTexts(host)).not.toContain('京')

    for (const k of ['A', '1', '2', '3', '4', '5']) await tapKey(host, k)
    expect(shown(host)).toBe('浙A12345')
    expect(events.filter((e) => e.type === 'change').map((e) => e.value)).toEqual([
      '浙',
      '浙A',
      '浙A1',
      '浙A12',
      '浙A123',
      '浙A1234',
      '浙A12345',
    ])

    await tapAction(host, '.plate-keyboard__delete')
    expect(shown(host)).toBe('浙A1234')
    expect(events[events.length - 1]).toEqual({ type: 'input', value: '浙A1234' })

    await tapAction(host, '.plate-keyboard__done')
    expect(events[events.length - 1]).toEqual({ type: 'confirm', value: '浙A1234' })
    expect(keyboard(host).dom.textContent).toContain('完成')
    expect(keyboard(host).dom.textContent).toContain('删除')
  })

  it('refuses a digit as the second character and stops at 8 characters', async () => {
    const { host, events } = renderInHost(load(), '浙')
    expect(shown(host)).toBe('浙')
    await tapKey(host, '1')
    expect(events).toEqual([])
    for (const k of ['A', 'D', '1', '2', '3', '4', '5', '6']) await tapKey(host, k)
    expect(shown(host)).toBe('浙AD12345')
    expect(events[events.length - 1].value).toBe('浙AD12345')
  })

  it('follows the value property set by the page', async () => {
    const { host } = renderInHost(load())
    host.setData({ value: '沪B' })
    await simulate.sleep(0)
    expect(shown(host)).toBe('沪B')
  })
}

describe('plate keyboard from src/', () => {
  behaves(() => simulate.load(srcComponent, 'plate-keyboard'))
})

describe('plate keyboard from dist/weapp', () => {
  const built = fs.existsSync(`${distComponent}.js`)
  if (!built) {
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
  behaves(() => simulate.load(distComponent, 'plate-keyboard'))
})
