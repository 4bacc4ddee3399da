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
  ],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '浙江ETC',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
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
  // WeChat privacy agreement: privacy-relevant APIs (phone number, Bluetooth) ask through the platform check.
  __usePrivacyCheck__: true,
  // WeChat: purposes shown when the platform asks for a scope. getPhoneNumber needs no declaration, and
  // no location API is called (Android's location switch for BLE scanning is the system's, not
  // wx.getLocation), so `requiredPrivateInfos` stays undeclared: nothing is declared that is not used.
  // Alipay: its own privacy popup guards phone number and Bluetooth once they are declared in the
  // open-platform console (see src/components/privacy-popup/consent.ts).
  ...(process.env.TARO_ENV === 'weapp'
    ? {
        permission: {
          'scope.bluetooth': { desc: '用于连接ETC车载单元或读卡器，把充值金额圈存到通行卡' },
        },
      }
    : {}),
})
