export default definePageConfig({
  navigationBarTitleText: '导出记录',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
