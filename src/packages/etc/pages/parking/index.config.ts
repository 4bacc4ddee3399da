export default definePageConfig({
  navigationBarTitleText: '拓展授权管理',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
