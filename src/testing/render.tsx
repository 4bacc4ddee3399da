import TestUtils from '@tarojs/test-utils-react'
import { waitFor } from '@testing-library/dom'

/** Mounts a component on Taro's H5 components (web components in jsdom) and waits for them to render. */
const mounted: TestUtils[] = []

export async function mount(ui: () => React.JSX.Element): Promise<TestUtils> {
  const utils = new TestUtils()
  await utils.mount(ui)
  mounted.push(utils)
  return utils
}

/** Unmounts everything mount() rendered (test/jest/after-env-components.cjs runs it after each test). */
export function cleanup(): void {
  for (const utils of mounted.splice(0)) {
    try {
      utils.act(() => utils.unmout())
    } catch {
      // already unmounted
    }
  }
  document.body.innerHTML = ''
}

/** The page's visible text, whitespace collapsed. */
export function text(root: ParentNode = document.body): string {
  return (root.textContent ?? '').replace(/\s+/g, ' ').trim()
}

export async function waitForText(expected: string, root: ParentNode = document.body): Promise<void> {
  await waitFor(() => {
    if (!text(root).includes(expected)) throw new Error(`"${expected}" not found in: ${text(root)}`)
  })
}

export function find(selector: string, root: ParentNode = document.body): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector)
  if (!el) throw new Error(`${selector} not found`)
  return el
}

export function click(el: Element): void {
  el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
}

/** Types into a Taro/NutUI input: the native <input> inside the given element. */
export function typeInto(el: Element, value: string): void {
  const input = el.tagName === 'INPUT' ? (el as HTMLInputElement) : el.querySelector('input')
  if (!input) throw new Error('no <input> inside the element')
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

/**
 * Types into the field `selector` once its native <input> is there: Taro's H5 input renders it a
 * tick after the field itself, so typing straight after the field appears flaked under load.
 */
export async function typeIn(selector: string, value: string): Promise<void> {
  typeInto(await findLater(`${selector} input, input${selector}`), value)
}

/** Waits until the selector matches (Taro's H5 components render their inner <input> a tick later). */
export async function findLater(selector: string, root: ParentNode = document.body): Promise<HTMLElement> {
  let found: HTMLElement | null = null
  await waitFor(() => {
    found = root.querySelector<HTMLElement>(selector)
    if (!found) throw new Error(`${selector} not found`)
  })
  return found as unknown as HTMLElement
}
