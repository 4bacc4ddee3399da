import { execFileSync } from 'node:child_process'

/** Flags from docs/toolchain.md: no sandbox in containers, nothing that phones home. */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's chromium, which the browser suites and the LCP benchmark drive through playwright-core. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error(
      'chromium is not installed: run `bash tools/ensure-browser.sh` (installs chromium and fonts-noto-cjk)',
    )
  }
}
