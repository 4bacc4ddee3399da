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
})
