import fs from 'node:fs'
import path from 'node:path'

export const root = path.resolve(__dirname, '../..')

/** Every file under `dir` (recursively) whose name matches `pattern`. */
export function filesUnder(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return filesUnder(full, pattern)
      return entry.isFile() && pattern.test(entry.name) ? [full] : []
    })
    .sort()
}

const buildCommand: Record<string, string> = {
  weapp: 'npm run build:weapp',
  alipay: 'npm run build:alipay',
  h5: 'npm run build:h5',
}

/** dist/<platform>, or a thrown error saying which build to run first. */
export function distDir(platform: 'weapp' | 'alipay' | 'h5'): string {
  const dir = path.join(root, 'dist', platform)
  const marker = path.join(dir, platform === 'h5' ? 'index.html' : 'app.json')
  if (!fs.existsSync(marker)) {
    throw new Error(`dist/${platform} 不存在或不完整：请先运行 \`${buildCommand[platform]}\`，再运行本测试`)
  }
  return dir
}

export const relative = (file: string): string => path.relative(root, file).split(path.sep).join('/')
