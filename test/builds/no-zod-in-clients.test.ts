/**
 * zod validates on the server only: the client bundles (both mini-programs and the H5 JS) carry
 * none of its code. src/ may take types from the contract (`import type`, eslint.config.mjs);
 * a value import of a module that builds schemas would ship zod, which this catches.
 */
import fs from 'node:fs'
import { buildSync } from 'esbuild'
import { distDir, filesUnder, relative, root } from './distFiles'

/** Strings zod's code keeps after minification: its class names and its error type. */
const zodMarkers = ['$ZodType', '$ZodString', 'ZodError', '$ZodCheck']

function filesWithZod(files: string[]): string[] {
  return files.filter((file) => {
    const text = fs.readFileSync(file, 'utf8')
    return zodMarkers.some((marker) => text.includes(marker))
  })
}

describe.each([
  ['weapp', () => filesUnder(distDir('weapp'), /\.js$/)],
  ['alipay', () => filesUnder(distDir('alipay'), /\.js$/)],
  ['h5', () => filesUnder(distDir('h5'), /\.js$/)],
] as const)('dist/%s', (_platform, jsFiles) => {
  test('ships no zod code', () => {
    const files = jsFiles()
    expect(files.length).toBeGreaterThan(0)
    expect(filesWithZod(files).map(relative)).toEqual([])
  })
})

test('the markers survive minification (zod bundled and minified here finds them)', () => {
  const { outputFiles } = buildSync({
    stdin: {
      contents: "import { z } from 'zod'; export const s = z.object({ a: z.string() })",
      resolveDir: root,
    },
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'browser',
    write: false,
  })
  const text = outputFiles[0].text
  expect(zodMarkers.filter((marker) => text.includes(marker))).toEqual(zodMarkers)
})
