export default definePageConfig({
  navigationBarTitleText: '账单统计',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
