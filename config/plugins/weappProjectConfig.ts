import fs from 'node:fs'
import path from 'node:path'
import type { IPluginContext } from '@tarojs/service'

/**
 * Taro copies the root project.config.json into dist/weapp with `miniprogramRoot: './'` but
 * leaves `cloudfunctionRoot` as written for the repository root (dist/cloudfunctions/). Opened
 * from dist/weapp, that path would point inside the build. Rewrite it relative to dist/weapp,
 * to where tools/bundle-functions.ts puts the bundles.
 */
export default (ctx: IPluginContext) => {
  ctx.onBuildFinish(() => {
    if (process.env.TARO_ENV !== 'weapp') return
    const { appPath, outputPath } = ctx.paths
    const file = path.join(outputPath, 'project.config.json')
    if (!fs.existsSync(file)) return
    type ProjectConfig = { cloudfunctionRoot?: string }
    const root = JSON.parse(
      fs.readFileSync(path.join(appPath, 'project.config.json'), 'utf8'),
    ) as ProjectConfig
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as ProjectConfig
    if (!root.cloudfunctionRoot) return
    // from the root's value each time: in watch mode the build copy was rewritten already
    const functions = path.resolve(appPath, root.cloudfunctionRoot)
    const relative = path.relative(outputPath, functions).split(path.sep).join('/')
    const next = `${relative}/`
    if (config.cloudfunctionRoot === next) return
    fs.writeFileSync(file, `${JSON.stringify({ ...config, cloudfunctionRoot: next }, null, 2)}\n`)
  })
}
