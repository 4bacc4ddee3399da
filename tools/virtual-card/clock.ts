// A virtual clock: timers fire in time order only when the test runs the clock, so simulated
// seconds of Bluetooth traffic take milliseconds.
import type { Clock } from '../../src/ble/transport/clock'

interface Timer {
  at: number
  seq: number
  fn: () => void
}

function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

export class VirtualClock implements Clock {
  private time = 0
  private seq = 0
  private timers: Timer[] = []

  constructor(start = 0) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn }
    this.timers.push(timer)
    return timer
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle)
  }

  get pendingTimers(): number {
    return this.timers.length
  }

  private next(): Timer | undefined {
    let best: Timer | undefined
    for (const t of this.timers)
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t
    return best
  }

  /** Let everything runnable now run; then fire timers one by one until `promise` settles. */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let settled = false
    const watched = promise.finally(() => {
      settled = true
    })
    watched.catch(() => undefined)
    const deadline = this.time + limitMs
    for (;;) {
      await flushMicrotasks()
      if (settled) return watched
      const timer = this.next()
      if (!timer) throw new Error('virtual clock: nothing left to run and the promise is still pending')
      if (timer.at > deadline) throw new Error(`virtual clock: still pending after ${limitMs} ms`)
      this.timers = this.timers.filter((t) => t !== timer)
      this.time = Math.max(this.time, timer.at)
      timer.fn()
    }
  }

  /** Advance by `ms`, firing every timer due on the way. Not for use inside run(): sleep on the clock there. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    for (;;) {
      await flushMicrotasks()
      const timer = this.next()
      if (!timer || timer.at > end) break
      this.timers = this.timers.filter((t) => t !== timer)
      this.time = Math.max(this.time, timer.at)
      timer.fn()
    }
    this.time = end
    await flushMicrotasks()
  }
}
