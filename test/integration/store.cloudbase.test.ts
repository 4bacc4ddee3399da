import {
  createCloudbaseStore,
  type CloudbaseDatabase,
} from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { describeStoreContract } from './storeContract'

const env = process.env.CLOUDBASE_ENV
const hasCredentials = Boolean(process.env.TENCENTCLOUD_SECRETID && process.env.TENCENTCLOUD_SECRETKEY)

if (env && hasCredentials) {
  describeStoreContract(`cloudbase (${env})`, async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as {
      init(options: { env: string; secretId?: string; secretKey?: string }): void
      database(): unknown
    }
    cloud.init({
      env,
      secretId: process.env.TENCENTCLOUD_SECRETID,
      secretKey: process.env.TENCENTCLOUD_SECRETKEY,
    })
    return createCloudbaseStore(cloud.database() as CloudbaseDatabase)
  })
} else {
  console.log(
    'store.cloudbase: skipped — set CLOUDBASE_ENV, TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY to run the Store contract against a real CloudBase environment.',
  )
  describe.skip('Store contract: cloudbase (needs CLOUDBASE_ENV and credentials)', () => {
    test('skipped', () => undefined)
  })
}
