export default definePageConfig({
  navigationBarTitleText: '对账报告',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
