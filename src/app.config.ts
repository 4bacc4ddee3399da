export default defineAppConfig({
  pages: ['pages/home/index', 'pages/vehicles/index', 'pages/bills/index', 'pages/me/index'],
  subPackages: [
    {
      root: 'packages/auth',
      pages: [
        'pages/login/index',
        'pages/agreement/index',
        'pages/privacy/index',
        'pages/recover-nickname/index',
        'pages/reset-password/index',
        'pages/change-password/index',
        'pages/bind/index',
        'pages/legacy-confirm/index',
        'pages/switch-account/index',
      ],
    },
    {
      root: 'packages/etc',
      pages: [
        'pages/vehicle/index',
        'pages/cards/index',
        'pages/card/index',
        'pages/tags/index',
        'pages/tag/index',
        'pages/parking/index',
        'pages/profile/index',
        'pages/soon/index',
      ],
    },
    {
      root: 'packages/money',
      pages: [
        'pages/recharge/index',
        'pages/recharge-result/index',
        'pages/allocate/index',
        'pages/records/index',
      ],
    },
    {
      // 圈存 (issue 10): card and transport choice, device scan, the load with its native progress
      root: 'packages/load',
      pages: ['pages/index/index', 'pages/device/index', 'pages/load/index'],
    },
    {
      // staff only (operator-cli.ts makes the accounts); reached by URL, never from a driver's screen
      root: 'packages/operator',
      pages: ['pages/login/index', 'pages/reconciliation/index', 'pages/reconciliation-detail/index'],
    },
    {
      // 网点 (issue 10, seeds 002/003): the outlet operator's 充值记录, 未圈存 and 圈存, 用户卡充值 by code;
      // pages/pay is the customer's (a driver session), opened from the operator's code
      root: 'packages/outlet',
      pages: [
        'pages/home/index',
        'pages/records/index',
        'pages/record/index',
        'pages/device/index',
        'pages/card/index',
        'pages/recharge/index',
        'pages/pay/index',
      ],
    },
    {
      // 导出记录: the files every list's 导出 makes (core/exports), downloadable 30 days
      root: 'packages/exports',
      pages: ['pages/records/index'],
    },
    {
      // 账单统计 / 账单明细 / 通行流水 / 通行详情 / 退费记录 (seed 001 §2.6); the F2 chart stays in here
      root: 'packages/bills',
      pages: [
        'pages/statistics/index',
        'pages/details/index',
        'pages/trips/index',
        'pages/trip/index',
        'pages/refunds/index',
      ],
    },
    {
      // 发票服务 (seed 001 §2.7): 已开票查询, invoice detail, 开票设置, titles, fleet batches
      root: 'packages/invoices',
      pages: [
        'pages/list/index',
        'pages/invoice/index',
        'pages/settings/index',
        'pages/title/index',
        'pages/fleet/index',
        'pages/issue/index',
      ],
    },
  ],
  window: {
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '浙江ETC',
    backgroundColor: '#f5f6f8',
    // Alipay has neither (its title colour follows the bar); Taro passes them through unchanged
    ...(process.env.TARO_ENV === 'alipay'
      ? {}
      : { backgroundTextStyle: 'dark' as const, navigationBarTextStyle: 'black' as const }),
  },
  tabBar: {
    color: '#8a8f99',
    selectedColor: '#fa6400',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/home/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
      },
      {
        pagePath: 'pages/vehicles/index',
        text: '车辆',
        iconPath: 'assets/tab/vehicles.png',
        selectedIconPath: 'assets/tab/vehicles-active.png',
      },
      {
        pagePath: 'pages/bills/index',
        text: '账单',
        iconPath: 'assets/tab/bills.png',
        selectedIconPath: 'assets/tab/bills-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-active.png',
      },
    ],
  },
  // WeChat-only keys (Alipay's app.json carries none of them; test/builds/weapp-build.test.ts checks):
  // - __usePrivacyCheck__: privacy-relevant APIs (phone number, Bluetooth) ask through the platform check;
  // - lazyCodeLoading: only the components a page renders are injected at start;
  // - sitemapLocation: sitemap.json (config/index.ts copies src/sitemap.json next to app.json).
  // No `permission` entry: WeChat ignores scope.bluetooth (Bluetooth consent goes through the privacy
  // agreement), and getPhoneNumber needs none. No location API is called (Android's location switch for
  // BLE scanning is the system's, not wx.getLocation), so `requiredPrivateInfos` stays undeclared.
  // Alipay: its own privacy popup guards phone number and Bluetooth once they are declared in the
  // open-platform console (see src/components/privacy-popup/consent.ts).
  ...(process.env.TARO_ENV === 'weapp'
    ? {
        __usePrivacyCheck__: true,
        lazyCodeLoading: 'requiredComponents',
        sitemapLocation: 'sitemap.json',
      }
    : {}),
})
