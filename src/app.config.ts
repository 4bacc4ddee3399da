export default defineAppConfig({
  pages: ['pages/home/index', 'pages/vehicles/index', 'pages/bills/index', 'pages/me/index'],
  subPackages: [
    {
      root: 'packages/auth',
      pages: ['pages/login/index'],
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
      { pagePath: 'pages/home/index', text: '首页' },
      { pagePath: 'pages/vehicles/index', text: '车辆' },
      { pagePath: 'pages/bills/index', text: '账单' },
      { pagePath: 'pages/me/index', text: '我的' },
    ],
  },
  // WeChat privacy agreement: privacy-relevant APIs (phone number, Bluetooth) ask through the platform check.
  __usePrivacyCheck__: true,
})
