/**
 * `npm start`: the whole product on this machine. Builds H5 when the sources are newer than
 * the build, opens the embedded database, seeds the demo data (idempotent), serves H5 and
 * the api function on 127.0.0.1, and prints where to go and how to log in.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { systemClock } from '../../cloudfunctions/ports/clock'
import { demoOperator, demoOutletOperator } from '../demo/seedOperators'
import { seedDemo } from '../demo/seed'
import { loadLoadMasterKeys, loadSandboxKeys, loadSecrets } from './secrets'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createLocalServer, type LocalServer, type LocalServerOptions } from './server'

const root = resolve(__dirname, '..', '..')
const h5Dir = join(root, 'dist', 'h5')
const h5Index = join(h5Dir, 'index.html')
const localDir = join(root, '.local')
const sourceDirs = ['src', 'types', 'config'].map((dir) => join(root, dir))
const PORT_ATTEMPTS = 20

function newestSourceMtime(): number {
  let newest = 0
  for (const dir of sourceDirs) {
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      // Tests beside the code never reach the bundle; editing them must not force a rebuild.
      if (!entry.isFile() || /\.test\.[jt]sx?$/.test(entry.name)) continue
      const mtime = statSync(join(entry.parentPath, entry.name)).mtimeMs
      if (mtime > newest) newest = mtime
    }
  }
  return newest
}

/** Why H5 must be (re)built, or null when dist/h5 is current. */
function staleReason(): string | null {
  if (!existsSync(h5Index)) return 'dist/h5/index.html 不存在'
  return newestSourceMtime() > statSync(h5Index).mtimeMs
    ? 'src/、types/ 或 config/ 有比 dist/h5 更新的文件'
    : null
}

function buildH5IfNeeded(): void {
  const reason = staleReason()
  if (reason === null) return
  console.log(`构建 H5（${reason}）：npx taro build --type h5`)
  const result = spawnSync('npx', ['taro', 'build', '--type', 'h5'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0 || !existsSync(h5Index)) {
    console.error('H5 构建失败，见上面的输出。修好后重新运行 npm start。')
    process.exit(1)
  }
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE'
}

async function listenFromPort(first: number, base: Omit<LocalServerOptions, 'port'>): Promise<LocalServer> {
  for (let port = first; port < first + PORT_ATTEMPTS; port++) {
    try {
      return await createLocalServer({ ...base, port })
    } catch (error) {
      if (!isAddressInUse(error)) throw error
      console.warn(`端口 ${port} 已被占用，改试 ${port + 1}（可用 PORT=… npm start 指定端口）`)
    }
  }
  throw new Error(
    `端口 ${first}–${first + PORT_ATTEMPTS - 1} 都被占用，请用 PORT=… npm start 指定一个空闲端口`,
  )
}

function requestedPort(): number {
  const raw = process.env.PORT
  if (raw === undefined || raw === '') return 8080
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`PORT=${raw} 不是有效端口号`)
    process.exit(1)
  }
  return port
}

async function main(): Promise<void> {
  buildH5IfNeeded()
  mkdirSync(localDir, { recursive: true, mode: 0o700 })
  const { secrets, sources } = loadSecrets({ file: join(localDir, 'secrets.json') })
  if (Object.values(sources).includes('generated'))
    console.log('已生成本地演示密钥：.local/secrets.json（仅本机，勿提交）')
  const loadMaster = loadLoadMasterKeys({ file: join(localDir, 'secrets.json') })
  if (loadMaster.source === 'generated')
    console.log('已生成本地演示圈存主密钥：.local/secrets.json（仅本机，勿提交）')
  const sandboxKeys = loadSandboxKeys({ file: join(localDir, 'sandbox-keys.json') })
  if (sandboxKeys.source === 'generated')
    console.log(
      '已生成本地支付沙箱密钥（支付宝应用 / 支付宝 RSA2 密钥对）：.local/sandbox-keys.json（仅本机，勿提交）',
    )

  const server = await listenFromPort(requestedPort(), {
    dbFile: join(localDir, 'etc.sqlite'),
    clock: systemClock,
    secrets,
    h5Dir,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
    paymentSandbox: { keys: sandboxKeys.keys },
    loadKeys: SoftwareKeyService.fromMasterKeys({
      dlk: Buffer.from(loadMaster.keys.dlk, 'hex'),
      dtk: Buffer.from(loadMaster.keys.dtk, 'hex'),
    }),
    // H5's Bluetooth: virtual card boxes whose cards the same master keys personalised
    virtualBle: { masterKeys: { mlk: loadMaster.keys.dlk, mtk: loadMaster.keys.dtk } },
    // as CloudBase's timer trigger runs the scheduler (every 10 minutes there): orders close, the
    // sandbox's statements reconcile, refunds owed go out, exports get written
    scheduleEveryMs: 60_000,
  })

  let logins: Awaited<ReturnType<typeof seedDemo>>
  try {
    logins = await seedDemo(server.store, secrets, systemClock.now())
  } catch (error) {
    await server.close()
    throw error
  }

  const outboxUrl = `${server.url}/dev/outbox`
  console.log('')
  console.log(`ETC 自助服务（本地）已启动：${server.url}/`)
  console.log(`短信发件箱（验证码在这里，发送时也会打印在下面的日志里）：${outboxUrl}`)
  console.log(
    '充值用本地支付沙箱：微信支付和支付宝都可选，收银台由沙箱扮演付款人，付款后按生产代码路径发送支付通知（不产生真实交易）。',
  )
  console.log('')
  // nickname logins are labelled with their credentials; the phone shown is where their SMS goes
  const isNickname = (label: string) => label.includes('昵称登录')
  console.log('演示账号（短信验证码登录）：')
  for (const login of logins.filter((l) => !isNickname(l.label)))
    console.log(`  ${login.phone}  ${login.label}`)
  console.log('演示账号（昵称 + 密码 + 图形验证码登录）：')
  for (const login of logins.filter((l) => isNickname(l.label))) console.log(`  ${login.label}`)
  console.log(
    `登录页输入手机号，勾选协议，点“获取验证码”，验证码会打印在本窗口（“短信验证码 …”一行），也可到 ${outboxUrl} 查看。`,
  )
  console.log(
    `对账操作员（网页端）：${server.url}/#/packages/operator/pages/login/index  登录名 ${demoOperator.loginName}  密码 ${demoOperator.password}`,
  )
  console.log(
    `网点操作员（网页端，充值记录 / 未圈存 / 圈存 / 用户卡充值）：同一登录页  登录名 ${demoOutletOperator.loginName}  密码 ${demoOutletOperator.password}`,
  )
  console.log(
    `圈存（网页端）：H5 没有蓝牙，扫描到的是本机服务里的虚拟卡盒（ws://…/dev/ble，每辆储值卡车一个，如 “ETC-OBU 浙AD35288”），卡片用本地演示圈存主密钥个人化。`,
  )
  console.log('按 Ctrl-C 停止。')

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    console.log(`\n收到 ${signal}，正在关闭…`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('关闭时出错：', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
