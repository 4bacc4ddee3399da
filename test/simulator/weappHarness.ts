/**
 * Runs real pages of dist/weapp inside miniprogram-simulate. The simulator only knows
 * Component(), so Page(options) is adapted to a component whose lifetimes call the page hooks;
 * the `wx` APIs the Taro runtime touches are stubbed here, and `wx.cloud.callFunction` goes
 * to a real `api` router on a fresh embedded database (no canned answers).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ApiResult } from '../../types'
import { createApi, type Api } from '../../cloudfunctions/functions/api/app'
import { fromCallFunction } from '../../cloudfunctions/functions/api/callFunctionEvent'
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import type { Clock } from '../../cloudfunctions/ports/clock'
import { seedDemo } from '../../tools/demo/seed'

export const distWeapp = path.resolve(__dirname, '../../dist/weapp')

export interface SimNode {
  dom: HTMLElement
  dispatchEvent(name: string, options?: { detail?: unknown }): void
  querySelector(selector: string): SimNode | undefined
  querySelectorAll(selector: string): SimNode[]
}
export interface SimComponent extends SimNode {
  attach(parent: Element): void
  detach(): void
  instance: Record<string, unknown>
}
interface Simulate {
  load(
    path: string,
    tagNameOrOptions?: string | Record<string, unknown>,
    options?: Record<string, unknown>,
  ): string
  render(id: string, properties?: Record<string, unknown>): SimComponent
  sleep(ms: number): Promise<void>
}

type PageOptions = Record<string, unknown> & { data?: Record<string, unknown> }
type Hook = (this: unknown, ...args: unknown[]) => unknown

export interface Backend {
  api: Api
  store: SqliteStore
  clock: Clock & { set(date: Date): void }
  openid: string
  /** Closes the database and removes its folder. */
  close(): void
}

/** A fresh embedded database with the demo data, and the router on it. */
export async function startBackend(
  now = new Date('2026-11-20T02:00:00Z'),
  /** a captcha whose text the suite knows (an operator login); otherwise random, as in production */
  opts: { captchaText?: string } = {},
): Promise<Backend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etc-sim-'))
  const store = openSqliteStore(path.join(dir, 'etc.sqlite'))
  let current = now
  const clock = { now: () => current, set: (d: Date) => (current = d) }
  const secrets = { sessionKey: randomBytes(32), dataKey: randomBytes(32), lookupKey: randomBytes(32) }
  await seedDemo(store, secrets, now)
  const captchaText = opts.captchaText
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets,
    ...(captchaText ? { captcha: { create: () => ({ text: captchaText, svg: '<svg/>' }) } } : {}),
  })
  return {
    api,
    store,
    clock,
    openid: `o-sim-${randomBytes(6).toString('hex')}`,
    close() {
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface WeappWorld {
  simulate: Simulate
  storage: Map<string, unknown>
  /** Every navigation the pages asked for, in order. */
  navigations: { api: string; url: string }[]
  toasts: string[]
  /** Mounts a page of dist/weapp and runs its lifecycle; answers the rendered component. */
  openPage(route: string, query?: Record<string, string>): Promise<SimComponent>
  /** Lets React commit and setData reach the tree. */
  settle(rounds?: number): Promise<void>
}

function pageHooks(options: PageOptions): Record<string, Hook> {
  const methods: Record<string, Hook> = {}
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'function') methods[key] = value as Hook
  }
  return methods
}

/**
 * Installs globals (wx, App, getApp, getCurrentPages, Page) and loads dist/weapp/app.js once.
 * Call it in beforeAll of a jsdom suite.
 */
