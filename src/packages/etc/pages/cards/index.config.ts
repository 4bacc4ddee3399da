export default definePageConfig({
  navigationBarTitleText: '通行卡管理',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
