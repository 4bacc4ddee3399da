import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { IPluginContext } from '@tarojs/service'

/** Text assets worth compressing; images and fonts are compressed formats already. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/
const MIN_BYTES = 1024

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    )
}

/**
 * H5: writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every text asset
 * of dist/h5, once per build, so the server sends the smallest encoding without compressing on
 * each request (tools/server/server.ts serves them to browsers that accept them).
 */
export default (ctx: IPluginContext) => {
  ctx.onBuildFinish(() => {
    if (process.env.TARO_ENV !== 'h5') return
    const { outputPath } = ctx.paths
    if (!fs.existsSync(outputPath)) return
    for (const file of listFiles(outputPath)) {
      if (!COMPRESSIBLE.test(file)) continue
      const bytes = fs.readFileSync(file)
      if (bytes.length < MIN_BYTES) continue
      fs.writeFileSync(
        `${file}.br`,
        zlib.brotliCompressSync(bytes, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
      )
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }))
    }
  })
}