export function bootWeapp(
  backend: Backend,
  /** more `wx` APIs (a suite's Bluetooth, say), installed before the app loads as WeChat has them */
  moreWx: Record<string, unknown> = {},
): WeappWorld {
  if (!fs.existsSync(path.join(distWeapp, 'app.js'))) {
    throw new Error('dist/weapp is missing: run `npm run build:weapp` first')
  }
  const g = globalThis as unknown as Record<string, unknown>
  const storage = new Map<string, unknown>()
  const navigations: { api: string; url: string }[] = []
  const toasts: string[] = []
  const pages: Record<string, unknown>[] = []

  const done = <T>(opts: { success?: (r: T) => void; complete?: () => void } | undefined, result: T) => {
    opts?.success?.(result)
    opts?.complete?.()
    return Promise.resolve(result)
  }
  const navigate =
    (api: string) =>
    (opts: { url: string; success?: (r: unknown) => void; complete?: () => void }): Promise<unknown> => {
      navigations.push({ api, url: opts.url })
      return done(opts, { errMsg: `${api}:ok` })
    }

  const systemInfo = {
    platform: 'devtools',
    model: 'iPhone 14',
    pixelRatio: 2,
    windowWidth: 390,
    windowHeight: 844,
    screenWidth: 390,
    screenHeight: 844,
    statusBarHeight: 47,
    language: 'zh_CN',
    version: '8.0.50',
    system: 'iOS 17',
    SDKVersion: '3.5.0',
  }

  g.wx = {
    getSystemInfoSync: () => systemInfo,
    getWindowInfo: () => systemInfo,
    getDeviceInfo: () => systemInfo,
    getAppBaseInfo: () => systemInfo,
    canIUse: () => true,
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    getStorage: (opts: { key: string; success?: (r: unknown) => void; fail?: (e: unknown) => void }) =>
      storage.has(opts.key)
        ? done(opts, { data: storage.get(opts.key) })
        : (opts.fail?.({ errMsg: 'getStorage:fail data not found' }), Promise.reject(new Error('not found'))),
    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    reLaunch: navigate('reLaunch'),
    switchTab: navigate('switchTab'),
    navigateBack: navigate('navigateBack'),
    showToast: (opts: { title: string; success?: (r: unknown) => void; complete?: () => void }) => {
      toasts.push(opts.title)
      return done(opts, { errMsg: 'showToast:ok' })
    },
    hideToast: () => undefined,
    showLoading: (opts: object) => done(opts, {}),
    hideLoading: () => undefined,
    stopPullDownRefresh: (opts?: object) => done(opts, {}),
    showModal: (opts: object) => done(opts, { confirm: true, cancel: false }),
    onAppRoute: () => undefined,
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    getMenuButtonBoundingClientRect: () => ({
      top: 51,
      height: 32,
      right: 380,
      left: 293,
      width: 87,
      bottom: 83,
    }),
    createSelectorQuery: () => {
      const q = {
        select: () => q,
        selectAll: () => q,
        selectViewport: () => q,
        in: () => q,
        boundingClientRect: () => q,
        scrollOffset: () => q,
        fields: () => q,
        exec: (cb?: (r: unknown[]) => void) => cb?.([]),
      }
      return q
    },
    cloud: {
      init: () => undefined,
      callFunction: async (opts: {
        name: string
        data: unknown
        success?: (r: unknown) => void
        fail?: (e: unknown) => void
        complete?: () => void
      }) => {
        // the real router, read as the api function reads the event, with the OPENID the platform
        // would give this user
        const { envelope, caller } = fromCallFunction(opts.data, backend.openid)
        const result: ApiResult = await backend.api.handle(envelope, caller)
        const answer = { errMsg: 'cloud.callFunction:ok', result }
        opts.success?.(answer)
        opts.complete?.()
        return answer
      },
    },
    ...moreWx,
  }

  let app: Record<string, Hook> | undefined
  g.App = (options: Record<string, Hook>) => {
    app = options
  }
  g.getApp = () => app
  g.getCurrentPages = () => pages

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as Simulate
  const makeComponent = g.Component as (definition: Record<string, unknown>) => void

  let pending: { route: string; query: Record<string, string> } = { route: '', query: {} }
  const loaded: Record<string, string> = {}
  g.Page = (options: PageOptions) => {
    const hooks = pageHooks(options)
    const { route, query } = pending
    makeComponent({
      data: options.data ?? {},
      methods: hooks,
      lifetimes: {
        attached(this: Record<string, unknown>) {
          this.route = route
          this.__route__ = route
          this.options = query
          pages.push(this)
          ;(this.onLoad as Hook | undefined)?.call(this, query)
        },
        ready(this: Record<string, unknown>) {
          ;(this.onShow as Hook | undefined)?.call(this)
          ;(this.onReady as Hook | undefined)?.call(this)
        },
        detached(this: Record<string, unknown>) {
          ;(this.onUnload as Hook | undefined)?.call(this)
          pages.splice(pages.indexOf(this), 1)
        },
      },
    })
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(distWeapp, 'app.js'))
  if (!app) throw new Error('dist/weapp/app.js did not call App()')
  app.onLaunch?.call(app, { path: 'pages/home/index', query: {}, scene: 1001 })
  app.onShow?.call(app, { path: 'pages/home/index', query: {}, scene: 1001 })

  const settle = async (rounds = 8) => {
    for (let i = 0; i < rounds; i++) await simulate.sleep(5)
  }

  return {
    simulate,
    storage,
    navigations,
    toasts,
    settle,
    async openPage(route, query = {}) {
      pending = { route, query }
      // a page's js runs once per jest module registry, so its component id is reused
      const id = (loaded[route] ??= simulate.load(path.join(distWeapp, route), { rootPath: distWeapp }))
      const page = simulate.render(id)
      page.attach(document.createElement('parent-wrapper'))
      await settle()
      return page
    },
  }
}
