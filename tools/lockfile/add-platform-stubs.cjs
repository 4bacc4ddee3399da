#!/usr/bin/env node
// The npm registry reachable from these machines serves native binaries for linux-x64 only.
// npm therefore leaves the other platforms' optional packages (darwin, win32, arm…) out of
// package-lock.json, and `npm ci` then refuses the lock as "out of sync". This records each
// missing optional package the way npm would on a machine that could fetch it: name, version
// and the os/cpu it is for, so `npm ci` accepts the lock and skips them by platform.
// Run after every `npm install` that changes the lock: node tools/lockfile/add-platform-stubs.cjs
const fs = require('node:fs')
const path = require('node:path')

const lockPath = path.join(__dirname, '../../package-lock.json')
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'))
const packages = lock.packages

const osNames = [
  'darwin',
  'win32',
  'linux',
  'android',
  'freebsd',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
]
const cpuNames = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32']

/** os/cpu/libc from names like @swc/core-linux-arm-gnueabihf or @unrs/resolver-binding-linux-x64-musl. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-')
  const os = parts.find((p) => osNames.includes(p))
  const cpu = parts.find((p) => cpuNames.includes(p)) ?? (parts.includes('universal') ? undefined : undefined)
  const libc = parts.some((p) => p.startsWith('musl'))
    ? 'musl'
    : parts.some((p) => p.startsWith('gnu'))
      ? 'glibc'
      : undefined
  return { os, cpu, libc }
}

function exactVersion(spec) {
  return /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) ? spec : null
}

/** Where npm looks for `name` from the package at `from`: nearest node_modules upwards. */
function resolve(from, name) {
  let dir = from
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`
    if (packages[candidate]) return candidate
    if (!dir) return null
    const idx = dir.lastIndexOf('/node_modules/')
    dir = idx === -1 ? '' : dir.slice(0, idx)
  }
}

let added = 0
for (const [from, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const version = exactVersion(spec)
    const found = resolve(from, name)
    if (found && (!version || packages[found].version === version)) continue
    const { os, cpu, libc } = platformOf(name)
    if (!os && !cpu) {
      // not a platform binary: an optional package this registry does not have at all
      const at = `node_modules/${name}`
      if (!packages[at]) {
        packages[at] = { version: version ?? '0.0.0', dev: entry.dev, optional: true, os: ['none'] }
        added++
      }
      continue
    }
    const at = found ? `${from ? `${from}/` : ''}node_modules/${name}` : `node_modules/${name}`
    if (packages[at]) continue
    packages[at] = {
      version: version ?? '0.0.0',
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    }
    added++
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
)
lock.packages = sorted
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: recorded ${added} optional package(s) for other platforms`)
