import fs from 'node:fs'
import path from 'node:path'

const file = path.resolve(__dirname, '../../docs/benchmarks.md')

/** Replaces (or appends) the `## <heading>` section of docs/benchmarks.md; other sections stay. */
export function writeBenchmarkSection(heading: string, body: string): void {
  const section = `## ${heading}\n\n${body.trim()}\n`
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n'
  const start = current.indexOf(`## ${heading}`)
  let next: string
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`
  } else {
    const after = current.indexOf('\n## ', start + 1)
    next = current.slice(0, start) + section + (after < 0 ? '' : `\n${current.slice(after + 1)}`)
  }
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`)
}
